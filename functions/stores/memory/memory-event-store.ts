/**
 * The event store in memory: the same contract as the DynamoDB one (exactly once per event id,
 * statistics per UTC day and their running totals, refused exposures counted once), folded by the
 * same `foldUnitEvents`, for fast tests of the logic around it.
 */
import type { MismatchedExposure, PreparedEvent } from '../../../shared/experiments/ingest-plan';
import {
  dayOf,
  eventTime,
  foldUnitEvents,
  type StoredEvents,
  splitCellPeriod,
} from '../../../shared/experiments/unit-fold';
import {
  addVectors,
  EMPTY_UNIT_STATE,
  parseCellKey,
  type StatsVector,
  type UnitState,
} from '../../../shared/experiments/unit-state';
import type { EventStore, StoredOutcome } from '../../../shared/store/event-store';

interface MemoryUnit {
  state: UnitState;
  lastAt: number;
  events: StoredEvents;
}

const clone = (v: Map<string, StatsVector>) => new Map([...v].map(([k, x]) => [k, new Map(x)]));

export function createMemoryEventStore(): EventStore {
  const units = new Map<string, MemoryUnit>();
  /** Every id stored under each unit: its events and its refused exposures. */
  const ids = new Map<string, Set<string>>();
  const idsOf = (unit: string) => {
    const set = ids.get(unit) ?? new Set<string>();
    ids.set(unit, set);
    return set;
  };
  /** experiment → day → cell → change. */
  const days = new Map<string, Map<string, Map<string, StatsVector>>>();
  const mismatches = new Map<string, Map<string, number>>();

  const file = (changes: Map<string, StatsVector>) => {
    for (const [key, d] of changes) {
      const { cell, period } = splitCellPeriod(key);
      const { experiment } = parseCellKey(cell);
      const byDay = days.get(experiment) ?? new Map<string, Map<string, StatsVector>>();
      days.set(experiment, byDay);
      const byCell = byDay.get(period) ?? new Map<string, StatsVector>();
      byDay.set(period, byCell);
      addVectors(byCell, new Map([[cell, d]]));
    }
  };

  return {
    async ingest(events: readonly PreparedEvent[], catalogue) {
      const outcomes = new Map<string, StoredOutcome>();
      const byUnit = new Map<string, PreparedEvent[]>();
      for (const e of events) {
        // An event stored under any of its units is a duplicate in all of them.
        if (e.units.some((u) => ids.get(u)?.has(e.id))) {
          outcomes.set(e.id, 'duplicate');
          continue;
        }
        outcomes.set(e.id, 'accepted');
        for (const u of e.units) byUnit.set(u, [...(byUnit.get(u) ?? []), e]);
      }
      for (const [unit, fresh] of byUnit) {
        const stored = units.get(unit);
        const earliest = Math.min(...fresh.map(eventTime));
        // As the DynamoDB store: events before the unit's latest stored day refile the days since.
        const late = stored !== undefined && dayOf(earliest) < dayOf(stored.lastAt);
        const fold = foldUnitEvents({
          before: stored?.state ?? EMPTY_UNIT_STATE,
          history: stored?.events.metrics ?? [],
          stored: late && stored ? stored.events : null,
          events: fresh,
          catalogue,
        });
        file(fold.changes);
        const next: MemoryUnit = stored ?? {
          state: EMPTY_UNIT_STATE,
          lastAt: Number.NEGATIVE_INFINITY,
          events: { metrics: [], exposures: [] },
        };
        next.state = fold.after;
        next.lastAt = Math.max(next.lastAt, ...fresh.map(eventTime));
        for (const e of fresh) {
          idsOf(unit).add(e.id);
          if (e.metric) next.events.metrics.push(e.metric);
          if (e.exposure) next.events.exposures.push(e.exposure);
        }
        units.set(unit, next);
      }
      return outcomes;
    },

    async readCells(experiment) {
      const cells = new Map<string, StatsVector>();
      for (const byCell of days.get(experiment)?.values() ?? []) addVectors(cells, byCell);
      return cells;
    },

    async readDailyCells(experiment) {
      const byDay = days.get(experiment) ?? new Map<string, Map<string, StatsVector>>();
      return new Map(
        [...byDay]
          .filter(([, byCell]) => byCell.size > 0)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([day, byCell]) => [day, clone(byCell)]),
      );
    },

    async recordMismatches(refused: readonly MismatchedExposure[]) {
      for (const m of refused) {
        const stored = idsOf(m.unit);
        if (stored.has(m.id)) continue;
        stored.add(m.id);
        const byChannel = mismatches.get(m.experiment) ?? new Map<string, number>();
        mismatches.set(m.experiment, byChannel);
        byChannel.set(m.channel, (byChannel.get(m.channel) ?? 0) + 1);
      }
    },

    async readAssignmentMismatches(experiment) {
      return new Map(mismatches.get(experiment) ?? []);
    },
  };
}
