/** Product owners' home: experiments by status. */
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import { PendingMark } from '../components/pending-mark';
import { channelLabel, type MessageKey } from '../i18n';
import { mayCreate, mayDraftExperiment } from '../rights';
import { href } from '../router';
import type { ExperimentStatus, StoredExperiment } from '../types';

const STATUSES: ExperimentStatus[] = ['running', 'draft', 'stopped', 'shipped'];

export function statusLabel(t: (k: MessageKey) => string, status: ExperimentStatus): string {
  return t(`status.${status}` as MessageKey);
}

export function ExperimentsPage() {
  const { api, t, fmt, me, pending } = useApp();
  const [experiments, setExperiments] = useState<StoredExperiment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<ExperimentStatus | ''>('');

  useEffect(() => {
    api
      .get<{ experiments: StoredExperiment[] }>('/api/admin/experiments')
      .then((res) => setExperiments(res.experiments))
      .catch((e: Error) => setError(e.message));
  }, []);

  const order = (e: StoredExperiment) => STATUSES.indexOf(e.status);
  const shown = (experiments ?? [])
    .filter((e) => status === '' || e.status === status)
    .sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  const count = (s: ExperimentStatus | '') =>
    (experiments ?? []).filter((e) => s === '' || e.status === s).length;

  return (
    <section aria-labelledby="experiments-title">
      <div class="title-row">
        <h1 id="experiments-title">{t('experiments.title')}</h1>
        {mayDraftExperiment(me) && (
          <a class="button button-primary" href={href({ page: 'new-experiment' })}>
            {mayCreate(me) ? t('experimentEdit.newButton') : t('experimentEdit.draftButton')}
          </a>
        )}
      </div>
      {error && (
        <p class="alert alert-error" role="alert">
          {t('error.load', { message: error })}
        </p>
      )}
      {experiments === null && !error && <p>{t('app.loading')}</p>}
      {experiments !== null && (
        <>
          <fieldset class="segmented">
            <legend class="visually-hidden">{t('experiments.status')}</legend>
            {(['', ...STATUSES] as const).map((s) => (
              <button
                type="button"
                key={s || 'all'}
                class="segment"
                aria-pressed={status === s}
                onClick={() => setStatus(s)}
              >
                {s === '' ? t('common.all') : statusLabel(t, s)}{' '}
                <span class="count">{fmt.number(count(s))}</span>
              </button>
            ))}
          </fieldset>
          {shown.length === 0 ? (
            <p>{t('experiments.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">{t('experiments.name')}</th>
                    <th scope="col">{t('experiments.status')}</th>
                    <th scope="col">{t('experiments.squad')}</th>
                    <th scope="col">{t('common.environment')}</th>
                    <th scope="col">{t('experiments.channels')}</th>
                    <th scope="col">{t('experiments.primary')}</th>
                    <th scope="col">{t('experiments.started')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((e) => (
                    <tr key={e.key}>
                      <th scope="row">
                        <a href={href({ page: 'experiment', key: e.key })}>{e.name}</a>{' '}
                        <PendingMark requests={pendingFor(pending, { type: 'experiment', id: e.key })} />
                        <div class="muted">
                          <code>{e.key}</code>
                        </div>
                      </th>
                      <td>
                        <span class={`badge badge-${e.status}`}>{statusLabel(t, e.status)}</span>
                      </td>
                      <td>{e.squad}</td>
                      <td>{e.environment}</td>
                      <td>{e.channels.map((c) => channelLabel(t, c)).join(', ')}</td>
                      <td>
                        <code>{e.primaryMetric}</code>
                      </td>
                      <td>{e.startedAt ? fmt.date(e.startedAt) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
