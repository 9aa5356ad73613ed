/**
 * The per-unit ingestion fold: one unit's new events (and, when they come before ones it already
 * has, its stored events) folded into its new state and the change in its contribution to each
 * cell, filed under the period (by default the UTC day) its events happened in. Pure and
 * synchronous; the event store commits what it returns, the simulator sums it into cell totals.
 */
import type { MetricDefinition } from '../model/metric';
import {
  addVectors,
  applyUnitEvents,
  contributionDelta,
  type ExposureObservation,
  type MetricObservation,
  type StatsVector,
  type UnitState,
  unitContributions,
  unitStateFromEvents,
} from './unit-state';

/** Separates a cell's key from the period in a cell-period key. */
export const PERIOD_SEPARATOR = '\u0001';

/** The UTC day (YYYY-MM-DD) of a timestamp in epoch milliseconds. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The key of a cell's change in one period. */
export const cellPeriodKey = (cell: string, period: string): string => `${cell}${PERIOD_SEPARATOR}${period}`;

/** A cell-period key's cell and period. */
export function splitCellPeriod(key: string): { cell: string; period: string } {
  const [cell, period = ''] = key.split(PERIOD_SEPARATOR);
  return { cell, period };
}

/** One event of the unit: an exposure or a metric event. */
export interface UnitEvent {
  id: string;
  exposure?: ExposureObservation;
  metric?: MetricObservation;
}

/** All the events a unit has stored. */
export interface StoredEvents {
  metrics: MetricObservation[];
  exposures: ExposureObservation[];
}

export interface UnitFoldInput {
  /** The unit's state before the new events. */
  before: UnitState;
  /** The unit's stored metric events: read when an exposure may become its first in an experiment. */
  history: readonly MetricObservation[];
  /**
   * All the unit's stored events, when the new ones may come before some of them: every period
   * from the earliest new event on is then filed again from all of them.
   */
  stored: StoredEvents | null;
  events: readonly UnitEvent[];
  catalogue: readonly MetricDefinition[];
  /** The period a timestamp is filed under; periods must sort as their times do. Default: the UTC day. */
  periodOf?: (ms: number) => string;
}

export interface UnitFold {
  after: UnitState;
  /** The change of each cell in each period, keyed by `cellPeriodKey`. */
  changes: Map<string, StatsVector>;
}

/** The timestamp of a unit event. */
export function eventTime(e: UnitEvent): number {
  const observed = e.metric ?? e.exposure;
  if (!observed) throw new TypeError(`event ${e.id} is neither an exposure nor a metric event`);
  return observed.at;
}

/** Time order, then id order, so ties resolve the same everywhere. */
export function byEventTime(a: UnitEvent, b: UnitEvent): number {
  return eventTime(a) - eventTime(b) || (a.id < b.id ? -1 : 1);
}

/**
 * The unit's contribution at the end of each of `periods` (sorted, none before `from`), from its
 * events up to then: one sweep in time order, each period's events applied to the state of the
 * periods before (`applyUnitEvents` equals `unitStateFromEvents` of the same events), so the cost
 * is linear in the events and the periods, not their product.
 */
function contributionsByPeriod(
  events: StoredEvents,
  from: string,
  periods: readonly string[],
  periodOf: (ms: number) => string,
  catalogue: readonly MetricDefinition[],
): Map<string, StatsVector>[] {
  const byTime = <T extends { at: number }>(xs: readonly T[]) => [...xs].sort((a, b) => a.at - b.at);
  const exposures = byTime(events.exposures);
  const metrics = byTime(events.metrics);
  let x = 0;
  let m = 0;
  while (x < exposures.length && periodOf(exposures[x].at) < from) x++;
  while (m < metrics.length && periodOf(metrics[m].at) < from) m++;
  const seen: MetricObservation[] = metrics.slice(0, m);
  let state = unitStateFromEvents(exposures.slice(0, x), seen);
  const out: Map<string, StatsVector>[] = [];
  for (const period of periods) {
    const newExposures: ExposureObservation[] = [];
    const newMetrics: MetricObservation[] = [];
    while (x < exposures.length && periodOf(exposures[x].at) <= period) newExposures.push(exposures[x++]);
    while (m < metrics.length && periodOf(metrics[m].at) <= period) newMetrics.push(metrics[m++]);
    if (newExposures.length > 0 || newMetrics.length > 0) {
      // `seen` holds the metrics of the periods before this one until the call returns.
      state = applyUnitEvents(state, newExposures, newMetrics, () => seen);
      seen.push(...newMetrics);
    }
    out.push(unitContributions(state, catalogue));
  }
  return out;
}

