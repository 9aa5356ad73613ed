/**
 * The event store's reads, all strongly consistent and through one paging helper: units' states
 * (batched), a unit's stored events, the statistic cells per day and their running totals, and the
 * refused-exposure counters.
 */

import {
  addVectors,
  cellKey,
  type ExposureObservation,
  type MetricObservation,
  type StatsVector,
} from '../../../shared/experiments/unit-state';
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDbClient,
  QueryCommand,
  type QueryCommandOutput,
} from '../../aws/dynamodb-client';
import {
  DAY_SK_PREFIX,
  decodeEvent,
  decodeStat,
  decodeState,
  EVENT_SK_PREFIX,
  fromItem,
  healthPk,
  type Item,
  MISMATCH_SK_PREFIX,
  num,
  type StoredState,
  stateKey,
  statsPk,
  TOTAL_SK_PREFIX,
  toItem,
  unitPk,
} from './codecs';

/** Keys read per BatchGetItem: DynamoDB's limit. */
const KEYS_PER_BATCH = 100;

/** Every item of partition `pk` whose sort key begins with `prefix`, page after page. */
export async function queryPrefix(
  client: DynamoDbClient,
  table: string,
  pk: string,
  prefix: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const res: QueryCommandOutput = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: toItem({ ':pk': pk, ':prefix': prefix }),
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The units' stored states; a unit without one is absent. */
export async function readStates(
  client: DynamoDbClient,
  table: string,
  units: readonly string[],
): Promise<Map<string, StoredState>> {
  const out = new Map<string, StoredState>();
  for (let i = 0; i < units.length; i += KEYS_PER_BATCH) {
    let keys: Item[] | undefined = units.slice(i, i + KEYS_PER_BATCH).map(stateKey);
    while (keys && keys.length > 0) {
      const res: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const raw of res.Responses?.[table] ?? []) {
        const { unit, stored } = decodeState(raw);
        out.set(unit, stored);
      }
      keys = res.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return out;
}

/** The unit's stored events, and every stored event id with the ingest call that wrote it. */
export async function readHistory(
  client: DynamoDbClient,
  table: string,
  unit: string,
): Promise<{ metrics: MetricObservation[]; exposures: ExposureObservation[]; ids: Map<string, unknown> }> {
  const metrics: MetricObservation[] = [];
  const exposures: ExposureObservation[] = [];
  const ids = new Map<string, unknown>();
  for (const raw of await queryPrefix(client, table, unitPk(unit), EVENT_SK_PREFIX)) {
    const e = decodeEvent(raw);
    ids.set(e.id, e.writer);
    if ('metric' in e) metrics.push(e.metric);
    if ('exposure' in e) exposures.push(e.exposure);
  }
  return { metrics, exposures, ids };
}

/** The statistics' changes per day of the events that made them: variants × channels × days × shards items. */
export async function readDays(
  client: DynamoDbClient,
  table: string,
  experiment: string,
): Promise<Map<string, Map<string, StatsVector>>> {
  const days = new Map<string, Map<string, StatsVector>>();
  for (const raw of await queryPrefix(client, table, statsPk(experiment), DAY_SK_PREFIX)) {
    const [sk, v] = decodeStat(raw);
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
export async function readTotals(
  client: DynamoDbClient,
  table: string,
  experiment: string,
): Promise<Map<string, StatsVector>> {
  const cells = new Map<string, StatsVector>();
  const totals = (await queryPrefix(client, table, statsPk(experiment), TOTAL_SK_PREFIX)).map(decodeStat);
  if (totals.length === 0) {
    for (const byCell of (await readDays(client, table, experiment)).values()) addVectors(cells, byCell);
    return cells;
  }
  for (const [sk, v] of totals) {
    const [, variant, channel] = sk.split('#');
    addVectors(cells, new Map([[cellKey(experiment, variant, channel), v]]));
  }
  return cells;
}

/** Refused exposures per channel, summed over the counter's shards. */
export async function readMismatches(
  client: DynamoDbClient,
  table: string,
  experiment: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const raw of await queryPrefix(client, table, healthPk(experiment), MISMATCH_SK_PREFIX)) {
    const item = fromItem(raw);
    const channel = String(item.sk).split('#')[1];
    out.set(channel, (out.get(channel) ?? 0) + num(item.n));
  }
  return out;
}
