/**
 * Attack (session 6, finding 3): one exposed customer's metric events on many distinct past days,
 * sent newest first, used to make every round of the batch refile every later day the customer
 * had (measured in DynamoDB Local: 300 such events after 300 later ones cost 1,800 requests and 180 s). The DynamoDB
 * requests a batch costs, counted at the client, are now bounded by a small share of the batch in
 * both orders, and the statistics (totals and days) are exactly those of the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoEventStore } from '../../functions/stores/dynamo-event-store';
import { type PreparedEvent, unitKey } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import { type DynamoFixture, dynamoFixture } from '../contract/stores';

const catalogue: MetricDefinition[] = [
  { key: 'atk_count', name: 'Count', kind: 'count', direction: 'lower-is-better', unit: 'n' },
];
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const BATCH = 120;

let dynamo: DynamoFixture;
let requests = 0;
beforeAll(async () => {
  dynamo = await dynamoFixture('backdated');
  dynamo.client.use(async (_command, next) => {
    requests++;
    return next();
  });
});
afterAll(() => dynamo?.client.destroy());

/** Sums a map of cell → vector over its cells (the days' changes, the totals' shards). */
function summed(maps: Iterable<Map<string, StatsVector>>): Map<string, StatsVector> {
  const out = new Map<string, StatsVector>();
  for (const m of maps) addVectors(out, m);
  return out;
}

describe('back-dated metric events of one exposed customer', () => {
  for (const [order, exposedDaysAgo] of [
    ['newest first', 1000],
    ['oldest first', 1000],
    ['newest first', 0],
  ] as const) {
    it(`two batches of ${BATCH} events on distinct past days, ${order}, exposed ${exposedDaysAgo} days ago: bounded requests, exact statistics`, async () => {
      const store = createDynamoEventStore(dynamo.client, { table: dynamo.tables.events, shards: 2 });
      const run = `${order.split(' ')[0]}-${exposedDaysAgo}`;
      const units = [unitKey('production', 'customer', `cust-${run}`)];
      const exposure = {
        id: `${run}-x`,
        experiment: run,
        variant: 'treatment',
        channel: 'mobile',
        at: NOW - exposedDaysAgo * DAY - 1000,
      };
      await store.ingest([{ id: exposure.id, units, exposure }], catalogue);
      // Batch 0 the customer's latest days, batch 1 the days before them (newest first), or the reverse.
      const days = Array.from({ length: 2 * BATCH }, (_, i) => i + 1);
      if (order === 'oldest first') days.reverse();
      const metrics = days.map((d) => ({
        id: `${run}-m${d}`,
        metric: 'atk_count',
        value: 10_000n,
        at: NOW - d * DAY,
      }));
      for (let b = 0; b < 2; b++) {
        const events: PreparedEvent[] = metrics.slice(b * BATCH, (b + 1) * BATCH).map((metric) => ({
          id: metric.id,
          units,
          metric,
        }));
        requests = 0;
        const outcomes = await store.ingest(events, catalogue);
        expect([...outcomes.values()].filter((o) => o === 'accepted')).toHaveLength(BATCH);
        // Before the fix, newest first with the exposure in the past: 1,800 requests for 300 such events.
        expect(requests).toBeLessThanOrEqual(BATCH / 4);
      }
      const expected = unitContributions(unitStateFromEvents([exposure], metrics), catalogue);
      expect(await store.readCells(run)).toEqual(expected);
      expect(summed((await store.readDailyCells(run)).values())).toEqual(expected);
      // A resend counts nothing again.
      const again = await store.ingest(
        metrics.slice(0, BATCH).map((metric) => ({ id: metric.id, units, metric })),
        catalogue,
      );
      expect(new Set(again.values())).toEqual(new Set(['duplicate']));
      expect(await store.readCells(run)).toEqual(expected);
    }, 60_000);
  }
});
