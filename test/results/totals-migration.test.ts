// Statistics stored before the running totals existed: through DynamoDB Local, an experiment whose
// early events have only day items, and later events days and totals, reads the same cells and
// results after the totals migration as a fresh ingestion of the same events; running it again
// changes nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriteItemCommand,
  type DynamoDbClient,
  QueryCommand,
} from '../../functions/aws/dynamodb-client';
import { createDynamoEventStore } from '../../functions/stores/dynamo-event-store';
import { migrateExperimentTotals, migrateTotals } from '../../functions/stores/totals-migration';
import { type PreparedEvent, unitKey } from '../../shared/experiments/ingest-plan';
import { buildResults } from '../../shared/experiments/results';
import {
  addVectors,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import { seededRandom } from '../../shared/simulation/simulation';
import { createKeyedTable, localDynamoClient } from '../support/dynamodb-local';
import { experiment } from './fixtures';

const catalogue: MetricDefinition[] = [
  { key: 'applied', name: 'Applied', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'CNY' },
];
const EXPERIMENT = 'totals-migration';
const DAY = 86_400_000;
const START = Date.parse('2026-06-01T09:00:00Z');
const stamp = `${process.pid}-${Date.now()}`;
const OLD = `totals-old-${stamp}`;
const FRESH = `totals-fresh-${stamp}`;

let client: DynamoDbClient;

beforeAll(async () => {
  client = localDynamoClient();
  await Promise.all([createKeyedTable(client, OLD), createKeyedTable(client, FRESH)]);
});

afterAll(() => {
  client?.destroy();
});

/**
 * 90 customers over 6 days on two channels: an exposure, then applications and spend; `late`
 * are the events of days 4 to 6 (some of the same customers, some new), sent after the change.
 */
function events(): { early: PreparedEvent[]; late: PreparedEvent[] } {
  const random = seededRandom(16);
  const early: PreparedEvent[] = [];
  const late: PreparedEvent[] = [];
  for (let i = 0; i < 90; i++) {
    const unit = unitKey('test', 'customer', `c${i}`);
    const firstDay = i < 60 ? Math.floor(random() * 3) : 3 + Math.floor(random() * 3);
    const at = (day: number) => START + day * DAY + Math.floor(random() * DAY * 0.9);
    const into = (day: number) => (day < 3 ? early : late);
    const x = `c${i}-x`;
    into(firstDay).push({
      id: x,
      units: [unit],
      exposure: {
        id: x,
        experiment: EXPERIMENT,
        variant: i % 2 === 0 ? 'control' : 'banner',
        channel: i % 3 === 0 ? 'branch' : 'mobile',
        at: at(firstDay),
      },
    });
    for (let day = firstDay; day < 6; day++) {
      if (random() < 0.3) {
        const id = `c${i}-s${day}`;
        into(day).push({
          id,
          units: [unit],
          metric: { id, metric: 'spend', value: BigInt(Math.floor(random() * 5000)), at: at(day) },
        });
      }
      if (random() < 0.1) {
        const id = `c${i}-a${day}`;
        into(day).push({ id, units: [unit], metric: { id, metric: 'applied', value: 1n, at: at(day) } });
      }
    }
  }
  return { early, late };
}

/** What statistics stored before the change look like: their `TOTAL#` items were never written. */
async function dropTotals(table: string): Promise<number> {
  const res = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':pk': { S: `STATS#${EXPERIMENT}` }, ':t': { S: 'TOTAL#' } },
      ProjectionExpression: 'pk, sk',
    }),
  );
  const keys = res.Items ?? [];
  for (let i = 0; i < keys.length; i += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
      }),
    );
  }
  return keys.length;
}

describe('the totals migration', () => {
  it('makes pre-change cells read as a fresh ingestion of the same events, and is idempotent', async () => {
    const { early, late } = events();
    expect(early.length).toBeGreaterThan(40);
    expect(late.length).toBeGreaterThan(40);
    const old = createDynamoEventStore(client, { table: OLD, shards: 2 });
    const fresh = createDynamoEventStore(client, { table: FRESH, shards: 2 });

    // Before the change: days only. After it: days and totals.
    await old.ingest(early, catalogue);
    expect(await dropTotals(OLD)).toBeGreaterThan(0);
    await old.ingest(late, catalogue);
    await fresh.ingest([...early, ...late], catalogue);

    const all = [...early, ...late];
    // Brute force: each customer's events folded on their own, summed.
    const truth = new Map<string, StatsVector>();
    for (const unit of new Set(all.map((e) => e.units[0]))) {
      const own = all.filter((e) => e.units[0] === unit);
      const state = unitStateFromEvents(
        own.flatMap((e) => (e.exposure ? [e.exposure] : [])),
        own.flatMap((e) => (e.metric ? [e.metric] : [])),
      );
      addVectors(truth, unitContributions(state, catalogue));
    }
    expect(await fresh.readCells(EXPERIMENT)).toEqual(truth);
    // The defect: with both, only the new totals are read, and the early events count nowhere.
    expect(await old.readCells(EXPERIMENT)).not.toEqual(truth);
    const daysBefore = await old.readDailyCells(EXPERIMENT);

    const report = await migrateTotals(client, OLD, [EXPERIMENT]);
    expect(report.alreadyDone).toBe(false);
    expect(report.experiments).toHaveLength(1);
    expect(report.experiments[0].migrated).toBeGreaterThan(0);

    const cells = await old.readCells(EXPERIMENT);
    expect(cells).toEqual(truth);
    expect(cells).toEqual(await fresh.readCells(EXPERIMENT));
    expect(await old.readDailyCells(EXPERIMENT)).toEqual(daysBefore);
    const e = experiment({
      key: EXPERIMENT,
      channels: ['mobile', 'branch'],
      primaryMetric: 'applied',
      secondaryMetrics: ['spend'],
      guardrails: [],
    });
    const results = (c: typeof cells) => buildResults({ experiment: e, catalogue, cells: c });
    expect(results(cells)).toEqual(results(await fresh.readCells(EXPERIMENT)));

    // Again: the mark ends it at once; forced per experiment, nothing is written.
    expect(await migrateTotals(client, OLD, [EXPERIMENT])).toEqual({ alreadyDone: true, experiments: [] });
    expect(await migrateExperimentTotals(client, OLD, EXPERIMENT)).toMatchObject({ migrated: 0 });
    expect(await old.readCells(EXPERIMENT)).toEqual(truth);

    // Events after the migration count once, as in the fresh table.
    const more: PreparedEvent[] = [
      {
        id: 'c1-late',
        units: [unitKey('test', 'customer', 'c1')],
        metric: { id: 'c1-late', metric: 'spend', value: 777n, at: START + 6 * DAY },
      },
    ];
    await old.ingest(more, catalogue);
    await fresh.ingest(more, catalogue);
    expect(await old.readCells(EXPERIMENT)).toEqual(await fresh.readCells(EXPERIMENT));
  }, 60_000);
});
