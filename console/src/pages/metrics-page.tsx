/** The metric catalogue: what experiments are judged by; squads define their own, platform admins any. */
import { useState } from 'preact/hooks';
import { METRIC_KINDS } from '../../../shared/model/metric';
import { ApiError, path } from '../api';
import { useApp } from '../app-context';
import { pendingFor } from '../change-view';
import { NumberField, problemAt, SelectField, TextAreaField, TextField } from '../components/fields';
import { PendingBanner, PendingMark } from '../components/pending-mark';
import { labelOf } from '../labels';
import { isPlatformAdmin, mayCreate, mayWriteFor } from '../rights';
import { href } from '../router';
import { useGovernedWrite } from '../use-governed-write';
import { useResource } from '../use-resource';

export interface StoredMetric {
  key: string;
  name: string;
  description?: string;
  kind: (typeof METRIC_KINDS)[number];
  direction: 'higher-is-better' | 'lower-is-better';
  unit: string;
  squad?: string;
  numerator?: string;
  denominator?: string;
  min?: number;
  max?: number;
  version: number;
}

export function useMetrics() {
  const { api } = useApp();
  return useResource(
    async () => (await api.get<{ metrics: StoredMetric[] }>('/api/admin/metrics')).metrics,
    [],
  );
}

export function MetricsPage() {
  const { t, me, pending } = useApp();
  const metrics = useMetrics();
  const list = [...(metrics.data ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  return (
    <section aria-labelledby="metrics-title">
      <div class="title-row">
        <h1 id="metrics-title">{t('metrics.title')}</h1>
        {mayCreate(me) && (
          <a class="button button-primary" href={href({ page: 'metric', key: 'new' })}>
            {t('metrics.new')}
          </a>
        )}
      </div>
      <p class="muted">{t('metrics.intro')}</p>
      {metrics.error && (
        <p class="alert alert-error">{t('error.load', { message: metrics.error.message })}</p>
      )}
      {metrics.loading && !metrics.data && <p>{t('app.loading')}</p>}
      {metrics.data && list.length === 0 && <p>{t('metrics.empty')}</p>}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('metrics.key')}</th>
                <th scope="col">{t('metrics.name')}</th>
                <th scope="col">{t('metrics.kind')}</th>
                <th scope="col">{t('metrics.direction')}</th>
                <th scope="col">{t('metrics.unit')}</th>
                <th scope="col">{t('flags.squad')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.key}>
                  <th scope="row">
                    <a href={href({ page: 'metric', key: m.key })}>
                      <code>{m.key}</code>
                    </a>{' '}
                    <PendingMark requests={pendingFor(pending, { type: 'metric', id: m.key })} />
                  </th>
                  <td>{m.name}</td>
                  <td>{labelOf(t, 'metricKind', m.kind)}</td>
                  <td>{labelOf(t, 'direction', m.direction)}</td>
                  <td>{m.unit}</td>
                  <td>{m.squad ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function MetricPage({ metricKey }: { metricKey: string }) {
  const { t, me, pending } = useApp();
  const metrics = useMetrics();
  const creating = metricKey === 'new';
  if (!metrics.data) return <p>{t('app.loading')}</p>;
  const metric = metrics.data.find((m) => m.key === metricKey) ?? null;
  if (!creating && !metric)
    return <p class="alert alert-error">{t('metrics.notFound', { key: metricKey })}</p>;
  const editable = creating ? mayCreate(me) : mayWriteFor(me, metric?.squad);
  return (
    <article aria-labelledby="metric-title">
      <p>
        <a href={href({ page: 'metrics' })}>← {t('metrics.title')}</a>
      </p>
      <h1 id="metric-title">{creating ? t('metrics.new') : metric?.name}</h1>
      {!editable && <p class="muted">{t('common.readOnly')}</p>}
      {metric && <PendingBanner requests={pendingFor(pending, { type: 'metric', id: metric.key })} />}
      <MetricForm
        key={metric?.version ?? 'new'}
        metric={metric}
        catalogue={metrics.data}
        editable={editable}
        onSaved={(m) => {
          if (creating) location.hash = href({ page: 'metric', key: m.key });
          void metrics.reload();
        }}
      />
    </article>
  );
}

function MetricForm(props: {
  metric: StoredMetric | null;
  catalogue: StoredMetric[];
  editable: boolean;
  onSaved(m: StoredMetric): void;
}) {
  const { t, me } = useApp();
  const send = useGovernedWrite();
  const m = props.metric;
  const [draft, setDraft] = useState({
    key: m?.key ?? '',
    name: m?.name ?? '',
    description: m?.description ?? '',
    kind: m?.kind ?? 'conversion',
    direction: m?.direction ?? 'higher-is-better',
    unit: m?.unit ?? '%',
    squad: m?.squad ?? me.squad ?? '',
    numerator: m?.numerator ?? '',
    denominator: m?.denominator ?? '',
    min: m?.min ?? Number.NaN,
    max: m?.max ?? Number.NaN,
  });
  const [problem, setProblem] = useState<{ field?: string; message: string } | null>(null);
  const set = (changes: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...changes }));
  const bounded = draft.kind !== 'conversion' && draft.kind !== 'ratio';
  const parts = props.catalogue
    .filter((c) => c.kind !== 'ratio')
    .map((c) => ({ value: c.key, label: c.key }));

  async function submit() {
    setProblem(null);
    const body = {
      ...(m ? { version: m.version } : {}),
      key: draft.key.trim(),
      name: draft.name,
      ...(draft.description ? { description: draft.description } : {}),
      kind: draft.kind,
      direction: draft.direction,
      unit: draft.unit,
      ...(draft.squad && (isPlatformAdmin(me) || m) ? { squad: draft.squad } : {}),
      ...(draft.kind === 'ratio' ? { numerator: draft.numerator, denominator: draft.denominator } : {}),
      ...(bounded && Number.isFinite(draft.min) ? { min: draft.min } : {}),
      ...(bounded && Number.isFinite(draft.max) ? { max: draft.max } : {}),
    };
    const outcome = await send<StoredMetric>('PUT', path`/api/admin/metrics/${body.key}`, body, {
      what: body.key,
      applied: t('notice.saved', { name: body.key }),
      notifyRefusal: false,
    });
    if (outcome.kind === 'refused') {
      const e = outcome.error;
      setProblem({ field: e instanceof ApiError ? e.field : undefined, message: e.message });
    } else if (outcome.kind === 'applied') props.onSaved(outcome.body);
  }

  return (
    <form
      class="card form-grid"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset disabled={!props.editable} class="form-grid field-wide plain">
        <TextField
          label={t('metrics.key')}
          value={draft.key}
          onInput={(key) => set({ key })}
          required
          disabled={m !== null}
          help={t('metrics.keyHelp')}
          problem={problemAt(problem, 'key')}
        />
        <TextField
          label={t('metrics.name')}
          value={draft.name}
          onInput={(name) => set({ name })}
          required
          problem={problemAt(problem, 'name')}
        />
        <SelectField
          label={t('metrics.kind')}
          value={draft.kind}
          disabled={m !== null}
          choices={METRIC_KINDS.map((k) => ({ value: k, label: labelOf(t, 'metricKind', k) }))}
          onChange={(kind) => set({ kind: kind as StoredMetric['kind'] })}
          help={labelOf(t, 'metricKindHelp', draft.kind)}
        />
        <SelectField
          label={t('metrics.direction')}
          value={draft.direction}
          choices={(['higher-is-better', 'lower-is-better'] as const).map((d) => ({
            value: d,
            label: labelOf(t, 'direction', d),
          }))}
          onChange={(direction) => set({ direction: direction as StoredMetric['direction'] })}
        />
        <TextField
          label={t('metrics.unit')}
          value={draft.unit}
          onInput={(unit) => set({ unit })}
          required
          problem={problemAt(problem, 'unit')}
        />
        {isPlatformAdmin(me) && (
          <TextField
            label={t('flags.squad')}
            value={draft.squad}
            onInput={(squad) => set({ squad })}
            problem={problemAt(problem, 'squad')}
          />
        )}
        {draft.kind === 'ratio' && (
          <>
            <SelectField
              label={t('metrics.numerator')}
              value={draft.numerator}
              choices={[{ value: '', label: '—' }, ...parts]}
              onChange={(numerator) => set({ numerator })}
              problem={problemAt(problem, 'numerator')}
            />
            <SelectField
              label={t('metrics.denominator')}
              value={draft.denominator}
              choices={[{ value: '', label: '—' }, ...parts]}
              onChange={(denominator) => set({ denominator })}
              problem={problemAt(problem, 'denominator')}
            />
          </>
        )}
        {bounded && (
          <>
            <NumberField
              label={t('metrics.min')}
              value={draft.min}
              onInput={(min) => set({ min })}
              step="any"
              problem={problemAt(problem, 'min')}
            />
            <NumberField
              label={t('metrics.max')}
              value={draft.max}
              onInput={(max) => set({ max })}
              step="any"
              problem={problemAt(problem, 'max')}
            />
          </>
        )}
        <TextAreaField
          label={t('flag.description')}
          value={draft.description}
          onInput={(description) => set({ description })}
          class="field-wide"
        />
      </fieldset>
      {problem && (
        <p class="alert alert-error field-wide" role="alert">
          {t('error.generic', { message: problem.message })}
        </p>
      )}
      {props.editable && (
        <div class="actions field-wide">
          <button type="submit" class="button button-primary">
            {m ? t('common.save') : t('metrics.create')}
          </button>
        </div>
      )}
    </form>
  );
}
