/**
 * Transaction packing for the event store: units joined by an event commit together; groups are
 * packed into transactions of at most DynamoDB's 100 items (events, unit states, statistic cells
 * per day and running totals); a group that would not fit defers its later events to the next
 * round, and a single event whose refiled days alone would not fit (a unit active on many days
 * receiving one very early event) keeps the days beyond the limit in its unit's state, committed
 * by the sequential `refileTransaction`s that follow, each conditional on the version before it.
 */
import type { PreparedEvent } from '../../../shared/experiments/ingest-plan';
import {
  byEventTime,
  eventTime,
  type StoredEvents,
  splitCellPeriod,
} from '../../../shared/experiments/unit-fold';
import {
  addVectors,
  type MetricObservation,
  type StatsVector,
  type UnitState,
} from '../../../shared/experiments/unit-state';
import { MAX_TRANSACTION_ITEMS } from '../dynamo-support';
import { dayItem, eventItem, refileStateItem, stateItem, type TransactItem, totalItem } from './codecs';

/** A unit's share of one round: what was read, its live events, and what they change. */
export interface UnitWork {
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
  /** The change per cell-day key this round's transaction writes. */
  delta: Map<string, StatsVector>;
  /** Changes beyond one transaction, kept in the unit's state and committed right after it. */
  refile: Map<string, StatsVector>;
  /** Refile changes the unit's state held when read, carried on by this round (not yet committed). */
  carried: ReadonlyMap<string, StatsVector>;
}

export interface Transaction {
  items: TransactItem[];
  /** For each item, the event it stores (for EVT items) or null. */
  eventOfItem: (string | null)[];
  eventIds: string[];
  /** Units whose state this transaction leaves with changes still to commit, at the version it writes. */
  refiles: { unit: string; version: number; changes: Map<string, StatsVector> }[];
}

export interface PackOptions {
  table: string;
  shards: number;
  /** The running totals have this many times the days' shards per cell. */
  totalShardFactor: number;
  random: () => number;
}

/** Statistic items for these cell-days: one per cell and day, and one running total per cell. */
export function statItemCount(cellDays: ReadonlySet<string>): number {
  return cellDays.size + new Set([...cellDays].map((k) => splitCellPeriod(k).cell)).size;
}

/** The items a group's transaction writes: its events per unit, its states, its statistic cells. */
export function groupItems(group: readonly UnitWork[]): number {
  const cells = new Set(group.flatMap((w) => [...w.delta.keys()]));
  return group.reduce((n, w) => n + w.events.length + 1, 0) + statItemCount(cells);
}

/** The items a group's transaction writes besides its statistic cells: its events and states. */
function unitItems(group: readonly UnitWork[]): number {
  return group.reduce((n, w) => n + w.events.length + 1, 0);
}

