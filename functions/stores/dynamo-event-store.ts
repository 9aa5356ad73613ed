/**
 * Exactly-once ingestion into DynamoDB. Per attempt: read the units' states (and, for a unit whose
 * first exposure changes, its earlier events), compute each unit's new state and the change in its
 * contribution to the statistics, then commit in transactions of up to 100 items: every event
 * (conditional on its id being new), every unit's state (conditional on the version read), and
 * the summed statistic changes (ADD). A failed condition names a duplicate or a concurrent writer;
 * the rest is retried from fresh reads, so nothing is lost and nothing counts twice. A unit with
 * more events than one transaction holds commits them in several sequential rounds, each
 * conditional on the state version the previous one wrote.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
  type QueryCommandOutput,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { MismatchedExposure, PreparedEvent } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  applyUnitEvents,
  cellKey,
  contributionDelta,
  EMPTY_UNIT_STATE,
  type ExposureObservation,
  exposuresRedraw,
  type MetricObservation,
  parseCellKey,
  type StatsVector,
  type UnitState,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import { decodeUnitState, encodeUnitState } from '../../shared/experiments/unit-state-codec';
import type { MetricDefinition } from '../../shared/model/metric';
import type { EventStore, StoredOutcome } from '../../shared/store/event-store';
import { MAX_TRANSACTION_ITEMS } from './dynamo-support';

type TransactItem = TransactWriteItem;
type Item = Record<string, AttributeValue>;

const toItem = (o: Record<string, unknown>): Item => marshall(o, { removeUndefinedValues: true });
// Numbers come back as exact decimal strings: totals exceed what a float holds exactly.
const fromItem = (i: Item): Record<string, unknown> => unmarshall(i, { wrapNumbers: true });

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

const DAY_SEPARATOR = '\u0001';
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const timeOf = (e: PreparedEvent) => (e.metric ?? e.exposure)!.at;

// One unit takes at most this many events per round; the rest waits for the next round, which reads
// the unit's state as this one left it (a group that still would not fit is halved until it does).
const MAX_EVENTS_PER_UNIT = 90;
// Units whose stored events are read at once (late arrivals, a first exposure moved earlier).
const HISTORY_READS_AT_ONCE = 16;
// The running totals have this many times the days' shards per cell.
const TOTAL_SHARD_FACTOR = 4;

interface UnitWork {
  unit: string;
  version: number;
  /** The latest timestamp among the unit's stored events (absent on states written before it was kept). */
  lastAt: number | undefined;
  history: MetricObservation[];
  /** All the unit's stored events, when they were read: its days are then filed again from them. */
  stored: StoredEvents | null;
  before: UnitState;
  after: UnitState;
  events: PreparedEvent[];
  delta: Map<string, StatsVector>;
}

interface StoredEvents {
  metrics: MetricObservation[];
  exposures: ExposureObservation[];
}

interface Transaction {
  items: TransactItem[];
  /** For each item, the event it stores (for EVT items) or null. */
  eventOfItem: (string | null)[];
  eventIds: string[];
}

const unitPk = (unit: string) => `UNIT#${unit}`;
const statsPk = (experiment: string) => `STATS#${experiment}`;
const healthPk = (experiment: string) => `HEALTH#${experiment}`;
// Refused exposures per transaction: each writes its event item and at most one counter item.
const MISMATCHES_PER_TRANSACTION = 45;

/** Statistic items for these cell-days: one per cell and day, and one running total per cell. */
function statItemCount(cellDays: ReadonlySet<string>): number {
  return cellDays.size + new Set([...cellDays].map((k) => k.split(DAY_SEPARATOR)[0])).size;
}

/** The unit's contribution from its events up to the end of `day` (UTC) only. */
function contributionsUpTo(
  events: StoredEvents,
  day: string,
  catalogue: readonly MetricDefinition[],
): Map<string, StatsVector> {
  const upTo = <T extends { at: number }>(xs: T[]) => xs.filter((x) => dayOf(x.at) <= day);
  return unitContributions(unitStateFromEvents(upTo(events.exposures), upTo(events.metrics)), catalogue);
}

/**
 * What a unit's new events change in each day's statistics, when they may come before events it
 * already has (a branch uploading overnight): each day's share is the unit's contribution from its
 * events up to that day's end minus the one up to the day before, so the new share of every day
 * from the earliest new event on is recomputed from all its events, and the change filed under
 * each day is new share − old share. The running sum over days then stands, at the end of every
 * day, at exactly the events timestamped up to then, whatever order they arrived in.
 */
