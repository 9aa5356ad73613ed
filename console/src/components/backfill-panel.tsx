/**
 * On an experiment's page: where each of its metrics' figures come from (live ingestion, or the raw
 * events and when), and for who may change the experiment, a "Compute from raw events" button per
 * metric posting `POST /api/admin/experiments/{key}/backfill`, with identity stitching as an option.
 * Also the crossover health check the backfill answers, shown beside the sample-ratio check.
 */
import { useState } from 'preact/hooks';
import type { MetricResultWithRawEvents, RawEventsNote } from '../../../shared/experiments/quantile-results';
import { path } from '../api';
import { useApp } from '../app-context';
import type { Translate } from '../i18n';
import { labelOf } from '../labels';
import { mayWriteFor } from '../rights';
import type { ExperimentResults, MetricResult, StoredExperiment } from '../types';
import { useGovernedWrite } from '../use-governed-write';
import { CheckField } from './fields';

/** What `POST /api/admin/experiments/{key}/backfill` answers (the parts the console reads). */
export interface BackfillAnswer {
  experiment: string;
  at: string;
  stitched: boolean;
  metrics: { key: string; kind: string; cells: number; quantile: boolean }[];
  health: { units: number; crossover: number };
}

/** A served metric's raw-events mark, or null when its figures are live ingestion's alone. */
export function rawEventsOf(m: MetricResult): RawEventsNote | null {
  const note = (m as MetricResultWithRawEvents).rawEvents;
  return note && typeof note === 'object' ? note : null;
}

/** The words under a metric's name saying where its figures come from, or null for live ones. */
export function RawEventsNoteText({ metric }: { metric: MetricResult }) {
  const { t, fmt } = useApp();
  const note = rawEventsOf(metric);
  if (!note) return null;
  return (
    <div class="muted raw-events-note" data-status={note.status}>
      {note.status === 'backfilled' && note.backfilledAt
        ? t('lake.backfilledAt', { at: fmt.dateTime(note.backfilledAt) })
        : t('lake.runBackfill')}
    </div>
  );
}

function experimentMetricKeys(e: StoredExperiment): string[] {
  return [...new Set([e.primaryMetric, ...e.secondaryMetrics, ...e.guardrails.map((g) => g.metric)])];
}

function kindText(t: Translate, m: MetricResult | undefined, note: RawEventsNote | null): string {
  if (!m) return '—';
  const kind = labelOf(t, 'metricKind', m.kind);
  if (m.kind === 'quantile' && note?.quantile !== undefined)
    return `${kind} (P${Math.round(note.quantile * 1000) / 10})`;
  return kind;
}

export function BackfillPanel({
  experiment,
  results,
  onDone,
}: {
  experiment: StoredExperiment;
  results: ExperimentResults | null;
  onDone(answer: BackfillAnswer): void;
}) {
  const { t, fmt, me, notify } = useApp();
  const write = useGovernedWrite();
  const [busy, setBusy] = useState<string | null>(null);
  const [stitch, setStitch] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const allowed = mayWriteFor(me, experiment.squad);
  const byKey = new Map((results?.metrics ?? []).map((m) => [m.key, m]));
  const keys = experimentMetricKeys(experiment);
  const nameOf = (key: string) => byKey.get(key)?.name ?? key;

  async function compute(key: string) {
    setBusy(key);
    setFailure(null);
    try {
      const outcome = await write<BackfillAnswer>(
        'POST',
        path`/api/admin/experiments/${experiment.key}/backfill`,
        { metrics: [key], stitch },
        { what: nameOf(key), notifyRefusal: false },
      );
      if (outcome.kind === 'refused') {
        setFailure(t('lake.failed', { message: outcome.error.message }));
        return;
      }
      if (outcome.kind === 'applied') {
        notify(
          'success',
          t('lake.done', { metric: nameOf(key), units: fmt.number(outcome.body.health.units) }),
        );
        onDone(outcome.body);
      }
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="card backfill-panel" aria-labelledby="backfill-title">
      <h2 id="backfill-title">{t('lake.title')}</h2>
      <p class="muted">{t('lake.intro')}</p>
      {allowed &&
        (experiment.unit === 'customer' ? (
          <div class="field">
            <CheckField label={t('lake.stitch')} checked={stitch} onChange={setStitch} />
            <span class="field-help muted">{t('lake.stitchHelp')}</span>
          </div>
        ) : (
          <p class="muted">{t('lake.stitchUnit', { unit: experiment.unit })}</p>
        ))}
      {busy && (
        <p class="backfill-progress" role="status" aria-live="polite">
          {t('lake.progress', { metric: nameOf(busy) })}
        </p>
      )}
      {failure && (
        <p class="alert alert-error backfill-error" role="alert">
          {failure}
        </p>
      )}
      <div class="table-wrap">
        <table class="data backfill-table">
          <thead>
            <tr>
              <th scope="col">{t('lake.metric')}</th>
              <th scope="col">{t('lake.kind')}</th>
              <th scope="col">{t('lake.status')}</th>
              {allowed && <th scope="col">{t('lake.action')}</th>}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => {
              const m = byKey.get(key);
              const note = m ? rawEventsOf(m) : null;
              return (
                <tr key={key} data-metric={key} data-status={note?.status ?? 'live'}>
                  <th scope="row">
                    {nameOf(key)} <code>{key}</code>
                  </th>
                  <td>{kindText(t, m, note)}</td>
                  <td class="backfill-status">
                    {!note
                      ? t('lake.live')
                      : note.status === 'backfilled' && note.backfilledAt
                        ? t('lake.backfilledAt', { at: fmt.dateTime(note.backfilledAt) })
                        : t('lake.runBackfill')}
                  </td>
                  {allowed && (
                    <td>
                      <button
                        type="button"
                        class={`button button-small${note?.status === 'not-backfilled' ? ' button-primary' : ''}`}
                        disabled={busy !== null}
                        aria-busy={busy === key ? true : undefined}
                        aria-label={t('lake.computeLabel', { metric: nameOf(key) })}
                        onClick={() => void compute(key)}
                      >
                        {busy === key ? t('lake.computing') : t('lake.compute')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The crossover check from the last backfill on this page: a warning when any unit crossed. */
export function CrossoverCheck({ answer }: { answer: BackfillAnswer | null }) {
  const { t, fmt } = useApp();
  if (!answer) return null;
  const params = {
    crossover: fmt.number(answer.health.crossover),
    units: fmt.number(answer.health.units),
    stitched: answer.stitched ? t('lake.stitched') : t('lake.unstitched'),
    at: fmt.dateTime(answer.at),
  };
  if (answer.health.crossover === 0)
    return (
      <p class="muted crossover-check" data-crossover="0">
        {t('lake.crossoverNone', params)}
      </p>
    );
  return (
    <div
      class="alert alert-warning crossover-check"
      role="status"
      data-crossover={String(answer.health.crossover)}
    >
      <strong>{t('lake.crossoverTitle')}</strong>
      <p>{t('lake.crossover', params)}</p>
    </div>
  );
}
