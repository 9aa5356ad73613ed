/**
 * The event store's keys and item codecs: how events, unit states, statistic cells (per day and
 * running totals) and refused-exposure counters are laid out in its one table, written and read.
 */

import type { MismatchedExposure, PreparedEvent } from '../../../shared/experiments/ingest-plan';
import { splitCellPeriod } from '../../../shared/experiments/unit-fold';
import {
  type ExposureObservation,
  type MetricObservation,
  parseCellKey,
  type StatsVector,
  type UnitState,
} from '../../../shared/experiments/unit-state';
import { decodeUnitState, encodeUnitState } from '../../../shared/experiments/unit-state-codec';
import type { AttributeValue, TransactWriteItem } from '../../aws/dynamodb-client';
import { marshallItem, unmarshallItem } from '../../aws/dynamodb-document';

export type TransactItem = TransactWriteItem;
export type Item = Record<string, AttributeValue>;

export const toItem = (o: Record<string, unknown>): Item => marshallItem(o, { removeUndefinedValues: true });
// Numbers come back as exact decimal strings: totals exceed what a float holds exactly.
export const fromItem = (i: Item): Record<string, unknown> => unmarshallItem(i, { wrapNumbers: true });

/** A number read with `wrapNumbers` (or written as a string). */
export function num(x: unknown): number {
  return Number(String((x as { value?: string }).value ?? x));
}

export const unitPk = (unit: string) => `UNIT#${unit}`;
export const statsPk = (experiment: string) => `STATS#${experiment}`;
export const healthPk = (experiment: string) => `HEALTH#${experiment}`;
export const STATE_SK = 'STATE';
export const EVENT_SK_PREFIX = 'EVT#';
export const DAY_SK_PREFIX = 'CELL#';
export const TOTAL_SK_PREFIX = 'TOTAL#';
export const MISMATCH_SK_PREFIX = 'MISMATCH#';

/** A unit's state as stored: its version (0: none yet), its state, and its latest event's time. */
export interface StoredState {
  version: number;
  state: UnitState;
  /** The latest timestamp among the unit's stored events (absent on states written before it was kept). */
  lastAt: number | undefined;
  /** Statistic changes written with the state but not yet committed (see `refileItems`). */
  refile: Map<string, StatsVector>;
}

export function stateKey(unit: string): Item {
  return toItem({ pk: unitPk(unit), sk: STATE_SK });
}

/** Statistic changes by cell-day key, as a string an item holds (bigints as decimal strings). */
export function encodeChanges(changes: ReadonlyMap<string, StatsVector>): string {
  return JSON.stringify([...changes].map(([key, v]) => [key, [...v].map(([f, n]) => [f, n.toString()])]));
}

export function decodeChanges(text: string): Map<string, StatsVector> {
  const parsed: [string, [string, string][]][] = JSON.parse(text);
  return new Map(parsed.map(([key, v]) => [key, new Map(v.map(([f, n]) => [f, BigInt(n)]))]));
}

export function decodeState(raw: Item): { unit: string; stored: StoredState } {
  const item = fromItem(raw);
  return {
    unit: String(item.pk).slice('UNIT#'.length),
    stored: {
      version: num(item.version),
      state: decodeUnitState(String(item.state)),
      lastAt: item.lastAt === undefined ? undefined : num(item.lastAt),
      refile: item.refile === undefined ? new Map() : decodeChanges(String(item.refile)),
    },
  };
}

/** One stored event of a unit, and the ingest call that wrote it. */
export type DecodedEvent =
  | { id: string; writer: unknown; metric: MetricObservation }
  | { id: string; writer: unknown; exposure: ExposureObservation }
  | { id: string; writer: unknown };

export function decodeEvent(raw: Item): DecodedEvent {
  const item = fromItem(raw);
  const id = String(item.sk).slice(EVENT_SK_PREFIX.length);
  if (item.t === 'm')
    return {
      id,
      writer: item.w,
      metric: { id, metric: String(item.metric), value: BigInt(String(item.value)), at: num(item.at) },
    };
  if (item.t === 'x')
    return {
      id,
      writer: item.w,
      exposure: {
        id,
        experiment: String(item.experiment),
        variant: String(item.variant),
        channel: String(item.channel),
        at: num(item.at),
      },
    };
  return { id, writer: item.w };
}

