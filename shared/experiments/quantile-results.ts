/**
 * Raw-event metrics in the results document: a quantile metric's arms and differences come from its
 * stored backfill (shared/experiments/backfill.ts), or read "from raw events: run backfill" until it
 * has one; a metric live ingestion keeps says when a backfill replaced its figures. Applied to the
 * top level and every channel of the breakdown, beside the mean metrics. Quantile comparisons are
 * fixed-horizon and outside the goal metrics' multiple-comparison family (their adjusted p is null);
 * the verdict is decided by the live metrics. Pure and synchronous.
 */
import type { MetricDefinition } from '../model/metric';
import { normalCdf } from '../stats';
import type { QuantileReport } from './backfill';
import type { ExperimentResults, MetricComparison, MetricResult } from './results-types';

/** Where a metric's figures come from when it is not only live ingestion. */
export interface RawEventsNote {
  status: 'backfilled' | 'not-backfilled';
  /** When the backfill was computed (ISO 8601), null before any. */
  backfilledAt: string | null;
  note: string;
  /** Quantile metrics: which quantile across units (0.95 is P95), and each arm's distribution-free interval. */
  quantile?: number;
  arms?: { variant: string; units: number; estimate: number; ciLower: number; ciUpper: number }[];
}

export type MetricResultWithRawEvents = MetricResult & { rawEvents?: RawEventsNote };

export interface RawEventMetrics {
  /** Live-kept metrics whose figures a backfill replaced, with when. */
  metrics: ReadonlyMap<string, { at: string }>;
  quantiles: ReadonlyMap<string, { at: string; report: QuantileReport }>;
}

export const RUN_BACKFILL_NOTE = 'from raw events: run backfill';

function quantileComparison(
  c: MetricComparison,
  report: QuantileReport,
  scope: QuantileReport['scopes'][string] | undefined,
  higherIsBetter: boolean,
): MetricComparison {
  const diff = scope?.comparisons.find((d) => d.variant === c.variant)?.difference ?? null;
  if (!diff) return { ...c, test: 'fixed-horizon', error: 'ZERO_VARIANCE', adjustedPValue: null };
  const { absolute, relative } = diff;
  const better = higherIsBetter ? absolute.estimate > 0 : absolute.estimate < 0;
  const towardsBetter = higherIsBetter ? absolute.estimate : -absolute.estimate;
  return {
    ...c,
    error: null,
    test: 'fixed-horizon',
    absolute,
    relative,
    cupedTheta: null,
    adjustedPValue: null,
    significant: absolute.pValue < report.alpha,
    improved: better,
    // The normal approximation the interval rests on, as a chance that the treatment is better.
    chanceToWin: absolute.se > 0 ? normalCdf(towardsBetter / absolute.se) : 0.5,
    risk: { ship: 0, keep: 0 },
  };
}

function withNotes(
  metrics: readonly MetricResult[],
  scopeKey: string,
  catalogue: ReadonlyMap<string, MetricDefinition>,
  raw: RawEventMetrics,
): MetricResultWithRawEvents[] {
  return metrics.map((m) => {
    const def = catalogue.get(m.key);
    if (def?.kind === 'quantile') {
      const stored = raw.quantiles.get(m.key);
      if (!stored)
        return {
          ...m,
          comparisons: m.comparisons.map((c) => ({
            ...c,
            test: 'fixed-horizon' as const,
            error: 'NOT_BACKFILLED' as const,
            adjustedPValue: null,
          })),
          rawEvents: {
            status: 'not-backfilled',
            backfilledAt: null,
            note: RUN_BACKFILL_NOTE,
            quantile: def.quantile ?? 0.5,
          },
        };
      const scope = stored.report.scopes[scopeKey];
      const arms = scope?.arms ?? [];
      return {
        ...m,
        variants: m.variants.map((v) => {
          const arm = arms.find((a) => a.variant === v.variant);
          return { ...v, units: arm?.units ?? 0, mean: arm?.estimate ?? 0 };
        }),
        comparisons: m.comparisons.map((c) =>
          quantileComparison(c, stored.report, scope, m.direction === 'higher-is-better'),
        ),
        rawEvents: {
          status: 'backfilled',
          backfilledAt: stored.at,
          note: `from raw events, backfilled ${stored.at}`,
          quantile: stored.report.quantile,
          arms: arms.map((a) => ({
            variant: a.variant,
            units: a.units,
            estimate: a.estimate,
            ciLower: a.ciLower,
            ciUpper: a.ciUpper,
          })),
        },
      };
    }
    const backfilled = raw.metrics.get(m.key);
    if (!backfilled) return m;
    return {
      ...m,
      rawEvents: {
        status: 'backfilled',
        backfilledAt: backfilled.at,
        note: `from raw events, backfilled ${backfilled.at}`,
      },
    };
  });
}

/** The results with raw-event metrics filled in, at the top level and on every channel. */
export function withRawEventMetrics<R extends ExperimentResults>(
  results: R,
  catalogue: readonly MetricDefinition[],
  raw: RawEventMetrics,
): R {
  const byKey = new Map(catalogue.map((m) => [m.key, m]));
  return {
    ...results,
    metrics: withNotes(results.metrics, results.channel ?? 'all', byKey, raw),
    breakdown: results.breakdown.map((b) => ({ ...b, metrics: withNotes(b.metrics, b.channel, byKey, raw) })),
  };
}

/**
 * A served metric result's raw-events mark, read defensively (clients get plain JSON): whether it
 * was backfilled and when, or null when the metric is live ingestion's alone.
 */
export function rawEventsMarkOf(m: object): { backfilledAt: string | null } | null {
  if (!('rawEvents' in m) || typeof m.rawEvents !== 'object' || m.rawEvents === null) return null;
  const at = 'backfilledAt' in m.rawEvents ? m.rawEvents.backfilledAt : null;
  return { backfilledAt: typeof at === 'string' ? at : null };
}

/** The mark in words, in English or Simplified Chinese (the CLI's results). */
export function rawEventsSentence(name: string, mark: { backfilledAt: string | null }, lang: string): string {
  if (lang === 'zh-CN')
    return mark.backfilledAt
      ? `${name}：来自原始事件，回填于 ${mark.backfilledAt}`
      : `${name}：来自原始事件，请运行 backfill（npx omnilab backfill）`;
  return mark.backfilledAt
    ? `${name}: from raw events, backfilled ${mark.backfilledAt}`
    : `${name}: ${RUN_BACKFILL_NOTE} (npx omnilab backfill)`;
}
