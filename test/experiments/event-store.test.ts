/** The DynamoDB event store on DynamoDB Local: sums equal to a brute-force recomputation under resends and concurrent senders, reads one item per cell and shard at any volume, and big batches of one unit or one household committed exactly once. */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbClient } from '../../functions/aws/dynamodb-client';
import { createDynamoEventStore } from '../../functions/stores/dynamo-event-store';
import { type PreparedEvent, unitKey } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  type ExposureObservation,
  type MetricObservation,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import { createKeyedTable, localDynamoClient } from '../support/dynamodb-local';

const catalogue: MetricDefinition[] = [
  { key: 'loan_submitted', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'wait_minutes', name: 'Wait', kind: 'mean', direction: 'lower-is-better', unit: 'minutes' },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
  { key: 'session', name: 'Sessions', kind: 'count', direction: 'higher-is-better', unit: 'sessions' },
  {
    key: 'complaints_per_session',
    name: 'Complaints per session',
    kind: 'ratio',
    direction: 'lower-is-better',
    unit: 'complaints',
    numerator: 'complaint',
    denominator: 'session',
  },
];

let client: DynamoDbClient;
const TABLE = `event-store-test-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  client = localDynamoClient();
  await createKeyedTable(client, TABLE);
});

afterAll(() => {
  client?.destroy();
});

/** A seeded workload: customers, exposures to two experiments, metric events around them. */
function workload(run: number, seed: number, customers: number): PreparedEvent[] {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const events: PreparedEvent[] = [];
  for (let c = 0; c < customers; c++) {
    const unit = unitKey('test', 'customer', `r${run}-c${c}`);
    const n = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < n; i++) {
      const id = `r${run}-c${c}-e${i}`;
      const at = Math.floor(rnd() * 1000);
      if (rnd() < 0.35) {
        events.push({
          id,
          units: [unit],
          exposure: {
            id,
            experiment: rnd() < 0.5 ? `a${run}` : `b${run}`,
            variant: rnd() < 0.5 ? 'control' : 'treatment',
            channel: ['mobile', 'branch', 'wechat'][Math.floor(rnd() * 3)],
            at,
          },
        });
      } else {
        events.push({
          id,
          units: [unit],
          metric: {
            id,
            metric: catalogue[Math.floor(rnd() * 4)].key,
            value: BigInt(Math.floor(rnd() * 200_000) - 20_000),
            at,
          },
        });
      }
    }
  }
  return events;
}

function bruteForce(events: PreparedEvent[]): Map<string, StatsVector> {
  const byUnit = new Map<string, { x: ExposureObservation[]; m: MetricObservation[] }>();
  for (const e of events) {
    const u = byUnit.get(e.units[0]) ?? { x: [], m: [] };
    if (e.exposure) u.x.push(e.exposure);
    if (e.metric) u.m.push(e.metric);
    byUnit.set(e.units[0], u);
  }
  const totals = new Map<string, StatsVector>();
  for (const { x, m } of byUnit.values())
    addVectors(totals, unitContributions(unitStateFromEvents(x, m), catalogue));
  return totals;
}

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 48271) % 2147483647;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function send(events: PreparedEvent[], batchSize: number, outcomes: Map<string, string[]>) {
  const store = createDynamoEventStore(client, { table: TABLE, shards: 4 });
  for (let i = 0; i < events.length; i += batchSize) {
    const result = await store.ingest(events.slice(i, i + batchSize), catalogue);
    for (const [id, outcome] of result) outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]);
  }
}

describe('DynamoDB event store', () => {
  let run = 0;

  it('keeps sums equal to a brute-force recomputation, with every event sent twice, reordered, by two concurrent senders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 5, max: 60 }),
        fc.integer({ min: 5, max: 40 }),
        async (seed, batchA, batchB) => {
          run++;
          const events = workload(run, seed, 25);
          const outcomes = new Map<string, string[]>();
          await Promise.all([
            send(shuffled(events, seed), batchA, outcomes),
            send(shuffled(events, seed + 1), batchB, outcomes),
          ]);
          for (const e of events) {
            const seen = outcomes.get(e.id) ?? [];
            expect(seen.filter((o) => o === 'accepted')).toHaveLength(1);
            expect(seen).toHaveLength(2);
          }
          const store = createDynamoEventStore(client, { table: TABLE });
          const stored = new Map<string, StatsVector>();
          for (const experiment of [`a${run}`, `b${run}`]) {
            for (const [cell, v] of await store.readCells(experiment)) stored.set(cell, v);
          }
          expect(stored).toEqual(bruteForce(events));
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);

  it('reads the same number of items at any volume: one per cell and shard', async () => {
    run++;
    const events = workload(run, 99, 60);
    const store = createDynamoEventStore(client, { table: TABLE, shards: 2 });
    const outcomes = await store.ingest(events, catalogue);
    expect([...outcomes.values()].every((o) => o === 'accepted')).toBe(true);
    const cells = await store.readCells(`a${run}`);
    expect(cells.size).toBeGreaterThan(0);
    expect(cells.size).toBeLessThanOrEqual(2 * 3);
    expect(cells).toEqual(new Map([...bruteForce(events)].filter(([k]) => k.startsWith(`a${run}\u0000`))));
  }, 60_000);
});

describe('a batch however its events spread over units', () => {
  /** `count` events of one unit over `days` days: a few exposures to two experiments, metrics around them. */
  function oneUnit(run: string, count: number, days: number): PreparedEvent[] {
    const unit = unitKey('test', 'customer', `${run}-only`);
    return Array.from({ length: count }, (_, i): PreparedEvent => {
      const id = `${run}-e${i}`;
      const at = (i % days) * 86_400_000 + i;
      if (i % 50 === 7)
        return {
          id,
          units: [unit],
          exposure: {
            id,
            experiment: i % 100 === 7 ? `${run}-a` : `${run}-b`,
            variant: 'treatment',
            channel: ['mobile', 'web'][i % 2],
            at,
          },
        };
      return {
        id,
        units: [unit],
        metric: { id, metric: catalogue[i % 4].key, value: BigInt((i % 17) * 10_000), at },
      };
    });
  }

  it('commits 500 events of one customer over 30 days exactly once, also sent twice at once and again', async () => {
    const events = oneUnit('solo', 500, 30);
    const outcomes = new Map<string, string[]>();
    await Promise.all([send(events, 500, outcomes), send(shuffled(events, 3), 500, outcomes)]);
    await send(events, 500, outcomes);
    for (const e of events) {
      const seen = outcomes.get(e.id) ?? [];
      expect(seen.filter((o) => o === 'accepted')).toHaveLength(1);
      expect(seen).toHaveLength(3);
    }
    const store = createDynamoEventStore(client, { table: TABLE });
    const stored = new Map<string, StatsVector>();
    for (const experiment of ['solo-a', 'solo-b'])
      for (const [cell, v] of await store.readCells(experiment)) stored.set(cell, v);
    expect(stored.size).toBeGreaterThan(0);
    expect(stored).toEqual(bruteForce(events));
  }, 120_000);

  it('commits 500 events of 500 customers who share one household in one transaction group at a time', async () => {
    const household = unitKey('test', 'household', 'hh-shared');
    const events: PreparedEvent[] = Array.from({ length: 500 }, (_, i) => {
      const id = `hh-e${i}`;
      const customer = unitKey('test', 'customer', `hh-c${i}`);
      return i === 0
        ? {
            id,
            units: [household],
            exposure: { id, experiment: 'hh-a', variant: 'control', channel: 'branch', at: 0 },
          }
        : {
            id,
            units: [customer, household],
            metric: { id, metric: 'complaint', value: 10_000n, at: i * 3_600_000 },
          };
    });
    const store = createDynamoEventStore(client, { table: TABLE, shards: 2 });
    const outcomes = await store.ingest(events, catalogue);
    expect([...outcomes.values()].filter((o) => o === 'accepted')).toHaveLength(500);
    const cells = await store.readCells('hh-a');
    const [vector] = [...cells.values()];
    expect(vector.get('n')).toBe(1n);
    expect([...cells.values()].length).toBe(1);
    const byHousehold = bruteForce(events.map((e) => ({ ...e, units: [household] })));
    expect(cells).toEqual(byHousehold);
  }, 120_000);
});