/** A statistic item's sort key and its vector (zeros left out). */
export function decodeStat(raw: Item): [string, StatsVector] {
  const item = fromItem(raw);
  const v: StatsVector = new Map();
  for (const [field, value] of Object.entries(item)) {
    if (field === 'pk' || field === 'sk') continue;
    const n = BigInt(String((value as { value?: string }).value ?? value));
    if (n !== 0n) v.set(field, n);
  }
  return [String(item.sk), v];
}

/**
 * `writer` names the ingest call that stores the event: when an answer was lost and the retry
 * finds the event stored, only its own mark makes it this call's `accepted`; anyone else's is a
 * `duplicate`, or a concurrent resend of the same batch would answer `accepted` twice.
 */
export function eventItem(table: string, unit: string, e: PreparedEvent, writer: string): TransactItem {
  const base = { pk: unitPk(unit), sk: `${EVENT_SK_PREFIX}${e.id}`, w: writer };
  const item = e.metric
    ? { ...base, t: 'm', metric: e.metric.metric, value: e.metric.value.toString(), at: e.metric.at }
    : {
        ...base,
        t: 'x',
        experiment: e.exposure?.experiment,
        variant: e.exposure?.variant,
        channel: e.exposure?.channel,
        at: e.exposure?.at,
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

/** The unit's new state, conditional on the version read (absent: none stored yet). */
export function stateItem(
  table: string,
  unit: string,
  version: number,
  state: UnitState,
  lastAt: number,
  refile: ReadonlyMap<string, StatsVector>,
): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: toItem({
        pk: unitPk(unit),
        sk: STATE_SK,
        version: version + 1,
        state: encodeUnitState(state),
        lastAt,
        refile: refile.size > 0 ? encodeChanges(refile) : undefined,
      }),
      ...(version === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: toItem({ ':v': version }) }),
    },
  };
}

/** The unit's state with its remaining refile changes, conditional on the version read. */
export function refileStateItem(
  table: string,
  unit: string,
  version: number,
  rest: ReadonlyMap<string, StatsVector>,
): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: stateKey(unit),
      UpdateExpression:
        rest.size > 0 ? 'SET version = :next, refile = :rest' : 'SET version = :next REMOVE refile',
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: toItem({
        ':v': version,
        ':next': version + 1,
        ...(rest.size > 0 ? { ':rest': encodeChanges(rest) } : {}),
      }),
    },
  };
}

function addUpdate(table: string, key: Item, delta: StatsVector): TransactItem {
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
      Key: key,
      UpdateExpression: `ADD ${parts.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: toItem(values),
    },
  };
}

/** Adds a cell's change in one day to one of its shards. */
export function dayItem(table: string, cellDay: string, shard: number, delta: StatsVector): TransactItem {
  const { cell, period: day } = splitCellPeriod(cellDay);
  const { experiment, variant, channel } = parseCellKey(cell);
  return addUpdate(
    table,
    toItem({ pk: statsPk(experiment), sk: `${DAY_SK_PREFIX}${variant}#${channel}#${day}#${shard}` }),
    delta,
  );
}

/**
 * The cell's running total over all days, beside its days: results read these, so their cost
 * does not grow with the days an experiment runs (every day is rolled up as it is written).
 */
export function totalItem(table: string, cell: string, shard: number, delta: StatsVector): TransactItem {
  const { experiment, variant, channel } = parseCellKey(cell);
  return addUpdate(
    table,
    toItem({ pk: statsPk(experiment), sk: `${TOTAL_SK_PREFIX}${variant}#${channel}#${shard}` }),
    delta,
  );
}

/** A refused exposure's event item, written only if its id is new under its unit. */
export function mismatchEventItem(table: string, m: MismatchedExposure): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: toItem({
        pk: unitPk(m.unit),
        sk: `${EVENT_SK_PREFIX}${m.id}`,
        t: 'r',
        experiment: m.experiment,
        channel: m.channel,
        at: m.at,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Adds `n` to a channel's refused-exposure counter, in one of its shards. */
export function mismatchCounterItem(
  table: string,
  experiment: string,
  channel: string,
  shard: number,
  n: number,
): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: toItem({ pk: healthPk(experiment), sk: `${MISMATCH_SK_PREFIX}${channel}#${shard}` }),
      UpdateExpression: 'ADD #n :n',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: toItem({ ':n': n }),
    },
  };
}