/** Units joined by an event that touches several must commit in one transaction. */
export function groupUnits(work: UnitWork[]): UnitWork[][] {
  const parent = new Map<string, string>();
  const find = (u: string): string => {
    let r = u;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
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

/** Cell-day keys in day order, then cell order. */
function byDay(a: string, b: string): number {
  const x = splitCellPeriod(a);
  const y = splitCellPeriod(b);
  if (x.period !== y.period) return x.period < y.period ? -1 : 1;
  return x.cell < y.cell ? -1 : x.cell > y.cell ? 1 : 0;
}

/**
 * Fits the groups into transactions. However the batch's events spread over units, each
 * transaction must stay within DynamoDB's limit: a group of joined units that would not fit
 * commits its earlier half now and defers the rest to the next round (`compute` folds the live
 * events again), which reads the states this one wrote. A group down to one event that still
 * would not fit keeps its latest days' changes for the refile transactions.
 */
export function fitGroups(compute: () => UnitWork[][], defer: (id: string) => void): UnitWork[][] {
  let groups = compute();
  for (;;) {
    // Halving stops once the events and states take at most half a transaction: the days beyond
    // it are refiled after it (a unit's back-dated events change every later day it has, however
    // few of them commit together).
    const oversize = groups.filter(
      (g) => groupItems(g) > MAX_TRANSACTION_ITEMS && unitItems(g) > MAX_TRANSACTION_ITEMS / 2,
    );
    if (oversize.length === 0) break;
    let shrunk = false;
    for (const g of oversize) {
      const events = [...new Map(g.flatMap((w) => w.events.map((e) => [e.id, e] as const))).values()];
      if (events.length < 2) continue;
      events.sort(byEventTime);
      for (const e of events.slice(Math.ceil(events.length / 2))) defer(e.id);
      shrunk = true;
    }
    if (!shrunk) break;
    groups = compute();
  }
  for (const g of groups) {
    // Each unit's cell-days sorted once: the latest is taken off the end, one after another.
    const sorted = new Map<UnitWork, string[]>();
    while (groupItems(g) > MAX_TRANSACTION_ITEMS) {
      const w = g.reduce((a, b) => (b.delta.size > a.delta.size ? b : a));
      if (w.delta.size === 0) break;
      const keys = sorted.get(w) ?? [...w.delta.keys()].sort(byDay);
      sorted.set(w, keys);
      const latest = keys.pop() ?? '';
      const change = w.delta.get(latest);
      w.delta.delete(latest);
      if (change) addVectors(w.refile, new Map([[latest, change]]));
    }
  }
  return groups;
}

/** Day items of `changes` and their cells' running totals, in one day shard and one total shard. */
function statItems(
  table: string,
  changes: Iterable<[string, StatsVector]>,
  dayShard: number,
  totalShard: number,
) {
  const days = new Map<string, StatsVector>();
  for (const [cellDay, d] of changes) addVectors(days, new Map([[cellDay, d]]));
  const grand = new Map<string, StatsVector>();
  for (const [cellDay, d] of days) addVectors(grand, new Map([[splitCellPeriod(cellDay).cell, d]]));
  return [
    ...[...days].map(([cellDay, d]) => dayItem(table, cellDay, dayShard, d)),
    ...[...grand].map(([cell, d]) => totalItem(table, cell, totalShard, d)),
  ];
}

export function buildTransactions(groups: UnitWork[][], writer: string, options: PackOptions): Transaction[] {
  const { table, shards, totalShardFactor, random } = options;
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
    const changes: [string, StatsVector][] = [];
    const refiles: Transaction['refiles'] = [];
    for (const w of current.work) {
      for (const e of w.events) {
        items.push(eventItem(table, w.unit, e, writer));
        eventOfItem.push(e.id);
        eventIds.add(e.id);
      }
      const lastAt = Math.max(w.lastAt ?? Number.NEGATIVE_INFINITY, ...w.events.map(eventTime));
      items.push(stateItem(table, w.unit, w.version, w.after, lastAt, w.refile));
      eventOfItem.push(null);
      if (w.refile.size > 0) refiles.push({ unit: w.unit, version: w.version + 1, changes: w.refile });
      changes.push(...w.delta);
    }
    // Every transaction adds to its cells' totals: spread over more shards than the days' items,
    // or concurrent writers would keep meeting on the same few items.
    const totalShard = Math.floor(random() * shards * totalShardFactor);
    for (const item of statItems(table, changes, shard, totalShard)) {
      items.push(item);
      eventOfItem.push(null);
    }
    out.push({ items, eventOfItem, eventIds: [...eventIds], refiles });
    current = { work: [], cells: new Set(), items: 0 };
  };
  for (const group of groups) {
    const cells = new Set(group.flatMap((w) => [...w.delta.keys()]));
    const own = group.reduce((n, w) => n + w.events.length + 1, 0);
    // A group carrying refile changes commits alone: the refile transactions follow it at once.
    const alone = group.some((w) => w.refile.size > 0);
    if (
      alone ||
      current.items + own + statItemCount(new Set([...current.cells, ...cells])) > MAX_TRANSACTION_ITEMS
    )
      flush();
    current.work.push(...group);
    current.items += own;
    for (const c of cells) current.cells.add(c);
    if (alone) flush();
  }
  flush();
  return out;
}

/**
 * The next of a unit's refile transactions: as many of its remaining changes (earliest days first)
 * as fit beside the state's update, which is conditional on `version` and keeps the rest.
 */
export function refileTransaction(
  unit: string,
  version: number,
  changes: ReadonlyMap<string, StatsVector>,
  options: PackOptions,
): { items: TransactItem[]; rest: Map<string, StatsVector> } {
  const keys = [...changes.keys()].sort(byDay);
  const taken = new Set<string>();
  for (const key of keys) {
    if (statItemCount(new Set([...taken, key])) + 1 > MAX_TRANSACTION_ITEMS) break;
    taken.add(key);
  }
  const rest = new Map([...changes].filter(([key]) => !taken.has(key)));
  const shard = Math.floor(options.random() * options.shards);
  const totalShard = Math.floor(options.random() * options.shards * options.totalShardFactor);
  const stats = statItems(
    options.table,
    [...changes].filter(([key]) => taken.has(key)),
    shard,
    totalShard,
  );
  return { items: [refileStateItem(options.table, unit, version, rest), ...stats], rest };
}
