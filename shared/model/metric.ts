/**
 * The metric catalogue: what product owners judge experiments by. A metric's events carry its key;
 * the unit of analysis is the randomisation unit, never the event.
 */

/**
 * - conversion: did the unit do it at all (a unit's value is 1 if any event, else 0);
 * - mean: the mean over units of each unit's summed values (minutes waited, CSAT points);
 * - count: the mean over units of how many times (each event counts its value, 1 by default);
 * - ratio: one metric's per-unit total over another's (complaints per session), by the delta method.
 */
export const METRIC_KINDS = ['conversion', 'mean', 'count', 'ratio'] as const;
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
  /** For ratio metrics: the keys of the numerator and denominator metrics (each a conversion, mean or count). */
  numerator?: string;
  denominator?: string;
}

/** The statistics engine's metric type for a catalogue kind. */
export function statsMetricType(kind: MetricKind): 'binomial' | 'mean' | 'ratio' {
  if (kind === 'conversion') return 'binomial';
  if (kind === 'ratio') return 'ratio';
  return 'mean';
}

/** The event-level metrics whose totals a metric needs: itself, or a ratio's two parts. */
export function baseMetrics(metric: MetricDefinition): string[] {
  if (metric.kind !== 'ratio') return [metric.key];
  return [metric.numerator ?? '', metric.denominator ?? ''];
}