function refiledDays(
  before: StoredEvents,
  after: StoredEvents,
  fromDay: string,
  catalogue: readonly MetricDefinition[],
): Map<string, StatsVector> {
  const days = [
    ...new Set([...after.exposures, ...after.metrics].map((e) => dayOf(e.at)).filter((d) => d >= fromDay)),
  ].sort();
  const out = new Map<string, StatsVector>();
  // Before `fromDay` both sets of events are the same, so both start from the same contribution.
  const start = unitContributions(
    unitStateFromEvents(
      before.exposures.filter((x) => dayOf(x.at) < fromDay),
      before.metrics.filter((m) => dayOf(m.at) < fromDay),
    ),
    catalogue,
  );
  let prevBefore = start;
  let prevAfter = start;
  for (const day of days) {
    const nowBefore = contributionsUpTo(before, day, catalogue);
    const nowAfter = contributionsUpTo(after, day, catalogue);
    const change = contributionDelta(
      contributionDelta(prevBefore, nowBefore),
      contributionDelta(prevAfter, nowAfter),
    );
    for (const [cell, d] of change) addVectors(out, new Map([[`${cell}${DAY_SEPARATOR}${day}`, d]]));
    prevBefore = nowBefore;
    prevAfter = nowAfter;
  }
  return out;
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function isRetryable(e: unknown): boolean {
  const err = e as {
    name?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  if (e instanceof TransactionCanceledException) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500 && status !== 429 && err.name !== 'ThrottlingException') {
    return (
      err.name === 'TransactionConflictException' || err.name === 'ProvisionedThroughputExceededException'
    );
  }
  // No HTTP answer at all (connection refused or reset) is retryable too.
  return true;
}

function num(x: unknown): number {
  return Number(String((x as { value?: string }).value ?? x));
}

/**
 * `client` is the low-level client, used with explicit (un)marshalling: a document client made
 * from a shared client shares its translation settings, and this store needs exact numbers.
 */
export function createDynamoEventStore(client: DynamoDBClient, options: DynamoEventStoreOptions): EventStore {
  const table = options.table;
  const shards = options.shards ?? 16;
  const maxAttempts = options.maxAttempts ?? 10;
  const concurrency = options.concurrency ?? 4;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function readStates(
    units: string[],
  ): Promise<Map<string, { version: number; state: UnitState; lastAt: number | undefined }>> {
    const out = new Map<string, { version: number; state: UnitState; lastAt: number | undefined }>();
    for (const part of chunk(units, 100)) {
      let keys: Item[] | undefined = part.map((u) => toItem({ pk: unitPk(u), sk: 'STATE' }));
      while (keys && keys.length > 0) {
        const res: BatchGetItemCommandOutput = await client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const raw of res.Responses?.[table] ?? []) {
          const item = fromItem(raw);
          const unit = String(item.pk).slice('UNIT#'.length);
          out.set(unit, {
            version: num(item.version),
            state: decodeUnitState(String(item.state)),
            lastAt: item.lastAt === undefined ? undefined : num(item.lastAt),
          });
        }
        keys = res.UnprocessedKeys?.[table]?.Keys;
      }
    }
    return out;
  }

  /** The unit's stored events, and every stored event id with the ingest call that wrote it. */
  async function readHistory(
    unit: string,
  ): Promise<{ metrics: MetricObservation[]; exposures: ExposureObservation[]; ids: Map<string, unknown> }> {
    const metrics: MetricObservation[] = [];
    const exposures: ExposureObservation[] = [];
    const ids = new Map<string, unknown>();
    let start: Item | undefined;
    do {
      const res = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
          ExpressionAttributeValues: toItem({ ':pk': unitPk(unit), ':evt': 'EVT#' }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of res.Items ?? []) {
        const item = fromItem(raw);
        const id = String(item.sk).slice('EVT#'.length);
        ids.set(id, item.w);
        if (item.t === 'm')
          metrics.push({
            id,
            metric: String(item.metric),
            value: BigInt(String(item.value)),
            at: num(item.at),
          });
        if (item.t === 'x')
          exposures.push({
            id,
            experiment: String(item.experiment),
            variant: String(item.variant),
            channel: String(item.channel),
            at: num(item.at),
          });
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return { metrics, exposures, ids };
  }

  /**
   * `writer` names the ingest call that stores the event: when an answer was lost and the retry
   * finds the event stored, only its own mark makes it this call's `accepted`; anyone else's is a
   * `duplicate`, or a concurrent resend of the same batch would answer `accepted` twice.
   */
  function eventItem(unit: string, e: PreparedEvent, writer: string): TransactItem {
    const base = { pk: unitPk(unit), sk: `EVT#${e.id}`, w: writer };
    const item = e.metric
      ? { ...base, t: 'm', metric: e.metric.metric, value: e.metric.value.toString(), at: e.metric.at }
      : {
          ...base,
          t: 'x',
          experiment: e.exposure!.experiment,
          variant: e.exposure!.variant,
          channel: e.exposure!.channel,
          at: e.exposure!.at,
        };
    return {
      Put: {
        TableName: table,
        Item: toItem(item),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  function stateItem(w: UnitWork): TransactItem {
    return {
      Put: {
        TableName: table,
        Item: toItem({
          pk: unitPk(w.unit),
          sk: 'STATE',
          version: w.version + 1,
          state: encodeUnitState(w.after),
          lastAt: Math.max(w.lastAt ?? Number.NEGATIVE_INFINITY, ...w.events.map(timeOf)),
        }),
        ...(w.version === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: toItem({ ':v': w.version }) }),
      },
    };
  }

  function statsItem(cellDay: string, shard: number, delta: StatsVector): TransactItem {
    const [cell, day] = cellDay.split(DAY_SEPARATOR);
    const { experiment, variant, channel } = parseCellKey(cell);
    const names: Record<string, string> = {};
    const values: Record<string, bigint> = {};
    const parts: string[] = [];
    let i = 0;
    for (const [field, value] of delta) {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      parts.push(`#f${i} :v${i}`);
      i++;
    }
    return {
      Update: {
        TableName: table,
        Key: toItem({ pk: statsPk(experiment), sk: `CELL#${variant}#${channel}#${day}#${shard}` }),
        UpdateExpression: `ADD ${parts.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toItem(values),
      },
    };
  }

  /**
   * The cell's running total over all days, beside its days: results read these, so their cost
   * does not grow with the days an experiment runs (every day is rolled up as it is written).
   */
  function totalItem(cell: string, shard: number, delta: StatsVector): TransactItem {
    const update = statsItem(`${cell}${DAY_SEPARATOR}`, shard, delta).Update!;
    const { experiment, variant, channel } = parseCellKey(cell);
    return {
      Update: {
        ...update,
        Key: toItem({ pk: statsPk(experiment), sk: `TOTAL#${variant}#${channel}#${shard}` }),
      },
    };
  }

  /** Units joined by an event that touches several must commit in one transaction. */
  function groupUnits(work: UnitWork[]): UnitWork[][] {
    const parent = new Map<string, string>();
    const find = (u: string): string => {
      let r = u;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(u, r);
      return r;
    };
    for (const w of work) parent.set(w.unit, w.unit);
    for (const w of work)
      for (const e of w.events) for (const u of e.units) if (parent.has(u)) parent.set(find(u), find(w.unit));
    const groups = new Map<string, UnitWork[]>();
    for (const w of work) {
      const root = find(w.unit);
      groups.set(root, [...(groups.get(root) ?? []), w]);
    }
    return [...groups.values()];
  }

  function buildTransactions(groups: UnitWork[][], writer: string): Transaction[] {
    const out: Transaction[] = [];
    let current: { work: UnitWork[]; cells: Set<string>; items: number } = {
      work: [],
      cells: new Set(),
      items: 0,
    };
    const flush = () => {
      if (current.work.length === 0) return;
      const shard = Math.floor(random() * shards);
      const items: TransactItem[] = [];
      const eventOfItem: (string | null)[] = [];
      const eventIds = new Set<string>();
      const totals = new Map<string, StatsVector>();
      for (const w of current.work) {
        for (const e of w.events) {
          items.push(eventItem(w.unit, e, writer));
          eventOfItem.push(e.id);
          eventIds.add(e.id);
        }
        items.push(stateItem(w));
        eventOfItem.push(null);
        for (const [cell, d] of w.delta) {
          const t = totals.get(cell) ?? new Map<string, bigint>();
          for (const [f, v] of d) t.set(f, (t.get(f) ?? 0n) + v);
          totals.set(cell, t);
        }
      }
      const grand = new Map<string, StatsVector>();
      for (const [cellDay, d] of totals) addVectors(grand, new Map([[cellDay.split(DAY_SEPARATOR)[0], d]]));
      for (const [cell, d] of totals) {
        for (const [f, v] of d) if (v === 0n) d.delete(f);
        if (d.size === 0) continue;
        items.push(statsItem(cell, shard, d));
        eventOfItem.push(null);
      }
      // Every transaction adds to its cells' totals: spread over more shards than the days' items,
      // or concurrent writers would keep meeting on the same few items.
      const totalShard = Math.floor(random() * shards * TOTAL_SHARD_FACTOR);
      for (const [cell, d] of grand) {
        items.push(totalItem(cell, totalShard, d));
        eventOfItem.push(null);
      }
      out.push({ items, eventOfItem, eventIds: [...eventIds] });
      current = { work: [], cells: new Set(), items: 0 };
    };
    for (const group of groups) {
      const cells = new Set(group.flatMap((w) => [...w.delta.keys()]));
      const own = group.reduce((n, w) => n + w.events.length + 1, 0);
      if (current.items + own + statItemCount(new Set([...current.cells, ...cells])) > MAX_TRANSACTION_ITEMS)
        flush();
      current.work.push(...group);
      current.items += own;
      for (const c of cells) current.cells.add(c);
    }
    flush();
    return out;
  }

  /**
   * Each unit's new state and statistics change from its live events (applied one by one in time
   * order, so each change is filed under the day its event happened: the sum over days is exact,
   * the days give the history), grouped by the units that must commit together.
   */
  function computeWork(
    work: UnitWork[],
    live: (e: PreparedEvent) => boolean,
    catalogue: readonly MetricDefinition[],
  ): UnitWork[][] {
    for (const w of work) {
      w.events = w.events.filter(live);
      w.after = w.before;
      w.delta = new Map();
      if (w.events.length === 0) continue;
      if (w.stored) {
        const after: StoredEvents = {
          metrics: [...w.stored.metrics, ...w.events.flatMap((e) => (e.metric ? [e.metric] : []))],
          exposures: [...w.stored.exposures, ...w.events.flatMap((e) => (e.exposure ? [e.exposure] : []))],
        };
        const fromDay = dayOf(Math.min(...w.events.map(timeOf)));
        w.delta = refiledDays(w.stored, after, fromDay, catalogue);
        w.after = unitStateFromEvents(after.exposures, after.metrics);
        continue;
      }
      const sorted = [...w.events].sort((a, b) => timeOf(a) - timeOf(b) || (a.id < b.id ? -1 : 1));
      const applied: MetricObservation[] = [];
      let state = w.before;
      let contribution = unitContributions(state, catalogue);
      for (const e of sorted) {
        const next = applyUnitEvents(
          state,
          e.exposure ? [e.exposure] : [],
          e.metric ? [e.metric] : [],
          () => [...w.history, ...applied],
        );
        if (e.metric) applied.push(e.metric);
        const nextContribution = unitContributions(next, catalogue);
        const day = dayOf(timeOf(e));
        for (const [cell, d] of contributionDelta(contribution, nextContribution)) {
          addVectors(w.delta, new Map([[`${cell}${DAY_SEPARATOR}${day}`, d]]));
        }
        state = next;
        contribution = nextContribution;
      }
      w.after = state;
    }
    return groupUnits(work.filter((w) => w.events.length > 0));
  }

  /** The items a group's transaction writes: its events per unit, its states, its statistic cells. */
  function groupItems(group: UnitWork[]): number {
    const cells = new Set(group.flatMap((w) => [...w.delta.keys()]));
    return group.reduce((n, w) => n + w.events.length + 1, 0) + statItemCount(cells);
  }

  async function runAll<T>(tasks: (() => Promise<T>)[], atOnce = concurrency): Promise<T[]> {
    const results: T[] = new Array(tasks.length);
    let next = 0;
    const worker = async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    };
    await Promise.all(Array.from({ length: Math.min(atOnce, tasks.length) }, worker));
    return results;
  }

  async function attempt(
    pending: PreparedEvent[],
    catalogue: readonly MetricDefinition[],
    outcomes: Map<string, StoredOutcome>,
    ambiguous: Set<string>,
    writer: string,
  ): Promise<{ pending: PreparedEvent[]; failed: boolean }> {
    const byUnit = new Map<string, PreparedEvent[]>();
    for (const e of pending) for (const u of e.units) byUnit.set(u, [...(byUnit.get(u) ?? []), e]);
    const deferred = new Set<string>();
    for (const [unit, events] of byUnit) {
      if (events.length <= MAX_EVENTS_PER_UNIT) continue;
      for (const e of events.slice(MAX_EVENTS_PER_UNIT)) deferred.add(e.id);
      byUnit.set(unit, events.slice(0, MAX_EVENTS_PER_UNIT));
    }
    const duplicate = (id: string, storedBy: unknown) => {
      outcomes.set(id, ambiguous.has(id) && storedBy === writer ? 'accepted' : 'duplicate');
    };
    const states = await readStates([...byUnit.keys()]);
    // Each unit's stored events are read when it needs them, several units at a time.
    const work: UnitWork[] = await runAll(
      [...byUnit].map(([unit, events]) => async (): Promise<UnitWork> => {
        const stored = states.get(unit) ?? { version: 0, state: EMPTY_UNIT_STATE, lastAt: undefined };
        const exposures = events.flatMap((e) => (e.exposure ? [e.exposure] : [])) as ExposureObservation[];
        let history: MetricObservation[] = [];
        let storedEvents: StoredEvents | null = null;
        // An event before the unit's latest stored day changes the days after it too: they are filed
        // again from all the unit's events (a state from before `lastAt` was kept counts as such).
        const earliest = Math.min(...events.map(timeOf));
        const late =
          stored.version > 0 && (stored.lastAt === undefined || dayOf(earliest) < dayOf(stored.lastAt));
        if (late || exposuresRedraw(stored.state, exposures)) {
          const h = await readHistory(unit);
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
        };
      }),
      HISTORY_READS_AT_ONCE,
    );
    // An event found stored in one unit is a duplicate in all of its units.
    const live = (e: PreparedEvent) => !outcomes.has(e.id) && !deferred.has(e.id);
    let groups = computeWork(work, live, catalogue);
    // However the batch's events spread over units, each transaction must stay within DynamoDB's
    // limit: a group of joined units that would not fit commits its earlier half now and defers
    // the rest to the next round, which reads the states this one wrote.
    for (;;) {
      const oversize = groups.filter((g) => groupItems(g) > MAX_TRANSACTION_ITEMS);
      if (oversize.length === 0) break;
      let shrunk = false;
      for (const g of oversize) {
        const events = [...new Map(g.flatMap((w) => w.events.map((e) => [e.id, e] as const))).values()];
        if (events.length < 2) continue;
        events.sort((a, b) => timeOf(a) - timeOf(b) || (a.id < b.id ? -1 : 1));
        for (const e of events.slice(Math.ceil(events.length / 2))) deferred.add(e.id);
        shrunk = true;
      }
      if (!shrunk) break;
      groups = computeWork(work, live, catalogue);
    }
    const transactions = buildTransactions(groups, writer);
    const retry = new Set<string>(deferred);
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
        }
      }),
    );
    return { pending: pending.filter((e) => retry.has(e.id) && !outcomes.has(e.id)), failed };
  }

  /** Every statistic item of the experiment whose sort key begins with `prefix`, as (sort key, vector). */
  async function readStatItems(experiment: string, prefix: string): Promise<[string, StatsVector][]> {
    const out: [string, StatsVector][] = [];
    let start: Item | undefined;
    do {
      const res: QueryCommandOutput = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: toItem({ ':pk': statsPk(experiment), ':prefix': prefix }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of res.Items ?? []) {
        const item = fromItem(raw);
        const v: StatsVector = new Map();
        for (const [field, value] of Object.entries(item)) {
          if (field === 'pk' || field === 'sk') continue;
          const n = BigInt(String((value as { value?: string }).value ?? value));
          if (n !== 0n) v.set(field, n);
        }
        out.push([String(item.sk), v]);
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** The statistics' changes per day of the events that made them: variants × channels × days × shards items. */
  async function readDays(experiment: string): Promise<Map<string, Map<string, StatsVector>>> {
    const days = new Map<string, Map<string, StatsVector>>();
    for (const [sk, v] of await readStatItems(experiment, 'CELL#')) {
      const [, variant, channel, day] = sk.split('#');
      const byCell = days.get(day) ?? new Map<string, StatsVector>();
      addVectors(byCell, new Map([[cellKey(experiment, variant, channel), v]]));
      days.set(day, byCell);
    }
    // A day whose changes cancel out (a unit's first exposure moved before it) holds nothing.
    return new Map([...days].filter(([, byCell]) => byCell.size > 0).sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /**
   * The running totals: variants × channels × shards items, whatever the number of events or days.
   * Statistics written before totals were kept have none: those are summed from their days.
   */
  async function readTotals(experiment: string): Promise<Map<string, StatsVector>> {
    const cells = new Map<string, StatsVector>();
    const totals = await readStatItems(experiment, 'TOTAL#');
    if (totals.length === 0) {
      for (const byCell of (await readDays(experiment)).values()) addVectors(cells, byCell);
      return cells;
    }
    for (const [sk, v] of totals) {
      const [, variant, channel] = sk.split('#');
      addVectors(cells, new Map([[cellKey(experiment, variant, channel), v]]));
    }
    return cells;
  }

  /**
   * Refused exposures are counted like accepted events, exactly once: the event's item (keyed by
   * its id under its unit, written only if new, so a resent one is not counted again) and the
   * channel's sharded counter (ADD) commit in one transaction.
   */
  async function recordMismatches(mismatches: readonly MismatchedExposure[]): Promise<void> {
    let pending = [...new Map(mismatches.map((m) => [`${m.unit}\u0000${m.id}`, m])).values()];
    let stalled = 0;
    while (pending.length > 0) {
      if (stalled >= maxAttempts) {
        throw new IngestionUnavailableError(
          `${pending.length} refused exposures could not be recorded after ${maxAttempts} attempts: send the batch again, unchanged`,
        );
      }
      if (stalled > 0) await sleep(Math.min(2000, 25 * 2 ** stalled) * (0.5 + random()));
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
          const items: TransactItem[] = [
            ...part.map(
              (m): TransactItem => ({
                Put: {
                  TableName: table,
                  Item: toItem({
                    pk: unitPk(m.unit),
                    sk: `EVT#${m.id}`,
                    t: 'r',
                    experiment: m.experiment,
                    channel: m.channel,
                    at: m.at,
                  }),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              }),
            ),
            ...[...counts.values()].map(
              (c): TransactItem => ({
                Update: {
                  TableName: table,
                  Key: toItem({ pk: healthPk(c.experiment), sk: `MISMATCH#${c.channel}#${shard}` }),
                  UpdateExpression: 'ADD #n :n',
                  ExpressionAttributeNames: { '#n': 'n' },
                  ExpressionAttributeValues: toItem({ ':n': c.n }),
                },
              }),
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
      );
      pending = retry;
      stalled = progressed ? 0 : stalled + 1;
    }
  }

  async function readMismatches(experiment: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let start: Item | undefined;
    do {
      const res: QueryCommandOutput = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          ExpressionAttributeValues: toItem({ ':pk': healthPk(experiment), ':m': 'MISMATCH#' }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of res.Items ?? []) {
        const item = fromItem(raw);
        const channel = String(item.sk).split('#')[1];
        out.set(channel, (out.get(channel) ?? 0) + num(item.n));
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  return {
    recordMismatches,
    readAssignmentMismatches: readMismatches,

    async ingest(events, catalogue) {
      const outcomes = new Map<string, StoredOutcome>();
      const ambiguous = new Set<string>();
      const writer = randomUUID();
      let pending = [...events];
      // Only a round that failed without resolving any event counts against the attempts: a round
      // that commits part of a unit's events and defers the rest is progress, however many rounds
      // a unit with hundreds of events takes.
      let stalled = 0;
      let failed = false;
      while (pending.length > 0) {
        if (stalled >= maxAttempts) {
          throw new IngestionUnavailableError(
            `${pending.length} events could not be stored after ${maxAttempts} attempts: send the batch again, unchanged`,
          );
        }
        // After a failed round: a short pause while others make progress, growing while none does.
        if (failed) await sleep(Math.min(2000, 25 * 2 ** stalled) * (0.5 + random()));
        const before = outcomes.size;
        failed = false;
        try {
          const round = await attempt(pending, catalogue, outcomes, ambiguous, writer);
          pending = round.pending;
          failed = round.failed;
        } catch (e) {
          if (!isRetryable(e)) throw e;
          for (const ev of pending) ambiguous.add(ev.id);
          failed = true;
        }
        stalled = outcomes.size > before ? 0 : stalled + 1;
      }
      return outcomes;
    },

    readCells: (experiment) => readTotals(experiment),

    readDailyCells: (experiment) => readDays(experiment),
  };
}