/**
 * What a unit's new events change in each period's statistics, when they may come before events
 * it already has (a branch uploading overnight): each period's share is the unit's contribution
 * from its events up to that period's end minus the one up to the period before, so the new share
 * of every period from the earliest new event on is recomputed from all its events, and the change
 * filed under each period is new share − old share. The running sum over periods then stands, at
 * the end of every period, at exactly the events timestamped up to then, whatever order they
 * arrived in.
 */
function refiledPeriods(
  before: StoredEvents,
  after: StoredEvents,
  from: string,
  periodOf: (ms: number) => string,
  catalogue: readonly MetricDefinition[],
): Map<string, StatsVector> {
  const periods = [
    ...new Set([...after.exposures, ...after.metrics].map((e) => periodOf(e.at)).filter((d) => d >= from)),
  ].sort();
  const out = new Map<string, StatsVector>();
  // Before `from` both sets of events are the same, so both start from the same contribution.
  const start = unitContributions(
    unitStateFromEvents(
      before.exposures.filter((x) => periodOf(x.at) < from),
      before.metrics.filter((m) => periodOf(m.at) < from),
    ),
    catalogue,
  );
  const sharesBefore = contributionsByPeriod(before, from, periods, periodOf, catalogue);
  const sharesAfter = contributionsByPeriod(after, from, periods, periodOf, catalogue);
  let prevBefore = start;
  let prevAfter = start;
  for (const [i, period] of periods.entries()) {
    const nowBefore = sharesBefore[i];
    const nowAfter = sharesAfter[i];
    const change = contributionDelta(
      contributionDelta(prevBefore, nowBefore),
      contributionDelta(prevAfter, nowAfter),
    );
    for (const [cell, d] of change) addVectors(out, new Map([[cellPeriodKey(cell, period), d]]));
    prevBefore = nowBefore;
    prevAfter = nowAfter;
  }
  return out;
}

/**
 * The unit's new state and the change in its contribution per cell and period. New events are
 * applied one by one in time order, and the contribution is taken at the end of each period they
 * fall in, so each change is filed under the period its events happened in: the sum over periods
 * is exact, the periods give the history. The simulator folds each unit's events in one period
 * (totals only); the event store by UTC day.
 */
export function foldUnitEvents(input: UnitFoldInput): UnitFold {
  const { before, history, stored, events, catalogue } = input;
  const periodOf = input.periodOf ?? dayOf;
  if (events.length === 0) return { after: before, changes: new Map() };
  if (stored) {
    const after: StoredEvents = {
      metrics: [...stored.metrics, ...events.flatMap((e) => (e.metric ? [e.metric] : []))],
      exposures: [...stored.exposures, ...events.flatMap((e) => (e.exposure ? [e.exposure] : []))],
    };
    const from = periodOf(Math.min(...events.map(eventTime)));
    return {
      after: unitStateFromEvents(after.exposures, after.metrics),
      changes: refiledPeriods(stored, after, from, periodOf, catalogue),
    };
  }
  const sorted = [...events].sort(byEventTime);
  // A unit with nothing stored: its state at each period's end is the state of its events so far
  // (the same state as applying them one by one, at the cost of one pass).
  const fresh = history.length === 0 && Object.keys(before.experiments).length === 0;
  const applied: MetricObservation[] = [];
  const exposed: ExposureObservation[] = [];
  const changes = new Map<string, StatsVector>();
  let state = before;
  let contribution = unitContributions(state, catalogue);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (!fresh)
      state = applyUnitEvents(state, e.exposure ? [e.exposure] : [], e.metric ? [e.metric] : [], () => [
        ...history,
        ...applied,
      ]);
    if (e.metric) applied.push(e.metric);
    if (e.exposure) exposed.push(e.exposure);
    const period = periodOf(eventTime(e));
    // The changes within one period add up to the change over it: taken once, at its last event.
    if (i + 1 < sorted.length && periodOf(eventTime(sorted[i + 1])) === period) continue;
    if (fresh) state = unitStateFromEvents(exposed, applied);
    const next = unitContributions(state, catalogue);
    for (const [cell, d] of contributionDelta(contribution, next)) {
      addVectors(changes, new Map([[cellPeriodKey(cell, period), d]]));
    }
    contribution = next;
  }
  return { after: state, changes };
}
