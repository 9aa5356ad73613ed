/**
 * From the backfill query's rows (one per unit and metric, see backfill-sql.ts) to what results read:
 * the exact cell totals of the metrics live ingestion keeps (through the same unit state and
 * contribution code as live ingestion, so they are equal to the last digit), the per-arm quantiles
 * of quantile metrics, and the crossover health check. Pure and synchronous.
 */
import type { Experiment } from '../model/experiment';
import { baseMetrics, computedLive, type MetricDefinition } from '../model/metric';
import { scaledToNumber, VALUE_DECIMALS } from './exact';
import {
  compareQuantiles,
  estimateQuantile,
  type QuantileDifference,
  type QuantileEstimate,
} from './quantile';
import {
  addVectors,
  type MetricTotals,
  type StatsVector,
  type UnitState,
  unitContributions,
} from './unit-state';

/** A row as an engine answers it: numbers may come back as bigint (DuckDB), number or text (Athena). */
export interface BackfillRow {
  unit_id: string;
  variant: string;
  channel: string;
  exposed_at: bigint | number | string;
  exposure_id: string;
  crossed: bigint | number | string;
  metric: string | null;
  pre_sum: bigint | number | string | null;
  pre_events: bigint | number | string | null;
  post_sum: bigint | number | string | null;
  post_events: bigint | number | string | null;
}

function big(x: bigint | number | string | null): bigint {
  if (x === null) return 0n;
  return typeof x === 'bigint' ? x : BigInt(typeof x === 'number' ? Math.trunc(x) : x.trim() || '0');
}

/** Each arm's quantile on one scope (all channels, or one), and each treatment against the control. */
export interface QuantileScope {
  arms: ({ variant: string } & QuantileEstimate)[];
  comparisons: { variant: string; difference: QuantileDifference | null }[];
}

export interface QuantileReport {
  quantile: number;
  alpha: number;
  /** `all` for every channel together, else the channel. */
  scopes: Record<string, QuantileScope>;
}

export interface BackfillComputation {
  /** Exposed units read. */
  units: number;
  /** Units whose exposures name more than one variant (after stitching, when it is on). */
  crossover: number;
  /** Cell totals (cellKey) of the backfilled metrics live ingestion keeps, with `n`. */
  cells: Map<string, StatsVector>;
  quantiles: Map<string, QuantileReport>;
}

interface UnitRows {
  variant: string;
  channel: string;
  exposedAt: number;
  exposureId: string;
  crossed: boolean;
  pre: Record<string, MetricTotals>;
  post: Record<string, MetricTotals>;
}

function groupUnits(rows: readonly BackfillRow[]): Map<string, UnitRows> {
  const units = new Map<string, UnitRows>();
  for (const r of rows) {
    let u = units.get(r.unit_id);
    if (!u) {
      u = {
        variant: r.variant,
        channel: r.channel,
        exposedAt: Number(big(r.exposed_at)),
        exposureId: r.exposure_id,
        crossed: big(r.crossed) > 0n,
        pre: {},
        post: {},
      };
      units.set(r.unit_id, u);
    }
    if (r.metric === null) continue;
    const preEvents = Number(big(r.pre_events));
    const postEvents = Number(big(r.post_events));
    if (preEvents > 0) u.pre[r.metric] = { sum: big(r.pre_sum), events: preEvents };
    if (postEvents > 0) u.post[r.metric] = { sum: big(r.post_sum), events: postEvents };
  }
  return units;
}

/** The event-level metrics the query must read for these metrics (a ratio's two parts). */
export function metricsToRead(
  targets: readonly MetricDefinition[],
  catalogue: ReadonlyMap<string, MetricDefinition>,
): MetricDefinition[] {
  const out = new Map<string, MetricDefinition>();
  for (const t of targets)
    for (const key of baseMetrics(t)) {
      const m = catalogue.get(key);
      if (m) out.set(key, m);
    }
  return [...out.values()];
}

/** A unit's value for a quantile metric: the mean of its event values after exposure (none: left out). */
function quantileValue(u: UnitRows, metric: string): number | null {
  const t = u.post[metric];
  if (!t || t.events === 0) return null;
  return scaledToNumber(t.sum, VALUE_DECIMALS) / t.events;
}

