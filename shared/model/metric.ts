/**
 * The metric catalogue: what product owners judge experiments by. A metric's events carry its key;
 * the unit of analysis is the randomisation unit, never the event.
 */

/**
 * - conversion: did the unit do it at all (1 once it has an event with a positive value, else 0);
 * - mean: the mean over units of each unit's summed values (spend per customer, zero without events);
 * - mean-of-events: the mean of the events' values (CSAT points, minutes waited): the sum of the
 *   values over the number of events, each unit contributing its sum and its count, analysed as a
 *   ratio of per-unit totals by the delta method (as GrowthBook analyses ratio metrics);
 * - count: the mean over units of how many times (each event counts its value, 1 by default);
 * - ratio: one metric's per-unit total over another's (complaints per session), by the delta method;
 * - quantile: the `quantile` (0.95: P95) across units of each unit's value, the mean of its events'
 *   values (login seconds): computed from the raw events by backfill only, never by live ingestion.
 */
export const METRIC_KINDS = ['conversion', 'mean', 'mean-of-events', 'count', 'ratio', 'quantile'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export type MetricDirection = 'higher-is-better' | 'lower-is-better';

export interface MetricDefinition {
  key: string;
  name: string;
  description?: string;
  kind: MetricKind;
  direction: MetricDirection;
  /** Display unit: '%', 'minutes', 'points', 'calls'… */
  unit: string;
  /**
   * The owning squad: only it, or a platform admin, changes the metric (absent: platform admins
   * only). A change to a metric a running experiment in a protected environment reads is held.
   */
  squad?: string;
  /** For ratio metrics: the keys of the numerator and denominator metrics (each a conversion, mean or count). */
  numerator?: string;
  denominator?: string;
  /**
   * For mean, mean-of-events and count metrics: the smallest and largest value one event may carry (CSAT 1 to 5);
   * ingestion rejects an event outside them. A conversion event is always 0 or 1.
   */
  min?: number;
  max?: number;
  /** For quantile metrics: which quantile across units, strictly between 0 and 1 (0.95 is P95). */
  quantile?: number;
}

/**
 * The least value a metric's events take: its declared `min`; a count is never negative whatever
 * it declares (a negative count would pull a lower-is-better guardrail down and mask a harm).
 */
export function metricMin(metric: Pick<MetricDefinition, 'kind' | 'min'>): number | undefined {
  if (metric.kind === 'count') return Math.max(metric.min ?? 0, 0);
  return metric.min;
}

/** Why an event's value is not one the metric can take, naming the field, or null when it is. */
export function metricValueProblem(metric: MetricDefinition, value: number): string | null {
  if (metric.kind === 'conversion')
    return value === 0 || value === 1 ? null : `value: a conversion (${metric.key}) is 0 or 1`;
  if (metric.kind === 'count' && value < 0) return `value: ${metric.key} is a count, never negative`;
  if (metric.min !== undefined && value < metric.min) return `value: ${metric.key} is at least ${metric.min}`;
  if (metric.max !== undefined && value > metric.max) return `value: ${metric.key} is at most ${metric.max}`;
  return null;
}

/** Whether live ingestion keeps sufficient statistics for the metric: a quantile comes from raw events only. */
export function computedLive(metric: Pick<MetricDefinition, 'kind'>): boolean {
  return metric.kind !== 'quantile';
}

/** The statistics engine's metric type for a catalogue kind. */
export function statsMetricType(kind: MetricKind): 'binomial' | 'mean' | 'ratio' {
  if (kind === 'conversion') return 'binomial';
  if (kind === 'ratio' || kind === 'mean-of-events') return 'ratio';
  return 'mean';
}

/** Whether a metric's events may leave out their value: a count event counts 1 then. */
export function valueDefaultsToOne(metric: MetricDefinition): boolean {
  return metric.kind === 'count';
}

/** The event-level metrics whose totals a metric needs: itself, or a ratio's two parts. */
export function baseMetrics(metric: MetricDefinition): string[] {
  if (metric.kind !== 'ratio') return [metric.key];
  return [metric.numerator ?? '', metric.denominator ?? ''];
}
