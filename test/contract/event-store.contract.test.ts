// One contract, two event stores: in memory and DynamoDB give the same outcomes, cells, days and refused-exposure counts for the same events, sent in any order and batching, twice.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoEventStore } from '../../functions/stores/dynamo-event-store';
import { createMemoryEventStore } from '../../functions/stores/memory/memory-event-store';
import { type MismatchedExposure, type PreparedEvent, unitKey } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import type { EventStore } from '../../shared/store/event-store';
import { type DynamoFixture, dynamoFixture } from './stores';

const catalogue: MetricDefinition[] = [
  { key: 'loan_submitted', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'CNY' },
];
const DAY = 86_400_000;
const START = Date.parse('2026-10-05T00:00:00Z');
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('events');
});
afterAll(() => dynamo?.client.destroy());

const IMPLEMENTATIONS: [string, () => EventStore][] = [
  ['in memory', () => createMemoryEventStore()],
  ['DynamoDB', () => createDynamoEventStore(dynamo.client, { table: dynamo.tables.events, shards: 2 })],
];

const drawn = fc.record({
  unit: fc.integer({ min: 0, max: 2 }),
  exposure: fc.boolean(),
  variant: fc.integer({ min: 0, max: 1 }),
  metric: fc.integer({ min: 0, max: 1 }),
  value: fc.integer({ min: 0, max: 9 }),
  offset: fc.integer({ min: 0, max: 3 * DAY }),
});

type Drawn = typeof drawn extends fc.Arbitrary<infer T> ? T : never;

function prepared(run: string, draws: Drawn[]): PreparedEvent[] {
  return draws.map((d, i): PreparedEvent => {
    const id = `${run}-e${i}`;
    const units = [unitKey('test', 'customer', `${run}-u${d.unit}`)];
    const at = START + d.offset;
    if (d.exposure)
      return {
        id,
        units,
        exposure: { id, experiment: run, variant: ['control', 'treatment'][d.variant], channel: 'web', at },
      };
    const metric = catalogue[d.metric];
    const value = metric.kind === 'conversion' ? BigInt(d.value % 2) * 10_000n : BigInt(d.value) * 10_000n;
    return { id, units, metric: { id, metric: metric.key, value, at } };
  });
}

/** The cells of exactly the events timestamped up to the end of `day`. */
function expected(events: PreparedEvent[], day: string): Map<string, StatsVector> {
  const byUnit = new Map<string, PreparedEvent[]>();
  for (const e of events)
    if (dayOf((e.exposure ?? e.metric)?.at ?? 0) <= day)
      byUnit.set(e.units[0], [...(byUnit.get(e.units[0]) ?? []), e]);
  const totals = new Map<string, StatsVector>();
  for (const es of byUnit.values())
    addVectors(
      totals,
      unitContributions(
        unitStateFromEvents(
          es.flatMap((e) => (e.exposure ? [e.exposure] : [])),
          es.flatMap((e) => (e.metric ? [e.metric] : [])),
        ),
        catalogue,
      ),
    );
  return totals;
}

describe.each(IMPLEMENTATIONS)('the event store contract: %s', (name, make) => {
  let run = 0;
  const tag = name === 'DynamoDB' ? 'd' : 'm';

  it('stores each event once, in any order and batching, and its days add up to the events up to each', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(drawn, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 2 ** 30 }),
        async (draws, batch, seed) => {
          run++;
          const experiment = `c${tag}${run}`;
          const events = prepared(experiment, draws);
          const order = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), {
            seed,
            numRuns: 1,
          })[0];
          const store = make();
          const first = new Map<string, string>();
          for (let i = 0; i < order.length; i += batch)
            for (const [id, o] of await store.ingest(order.slice(i, i + batch), catalogue)) first.set(id, o);
          expect([...first.values()].every((o) => o === 'accepted')).toBe(true);
          // Sent again, whole: every event a duplicate, nothing counted twice.
          const again = await store.ingest(events, catalogue);
          expect([...again.values()].every((o) => o === 'duplicate')).toBe(true);
          expect(again.size).toBe(events.length);

          expect(await store.readCells(experiment)).toEqual(expected(events, '9999-12-31'));
          const running = new Map<string, StatsVector>();
          for (const [day, cells] of await store.readDailyCells(experiment)) {
            addVectors(running, cells);
            expect({ day, cells: running }).toEqual({ day, cells: expected(events, day) });
          }
        },
      ),
      { numRuns: name === 'DynamoDB' ? 6 : 40 },
    );
  }, 60_000);

  it('counts a refused exposure once per id, and an unknown experiment reads empty', async () => {
    const store = make();
    const refused = (id: string, channel: string): MismatchedExposure => ({
      id,
      unit: unitKey('test', 'customer', `${tag}-refused-${id}`),
      experiment: `refused-${tag}`,
      channel,
      at: START,
    });
    await store.recordMismatches([refused('a', 'web'), refused('b', 'web'), refused('c', 'atm')]);
    await store.recordMismatches([refused('a', 'web'), refused('c', 'atm')]);
    expect(await store.readAssignmentMismatches(`refused-${tag}`)).toEqual(
      new Map([
        ['web', 2],
        ['atm', 1],
      ]),
    );
    expect(await store.readAssignmentMismatches('nothing-here')).toEqual(new Map());
    expect(await store.readCells('nothing-here')).toEqual(new Map());
    expect(await store.readDailyCells('nothing-here')).toEqual(new Map());
  });
});
