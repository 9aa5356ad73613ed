// History by event time, through the real store: under any arrival order and batching, each day's running total equals a brute-force recomputation from the events timestamped up to that day's end.

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
  {
    key: 'wait_minutes',
    name: 'Wait',
    kind: 'mean-of-events',
    direction: 'lower-is-better',
    unit: 'minutes',
  },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'CNY' },
];

const DAY = 86_400_000;
const START = Date.parse('2026-11-02T00:00:00Z');
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let client: DynamoDbClient;
const TABLE = `event-history-test-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  client = localDynamoClient();
  await createKeyedTable(client, TABLE);
});

afterAll(() => {
  client?.destroy();
});

interface Drawn {
  unit: number;
  exposure: boolean;
  variant: number;
  channel: number;
  metric: number;
  value: number;
  /** Offset from the start, in ms: up to five days, so several days and several events per day. */
  offset: number;
}

const drawnEvent = fc.record({
  unit: fc.integer({ min: 0, max: 4 }),
  exposure: fc.boolean(),
  variant: fc.integer({ min: 0, max: 1 }),
  channel: fc.integer({ min: 0, max: 2 }),
  metric: fc.integer({ min: 0, max: catalogue.length - 1 }),
  value: fc.integer({ min: 0, max: 60_000 }),
  offset: fc.integer({ min: 0, max: 5 * DAY - 1 }),
});

function prepared(run: number, drawn: Drawn[]): PreparedEvent[] {
  return drawn.map((d, i): PreparedEvent => {
    const id = `h${run}-e${i}`;
    const unit = unitKey('test', 'customer', `h${run}-u${d.unit}`);
    const at = START + d.offset;
    if (d.exposure) {
      return {
        id,
        units: [unit],
        exposure: {
          id,
          experiment: `hist${run}`,
          variant: ['control', 'treatment'][d.variant],
          channel: ['mobile', 'branch', 'atm'][d.channel],
          at,
        },
      };
    }
    const metric = catalogue[d.metric];
    const value = metric.kind === 'conversion' ? BigInt(d.value % 2) * 10_000n : BigInt(d.value);
    return { id, units: [unit], metric: { id, metric: metric.key, value, at } };
  });
}

/** The statistics from exactly the events timestamped up to the end of `day`, from scratch. */
function bruteForceUpTo(events: PreparedEvent[], day: string): Map<string, StatsVector> {
  const byUnit = new Map<string, { x: ExposureObservation[]; m: MetricObservation[] }>();
  for (const e of events) {
    const at = (e.exposure ?? e.metric)?.at ?? 0;
    if (dayOf(at) > day) continue;
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

describe('history by event time through DynamoDB Local', () => {
  let run = 0;

  it('each day of the history equals the brute-force results of the events up to its end, in any arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(drawnEvent, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 12 }),
        async (drawn, seed, batchSize) => {
          run++;
          const events = prepared(run, drawn);
          // Any arrival order: a seeded permutation of the events, sent in batches.
          const order = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
            seed,
            numRuns: 1,
          })[0];
          const store = createDynamoEventStore(client, { table: TABLE, shards: 3 });
          for (let i = 0; i < order.length; i += batchSize) {
            await store.ingest(order.slice(i, i + batchSize), catalogue);
          }
          const experiment = `hist${run}`;
          const stored = await store.readDailyCells(experiment);
          const eventDays = [...new Set(events.map((e) => dayOf((e.exposure ?? e.metric)?.at ?? 0)))].sort();
          const running = new Map<string, StatsVector>();
          const storedDays = [...stored.keys()];
          for (const day of eventDays) {
            for (const d of storedDays.filter((x) => x <= day))
              addVectors(running, stored.get(d) ?? new Map());
            storedDays.splice(0, storedDays.filter((x) => x <= day).length);
            const expected = new Map(
              [...bruteForceUpTo(events, day)].filter(([k]) => k.startsWith(`${experiment}\u0000`)),
            );
            expect({ day, cells: running }).toEqual({ day, cells: expected });
          }
          // The results read (running totals, never the days) equals all the events at once.
          const all = new Map(
            [...bruteForceUpTo(events, '9999-12-31')].filter(([k]) => k.startsWith(`${experiment}\u0000`)),
          );
          expect(await store.readCells(experiment)).toEqual(all);
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);

  it('a branch uploading yesterday after today: the day before shows only what happened by then', async () => {
    run++;
    const experiment = `hist${run}`;
    const unit = unitKey('test', 'customer', `late-${run}`);
    const today: PreparedEvent = {
      id: `late-${run}-x2`,
      units: [unit],
      exposure: {
        id: `late-${run}-x2`,
        experiment,
        variant: 'treatment',
        channel: 'mobile',
        at: START + DAY + 5,
      },
    };
    const yesterday: PreparedEvent[] = [
      {
        id: `late-${run}-x1`,
        units: [unit],
        exposure: {
          id: `late-${run}-x1`,
          experiment,
          variant: 'treatment',
          channel: 'branch',
          at: START + 10,
        },
      },
      {
        id: `late-${run}-m1`,
        units: [unit],
        metric: { id: `late-${run}-m1`, metric: 'complaint', value: 10_000n, at: START + 20 },
      },
    ];
    const store = createDynamoEventStore(client, { table: TABLE, shards: 2 });
    await store.ingest([today], catalogue);
    await store.ingest(yesterday, catalogue);
    const days = await store.readDailyCells(experiment);
    // The first day: the unit exposed at the branch with one complaint; the mobile exposure came later.
    const first = days.get(dayOf(START));
    expect(first?.get(`${experiment}\u0000treatment\u0000branch`)?.get('n')).toBe(1n);
    expect(first?.get(`${experiment}\u0000treatment\u0000branch`)?.get('complaint:sum')).toBe(10_000n);
    expect(first?.has(`${experiment}\u0000treatment\u0000mobile`)).toBe(false);
    // The second day changes nothing: its exposure was not the unit's first.
    expect(days.get(dayOf(START + DAY))).toBeUndefined();
  }, 60_000);
});
