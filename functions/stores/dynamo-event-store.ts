/**
 * Exactly-once ingestion into DynamoDB. Per attempt: read the units' states (and, for a unit whose
 * first exposure changes, its earlier events), fold each unit's events into its new state and the
 * change in its contribution to the statistics (`foldUnitEvents`), then commit in transactions of
 * up to 100 items: every event (conditional on its id being new), every unit's state (conditional
 * on the version read), and the summed statistic changes (ADD). A failed condition names a
 * duplicate or a concurrent writer; the rest is retried from fresh reads, so nothing is lost and
 * nothing counts twice. A unit with more events than one transaction holds commits them in
 * several sequential rounds, each conditional on the state version the previous one wrote; one
 * event whose refiled days do not fit leaves the rest in its unit's state, committed by the
 * transactions that follow it (each conditional on the version before), and finished first by
 * any later ingestion of the unit if this one is interrupted.
 * Keys and codecs: event-store/codecs.ts; reads: event-store/reads.ts; packing:
 * event-store/transactions.ts; the attempt loop: event-store/attempts.ts.
 */
import { randomUUID } from 'node:crypto';
import type { MismatchedExposure, PreparedEvent } from '../../shared/experiments/ingest-plan';
import {
  byEventTime,
  dayOf,
  eventTime,
  foldUnitEvents,
  type StoredEvents,
} from '../../shared/experiments/unit-fold';
import {
  EMPTY_UNIT_STATE,
  exposuresRedraw,
  type MetricObservation,
  type StatsVector,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import type { EventStore, StoredOutcome } from '../../shared/store/event-store';
import { type DynamoDbClient, TransactWriteItemsCommand } from '../aws/dynamodb-client';
import { TransactionCanceledException } from '../aws/dynamodb-errors';
import { isRetryable, runAll, runRounds } from './event-store/attempts';
import { fromItem, mismatchCounterItem, mismatchEventItem, type StoredState } from './event-store/codecs';
import { readDays, readHistory, readMismatches, readStates, readTotals } from './event-store/reads';
import {
  buildTransactions,
  fitGroups,
  groupUnits,
  type PackOptions,
  refileTransaction,
  type UnitWork,
} from './event-store/transactions';

export interface DynamoEventStoreOptions {
  table: string;
  /** Statistic items per cell: concurrent writers pick different shards and rarely collide. */
  shards?: number;
  maxAttempts?: number;
  /** Transactions in flight at once. */
  concurrency?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Ingestion could not finish in its attempts (overload, an unreachable database): retry the batch. */
export class IngestionUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

// One unit takes at most this many events per round; the rest waits for the next round, which reads
// the unit's state as this one left it (a group that still would not fit is halved until it does).
const MAX_EVENTS_PER_UNIT = 90;
// Units whose stored events are read at once (late arrivals, a first exposure moved earlier).
const HISTORY_READS_AT_ONCE = 16;
// The running totals have this many times the days' shards per cell.
const TOTAL_SHARD_FACTOR = 4;
// Refused exposures per transaction: each writes its event item and at most one counter item.
const MISMATCHES_PER_TRANSACTION = 45;

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * `client` is the low-level client, used with explicit (un)marshalling: a document client made
 * from a shared client shares its translation settings, and this store needs exact numbers.
 */
export function createDynamoEventStore(client: DynamoDbClient, options: DynamoEventStoreOptions): EventStore {
  const table = options.table;
  const shards = options.shards ?? 16;
  const concurrency = options.concurrency ?? 4;
  const random = options.random ?? Math.random;
  const rounds = {
    maxAttempts: options.maxAttempts ?? 10,
    random,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
  };
  const pack: PackOptions = { table, shards, totalShardFactor: TOTAL_SHARD_FACTOR, random };

  /**
   * Commits a unit's remaining refile changes, one transaction after another, each conditional
   * on the state version the one before wrote.
   */
  async function drainRefile(
    unit: string,
    version: number,
    changes: Map<string, StatsVector>,
  ): Promise<void> {
    let v = version;
    let rest = changes;
    while (rest.size > 0) {
      const next = refileTransaction(unit, v, rest, pack);
      await client.send(new TransactWriteItemsCommand({ TransactItems: next.items }));
      v++;
      rest = next.rest;
    }
  }

  /**
   * The units' states, after finishing the refile changes any of them still holds, except the
   * units in `carried` (this call left them, and has more of their events): their changes stay in
   * their state and go on with this round's own, so one unit's many back-dated events refile each
   * day once per call, not once per round. A carried unit left with no live event is in
   * `unsettled`, and the next round finishes it.
   */
  async function readSettledStates(
    units: string[],
    unsettled: Set<string>,
    carried: ReadonlySet<string>,
  ): Promise<Map<string, StoredState>> {
    const states = await readStates(client, table, units);
    // A unit another writer finished (or never left unfinished) is settled.
    for (const unit of units) if (!states.get(unit)?.refile.size) unsettled.delete(unit);
    const open = [...states].filter(([unit, s]) => s.refile.size > 0 && !carried.has(unit));
    if (open.length === 0) return states;
    await runAll(
      open.map(([unit, s]) => async () => {
        await drainRefile(unit, s.version, s.refile);
        unsettled.delete(unit);
      }),
      concurrency,
    );
    for (const [unit, s] of await readStates(
      client,
      table,
      open.map(([u]) => u),
    ))
      states.set(unit, s);
    return states;
  }

  /** Each unit's new state and statistics change from its live events, grouped by the units that must commit together. */
  function computeWork(
    work: UnitWork[],
    live: (e: PreparedEvent) => boolean,
    catalogue: readonly MetricDefinition[],
  ): UnitWork[][] {
    for (const w of work) {
      w.events = w.events.filter(live);
      const fold = foldUnitEvents({
        before: w.before,
        history: w.history,
        stored: w.stored,
        events: w.events,
        catalogue,
      });
      w.after = fold.after;
      w.delta = fold.changes;
      w.refile = new Map([...w.carried].map(([key, v]) => [key, new Map(v)]));
    }
    return groupUnits(work.filter((w) => w.events.length > 0));
  }

  async function attempt(
    pending: PreparedEvent[],
    catalogue: readonly MetricDefinition[],
    outcomes: Map<string, StoredOutcome>,
    ambiguous: Set<string>,
    unsettled: Set<string>,
    writer: string,
  ): Promise<{ pending: PreparedEvent[]; failed: boolean }> {
    const byUnit = new Map<string, PreparedEvent[]>();
    for (const e of pending) for (const u of e.units) byUnit.set(u, [...(byUnit.get(u) ?? []), e]);
    const deferred = new Set<string>();
    for (const [unit, events] of byUnit) {
      if (events.length <= MAX_EVENTS_PER_UNIT) continue;
      // The earliest first, whatever order they were sent in: each round's events then come after
      // the ones the rounds before it stored, so a round refiles no day an earlier round wrote.
      events.sort(byEventTime);
      for (const e of events.slice(MAX_EVENTS_PER_UNIT)) deferred.add(e.id);
      byUnit.set(unit, events.slice(0, MAX_EVENTS_PER_UNIT));
    }
    const duplicate = (id: string, storedBy: unknown) => {
      outcomes.set(id, ambiguous.has(id) && storedBy === writer ? 'accepted' : 'duplicate');
    };
    const states = await readSettledStates(
      [...new Set([...byUnit.keys(), ...unsettled])],
      unsettled,
      // Only what this call left: another writer's (or an interrupted call's) is finished first.
      new Set([...byUnit.keys()].filter((u) => unsettled.has(u))),
    );
    // Each unit's stored events are read when it needs them, several units at a time.
    const work: UnitWork[] = await runAll(
      [...byUnit].map(([unit, events]) => async (): Promise<UnitWork> => {
        const stored = states.get(unit) ?? {
          version: 0,
          state: EMPTY_UNIT_STATE,
          lastAt: undefined,
          refile: new Map<string, StatsVector>(),
        };
        const exposures = events.flatMap((e) => (e.exposure ? [e.exposure] : []));
        let history: MetricObservation[] = [];
        let storedEvents: StoredEvents | null = null;
        // An event before the unit's latest stored day changes the days after it too: they are filed
        // again from all the unit's events (a state from before `lastAt` was kept counts as such).
        const earliest = Math.min(...events.map(eventTime));
        const late =
          stored.version > 0 && (stored.lastAt === undefined || dayOf(earliest) < dayOf(stored.lastAt));
        if (late || exposuresRedraw(stored.state, exposures)) {
          const h = await readHistory(client, table, unit);
          // Events already stored must not be drawn twice: once from history, once as new.
          history = h.metrics;
          if (late) storedEvents = { metrics: h.metrics, exposures: h.exposures };
          for (const e of events) if (h.ids.has(e.id)) duplicate(e.id, h.ids.get(e.id));
        }
        return {
          unit,
          version: stored.version,
          lastAt: stored.lastAt,
          stored: storedEvents,
          history,
          before: stored.state,
          after: stored.state,
          events,
          delta: new Map(),
          refile: new Map(),
          carried: stored.refile,
        };
      }),
      HISTORY_READS_AT_ONCE,
    );
    // An event found stored in one unit is a duplicate in all of its units.
    const live = (e: PreparedEvent) => !outcomes.has(e.id) && !deferred.has(e.id);
    const groups = fitGroups(
      () => computeWork(work, live, catalogue),
      (id) => deferred.add(id),
    );
    const transactions = buildTransactions(groups, writer, pack);
    const retry = new Set<string>(deferred);
    // Units with events left for the next round keep their refile changes for it.
    const continuing = new Set(pending.filter((e) => deferred.has(e.id)).flatMap((e) => e.units));
    let failed = false;
    await runAll(
      transactions.map((tx) => async () => {
        try {
          await client.send(new TransactWriteItemsCommand({ TransactItems: tx.items }));
          for (const id of tx.eventIds) outcomes.set(id, 'accepted');
        } catch (e) {
          if (!isRetryable(e)) throw e;
          failed = true;
          const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
          if (reasons.length === 0) for (const id of tx.eventIds) ambiguous.add(id);
          reasons.forEach((r, i) => {
            const id = tx.eventOfItem[i];
            if (r.Code === 'ConditionalCheckFailed' && id !== null)
              duplicate(id, r.Item ? fromItem(r.Item).w : undefined);
          });
          for (const id of tx.eventIds) if (!outcomes.has(id)) retry.add(id);
          return;
        }
        // The events are stored; their units' remaining changes follow (or the next round finishes them).
        for (const r of tx.refiles) {
          unsettled.add(r.unit);
          if (continuing.has(r.unit)) continue;
          try {
            await drainRefile(r.unit, r.version, r.changes);
            unsettled.delete(r.unit);
          } catch (e) {
            if (!isRetryable(e)) throw e;
            failed = true;
          }
        }
      }),
      concurrency,
    );
    return { pending: pending.filter((e) => retry.has(e.id) && !outcomes.has(e.id)), failed };
  }

  /**
   * Refused exposures are counted like accepted events, exactly once: the event's item (keyed by
   * its id under its unit, written only if new, so a resent one is not counted again) and the
   * channel's sharded counter (ADD) commit in one transaction.
   */
  async function recordMismatches(mismatches: readonly MismatchedExposure[]): Promise<void> {
    let pending = [...new Map(mismatches.map((m) => [`${m.unit}\u0000${m.id}`, m])).values()];
    await runRounds(
      rounds,
      () => pending.length,
      async () => {
        const retry: MismatchedExposure[] = [];
        let progressed = false;
        await runAll(
          chunk(pending, MISMATCHES_PER_TRANSACTION).map((part) => async () => {
            const shard = Math.floor(random() * shards);
            const counts = new Map<string, { experiment: string; channel: string; n: number }>();
            for (const m of part) {
              const key = `${m.experiment}\u0000${m.channel}`;
              const c = counts.get(key) ?? { experiment: m.experiment, channel: m.channel, n: 0 };
              c.n++;
              counts.set(key, c);
            }
            const items = [
              ...part.map((m) => mismatchEventItem(table, m)),
              ...[...counts.values()].map((c) =>
                mismatchCounterItem(table, c.experiment, c.channel, shard, c.n),
              ),
            ];
            try {
              await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
              progressed = true;
            } catch (e) {
              if (!isRetryable(e)) throw e;
              const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
              // An event whose item exists is counted already (or its id is another event's): drop it.
              part.forEach((m, i) => {
                if (reasons[i]?.Code === 'ConditionalCheckFailed') progressed = true;
                else retry.push(m);
              });
            }
          }),
          concurrency,
        );
        pending = retry;
        return { progressed, failed: !progressed };
      },
      (left) =>
        new IngestionUnavailableError(
          `${left} refused exposures could not be recorded after ${rounds.maxAttempts} attempts: send the batch again, unchanged`,
        ),
    );
  }

  return {
    recordMismatches,
    readAssignmentMismatches: (experiment) => readMismatches(client, table, experiment),

    async ingest(events, catalogue) {
      const outcomes = new Map<string, StoredOutcome>();
      const ambiguous = new Set<string>();
      // Units whose state still holds refile changes this call wrote (finished before anything else).
      const unsettled = new Set<string>();
      const writer = randomUUID();
      let pending = [...events];
      await runRounds(
        rounds,
        () => pending.length + unsettled.size,
        async () => {
          const before = outcomes.size;
          const open = unsettled.size;
          let failed = false;
          try {
            const round = await attempt(pending, catalogue, outcomes, ambiguous, unsettled, writer);
            pending = round.pending;
            failed = round.failed;
          } catch (e) {
            if (!isRetryable(e)) throw e;
            for (const ev of pending) ambiguous.add(ev.id);
            failed = true;
          }
          return { progressed: outcomes.size > before || unsettled.size < open, failed };
        },
        () =>
          new IngestionUnavailableError(
            pending.length > 0
              ? `${pending.length} events could not be stored after ${rounds.maxAttempts} attempts: send the batch again, unchanged`
              : `the statistics of ${unsettled.size} units could not be completed after ${rounds.maxAttempts} attempts: send the batch again, unchanged`,
          ),
      );
      return outcomes;
    },

    readCells: (experiment) => readTotals(client, table, experiment),

    readDailyCells: (experiment) => readDays(client, table, experiment),
  };
}