function quantileReport(
  experiment: Experiment,
  metric: MetricDefinition,
  units: ReadonlyMap<string, UnitRows>,
  alpha: number,
): QuantileReport {
  const p = metric.quantile ?? 0.5;
  const scopeNames = ['all', ...experiment.channels];
  const scopes: Record<string, QuantileScope> = {};
  for (const scope of scopeNames) {
    const byVariant = new Map<string, number[]>(experiment.variants.map((v) => [v.name, []]));
    for (const u of units.values()) {
      if (scope !== 'all' && u.channel !== scope) continue;
      const value = quantileValue(u, metric.key);
      if (value !== null) byVariant.get(u.variant)?.push(value);
    }
    const arms = experiment.variants.map((v) => ({
      variant: v.name,
      ...estimateQuantile(byVariant.get(v.name) ?? [], p, alpha),
    }));
    const [control, ...treatments] = arms;
    scopes[scope] = {
      arms,
      comparisons: control
        ? treatments.map((t) => ({ variant: t.variant, difference: compareQuantiles(control, t, alpha) }))
        : [],
    };
  }
  return { quantile: p, alpha, scopes };
}

/**
 * Folds the rows: every unit's state as live ingestion would hold it, its contributions for the
 * backfilled metrics summed exactly, and the quantile metrics' per-arm quantiles.
 */
export function foldBackfill(
  rows: readonly BackfillRow[],
  experiment: Experiment,
  targets: readonly MetricDefinition[],
  alpha: number,
): BackfillComputation {
  const units = groupUnits(rows);
  const live = targets.filter(computedLive);
  const cells = new Map<string, StatsVector>();
  let crossover = 0;
  for (const u of units.values()) {
    if (u.crossed) crossover++;
    const state: UnitState = {
      experiments: {
        [experiment.key]: {
          variant: u.variant,
          channel: u.channel,
          exposedAt: u.exposedAt,
          exposureId: u.exposureId,
          pre: u.pre,
          post: u.post,
        },
      },
    };
    addVectors(cells, unitContributions(state, live));
  }
  const quantiles = new Map<string, QuantileReport>();
  for (const m of targets)
    if (m.kind === 'quantile') quantiles.set(m.key, quantileReport(experiment, m, units, alpha));
  return { units: units.size, crossover, cells, quantiles };
}

/** The fields of `metric` in a stats vector (`metric:sum`…). */
function isFieldOf(field: string, metric: string): boolean {
  return field.startsWith(`${metric}:`);
}

/**
 * Live cells with the backfilled metrics' fields replaced by the backfill's: what results read once
 * a metric is backfilled (units stay the live ones; a cell only the backfill has brings its own).
 */
export function overlayBackfill(
  live: ReadonlyMap<string, StatsVector>,
  backfilled: ReadonlyMap<string, StatsVector>,
  metrics: readonly string[],
): Map<string, StatsVector> {
  const out = new Map<string, StatsVector>();
  for (const [cell, vector] of live) {
    const v: StatsVector = new Map();
    for (const [field, value] of vector) if (!metrics.some((m) => isFieldOf(field, m))) v.set(field, value);
    out.set(cell, v);
  }
  for (const [cell, vector] of backfilled) {
    let v = out.get(cell);
    if (!v) {
      v = new Map([['n', vector.get('n') ?? 0n]]);
      out.set(cell, v);
    }
    for (const [field, value] of vector) if (metrics.some((m) => isFieldOf(field, m))) v.set(field, value);
  }
  return out;
}

/** Keeps only the fields of the given metrics (and `n`): what a backfill stores per metric. */
export function cellsOfMetric(
  cells: ReadonlyMap<string, StatsVector>,
  metric: string,
): Map<string, StatsVector> {
  const out = new Map<string, StatsVector>();
  for (const [cell, vector] of cells) {
    const v: StatsVector = new Map();
    for (const [field, value] of vector) if (field === 'n' || isFieldOf(field, metric)) v.set(field, value);
    out.set(cell, v);
  }
  return out;
}
