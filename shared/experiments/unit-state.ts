/**
 * One randomisation unit's state in the experiments it was exposed to, and its contribution to
 * each experiment's sufficient statistics. The state is a pure function of the unit's set of
 * events: the same events in any order, any number of times, give the same state, so the
 * contributions, and the totals built from their differences, are exact.
 */
import { computedLive, type MetricDefinition } from '../model/metric';
import { SCALE } from './exact';

/** A metric event of the unit, with its value as an exact integer of 1/10,000. */
export interface MetricObservation {
  id: string;
  metric: string;
  value: bigint;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface ExposureObservation {
  id: string;
  experiment: string;
  variant: string;
  channel: string;
  at: number;
}

export interface MetricTotals {
  /** Sum of the values (1/10,000). */
  sum: bigint;
  events: number;
}

export interface UnitExperimentState {
  /** The first exposure decides the variant and the channel the unit is analysed in. */
  variant: string;
  channel: string;
  exposedAt: number;
  exposureId: string;
  /** Totals of metric events before the first exposure (the CUPED covariate)… */
  pre: Record<string, MetricTotals>;
  /** …and from it on (the outcome). */
  post: Record<string, MetricTotals>;
}

export interface UnitState {
  experiments: Record<string, UnitExperimentState>;
}

export const EMPTY_UNIT_STATE: UnitState = Object.freeze({ experiments: Object.freeze({}) }) as UnitState;

/** Whether exposure `a` comes before `b`: by time, then by event id, so ties resolve the same everywhere. */
function earlier(a: { at: number; id: string }, b: { at: number; id: string }): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

function addTo(totals: Record<string, MetricTotals>, m: MetricObservation): Record<string, MetricTotals> {
  const prev = totals[m.metric];
  return { ...totals, [m.metric]: { sum: (prev?.sum ?? 0n) + m.value, events: (prev?.events ?? 0) + 1 } };
}

function entryFrom(
  exposure: ExposureObservation,
  metrics: readonly MetricObservation[],
): UnitExperimentState {
  let pre: Record<string, MetricTotals> = {};
  let post: Record<string, MetricTotals> = {};
  for (const m of metrics) {
    if (m.at < exposure.at) pre = addTo(pre, m);
    else post = addTo(post, m);
  }
  return {
    variant: exposure.variant,
    channel: exposure.channel,
    exposedAt: exposure.at,
    exposureId: exposure.id,
    pre,
    post,
  };
}

/** Whether these exposures make one the unit's first in an experiment, so its history must be read. */
export function exposuresRedraw(state: UnitState, exposures: readonly ExposureObservation[]): boolean {
  return exposures.some((x) => {
    const current = state.experiments[x.experiment];
    return !current || earlier(x, { at: current.exposedAt, id: current.exposureId });
  });
}

/**
 * Adds new events to a unit's state. `history` gives the unit's earlier metric events; it is
 * called only when an exposure becomes the unit's first in an experiment, because then the
 * pre/post split of everything before must be drawn again.
 */
export function applyUnitEvents(
  state: UnitState,
  exposures: readonly ExposureObservation[],
  metrics: readonly MetricObservation[],
  history: () => readonly MetricObservation[],
): UnitState {
  const experiments = { ...state.experiments };
  const redrawn = new Set<string>();
  let all: MetricObservation[] | null = null;
  for (const x of exposures) {
    const current = experiments[x.experiment];
    if (current && !earlier(x, { at: current.exposedAt, id: current.exposureId })) continue;
    all ??= [...history(), ...metrics];
    experiments[x.experiment] = entryFrom(x, all);
    redrawn.add(x.experiment);
  }
  for (const [key, entry] of Object.entries(experiments)) {
    if (redrawn.has(key)) continue;
    let { pre, post } = entry;
    for (const m of metrics) {
      if (m.at < entry.exposedAt) pre = addTo(pre, m);
      else post = addTo(post, m);
    }
    if (pre !== entry.pre || post !== entry.post) experiments[key] = { ...entry, pre, post };
  }
  return { experiments };
}

/** The state of a unit from all its events at once: the reference the incremental path must equal. */
export function unitStateFromEvents(
  exposures: readonly ExposureObservation[],
  metrics: readonly MetricObservation[],
): UnitState {
  const first = new Map<string, ExposureObservation>();
  for (const x of exposures) {
    const current = first.get(x.experiment);
    if (!current || earlier(x, current)) first.set(x.experiment, x);
  }
  const experiments: Record<string, UnitExperimentState> = {};
  for (const [key, x] of first) experiments[key] = entryFrom(x, metrics);
  return { experiments };
}

/**
 * Sufficient statistics, as exact integers: `n` per cell, and per metric the ArmStats fields of the
 * statistics engine (sums at scale 10^4, squares and products at scale 10^8), keyed `metric:field`.
 */
export type StatsVector = Map<string, bigint>;

/** A cell of an experiment's statistics: one variant on one channel. */
export function cellKey(experiment: string, variant: string, channel: string): string {
  return `${experiment}\u0000${variant}\u0000${channel}`;
}

export function parseCellKey(key: string): { experiment: string; variant: string; channel: string } {
  const [experiment, variant, channel] = key.split('\u0000');
  return { experiment, variant, channel };
}

function add(v: StatsVector, field: string, amount: bigint): void {
  if (amount === 0n) return;
  const next = (v.get(field) ?? 0n) + amount;
  // Zeros are left out, so equal totals are equal maps.
  if (next === 0n) v.delete(field);
  else v.set(field, next);
}

function unitValue(totals: MetricTotals | undefined, metric: MetricDefinition): bigint {
  if (!totals) return 0n;
  // A conversion event is 0 or 1 (ingestion refuses anything else): the unit converted if any was 1.
  if (metric.kind === 'conversion') return totals.sum > 0n ? SCALE : 0n;
  return totals.sum;
}

function addMetric(v: StatsVector, entry: UnitExperimentState, metric: MetricDefinition): void {
  const k = metric.key;
  const y = unitValue(entry.post[k], metric);
  const x = unitValue(entry.pre[k], metric);
  add(v, `${k}:sum`, y);
  add(v, `${k}:sumSquares`, y * y);
  add(v, `${k}:covariateSum`, x);
  add(v, `${k}:covariateSumSquares`, x * x);
  add(v, `${k}:mainCovariateSumProduct`, y * x);
}

/** A ratio's per-unit parts after and before exposure: numerator and denominator totals. */
interface RatioParts {
  m: bigint;
  d: bigint;
  mp: bigint;
  dp: bigint;
}

function ratioParts(entry: UnitExperimentState, metric: MetricDefinition): RatioParts {
  if (metric.kind === 'mean-of-events') {
    // The sum of the unit's values over its number of events (each event counts SCALE, i.e. 1).
    const k = metric.key;
    return {
      m: entry.post[k]?.sum ?? 0n,
      d: BigInt(entry.post[k]?.events ?? 0) * SCALE,
      mp: entry.pre[k]?.sum ?? 0n,
      dp: BigInt(entry.pre[k]?.events ?? 0) * SCALE,
    };
  }
  const num = metric.numerator ?? '';
  const den = metric.denominator ?? '';
  // A ratio's parts are raw per-unit totals, whatever kind the part metrics are.
  return {
    m: entry.post[num]?.sum ?? 0n,
    d: entry.post[den]?.sum ?? 0n,
    mp: entry.pre[num]?.sum ?? 0n,
    dp: entry.pre[den]?.sum ?? 0n,
  };
}

function addRatio(v: StatsVector, entry: UnitExperimentState, metric: MetricDefinition): void {
  const k = metric.key;
  const { m, d, mp, dp } = ratioParts(entry, metric);
  add(v, `${k}:sum`, m);
  add(v, `${k}:sumSquares`, m * m);
  add(v, `${k}:denominatorSum`, d);
  add(v, `${k}:denominatorSumSquares`, d * d);
  add(v, `${k}:mainDenominatorSumProduct`, m * d);
  add(v, `${k}:covariateSum`, mp);
  add(v, `${k}:covariateSumSquares`, mp * mp);
  add(v, `${k}:mainCovariateSumProduct`, m * mp);
  add(v, `${k}:denominatorPreSum`, dp);
  add(v, `${k}:denominatorPreSumSquares`, dp * dp);
  add(v, `${k}:mainPostDenominatorPreSumProduct`, m * dp);
  add(v, `${k}:mainPreDenominatorPostSumProduct`, mp * d);
  add(v, `${k}:mainPreDenominatorPreSumProduct`, mp * dp);
  add(v, `${k}:denominatorPostDenominatorPreSumProduct`, d * dp);
}

/** What one unit adds to each cell it belongs to, for every metric in the catalogue. */
export function unitContributions(
  state: UnitState,
  catalogue: readonly MetricDefinition[],
): Map<string, StatsVector> {
  const out = new Map<string, StatsVector>();
  for (const [experiment, entry] of Object.entries(state.experiments)) {
    const v: StatsVector = new Map([['n', 1n]]);
    for (const metric of catalogue) {
      // A quantile needs every unit's value, not sums: backfill computes it from the raw events.
      if (!computedLive(metric)) continue;
      if (metric.kind === 'ratio' || metric.kind === 'mean-of-events') addRatio(v, entry, metric);
      else addMetric(v, entry, metric);
    }
    out.set(cellKey(experiment, entry.variant, entry.channel), v);
  }
  return out;
}

/** after − before, cell by cell, leaving out what did not change. */
export function contributionDelta(
  before: Map<string, StatsVector>,
  after: Map<string, StatsVector>,
): Map<string, StatsVector> {
  const out = new Map<string, StatsVector>();
  const cells = new Set([...before.keys(), ...after.keys()]);
  for (const cell of cells) {
    const a = after.get(cell);
    const b = before.get(cell);
    const d: StatsVector = new Map();
    for (const [field, value] of a ?? []) add(d, field, value - (b?.get(field) ?? 0n));
    for (const [field, value] of b ?? []) if (!a?.has(field)) add(d, field, -value);
    if (d.size > 0) out.set(cell, d);
  }
  return out;
}

/** Adds `delta` into `totals` in place. */
export function addVectors(totals: Map<string, StatsVector>, delta: Map<string, StatsVector>): void {
  for (const [cell, d] of delta) {
    let t = totals.get(cell);
    if (!t) {
      t = new Map();
      totals.set(cell, t);
    }
    for (const [field, value] of d) add(t, field, value);
    if (t.size === 0) totals.delete(cell);
  }
}
