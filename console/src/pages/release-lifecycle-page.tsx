/** Flag lifecycle: every flag's stage (derived or set by a person), since when, its expected end, and the potentially-stale ones. */
import { useState } from 'preact/hooks';
import { path } from '../api';
import { useApp } from '../app-context';
import { SelectField } from '../components/fields';
import { useGovernedWrite } from '../use-governed-write';
import { useResource } from '../use-resource';
import { ReleaseTabs } from './release-tabs';
import { releaseText } from './release-text';

const STAGES = ['initial', 'pre-live', 'live', 'completed', 'archived'] as const;
/** What a person may set (archiving is the flag's own action); '' goes back to the evidence. */
const SETTABLE = ['initial', 'pre-live', 'live', 'completed'] as const;
type Stage = (typeof STAGES)[number];

interface LifecycleFlag {
  name: string;
  version: number;
  archived: boolean;
  type: string;
  squad: string;
  lifecycle: { stage: Stage; since: string; setBy?: string };
  potentiallyStale: boolean;
  expectedEnd: string | null;
}

const day = (iso: string) => iso.slice(0, 10);

export function ReleaseLifecyclePage() {
  const { api, lang, t } = useApp();
  const r = releaseText(lang);
  const [filter, setFilter] = useState('');
  const url = filter ? `/api/admin/flags?lifecycle=${encodeURIComponent(filter)}` : '/api/admin/flags';
  const list = useResource(() => api.get<{ flags: LifecycleFlag[] }>(url), [url]);
  const flags = list.data?.flags ?? [];
  const write = useGovernedWrite();
  const setStage = async (f: LifecycleFlag, stage: string) => {
    const out = await write(
      'PUT',
      path`/api/admin/flags/${f.name}/lifecycle`,
      { stage: stage === '' ? null : stage, version: f.version },
      { what: f.name, applied: r('stageSet', { flag: f.name }) },
    );
    if (out.kind !== 'refused') await list.reload();
  };
  return (
    <section aria-labelledby="release-lifecycle-title">
      <ReleaseTabs current="release-lifecycle" />
      <h1 id="release-lifecycle-title">{r('lifecycle')}</h1>
      <p class="muted">{r('lifecycleIntro')}</p>
      <SelectField
        label={r('show')}
        value={filter}
        onChange={setFilter}
        choices={[
          { value: '', label: r('allFlags') },
          { value: 'potentially-stale', label: r('potentiallyStale') },
          ...STAGES.map((s) => ({ value: s, label: r(`stage.${s}`) })),
        ]}
      />
      {list.error && <p class="alert alert-error">{t('error.load', { message: list.error.message })}</p>}
      {list.loading && !list.data && <p>{t('app.loading')}</p>}
      {list.data && flags.length === 0 && <p>{r('noFlags')}</p>}
      {flags.length > 0 && (
        <div class="table-wrap">
          <table class="data" id="lifecycle-table">
            <thead>
              <tr>
                <th scope="col">{r('flag')}</th>
                <th scope="col">{r('type')}</th>
                <th scope="col">{r('squad')}</th>
                <th scope="col">{r('stage')}</th>
                <th scope="col">{r('since')}</th>
                <th scope="col">{r('expectedEnd')}</th>
                <th scope="col">{r('setStage')}</th>
              </tr>
            </thead>
            <tbody>
              {flags.map((f) => (
                <tr key={f.name} data-flag={f.name}>
                  <th scope="row">
                    <code>{f.name}</code>
                  </th>
                  <td>{f.type}</td>
                  <td>{f.squad}</td>
                  <td class="lifecycle-stage">
                    {r(`stage.${f.lifecycle.stage}`)}{' '}
                    <span class="muted">
                      ({f.lifecycle.setBy ? r('setBy', { who: f.lifecycle.setBy }) : r('derived')})
                    </span>
                  </td>
                  <td>{day(f.lifecycle.since)}</td>
                  <td>
                    {f.expectedEnd ? day(f.expectedEnd) : r('staysForever')}
                    {f.potentiallyStale && <span class="tone-warn"> {r('potentiallyStale')}</span>}
                  </td>
                  <td>
                    {!f.archived && (
                      <select
                        class="set-stage"
                        aria-label={r('setStageOf', { flag: f.name })}
                        value={f.lifecycle.setBy ? f.lifecycle.stage : ''}
                        onChange={(e) => void setStage(f, e.currentTarget.value)}
                      >
                        <option value="">{r('derived')}</option>
                        {SETTABLE.map((s) => (
                          <option key={s} value={s}>
                            {r(`stage.${s}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
