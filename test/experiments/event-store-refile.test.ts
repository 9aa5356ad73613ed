// A unit active on 100 days that receives one very early event refiles every day since: through DynamoDB Local, no transaction exceeds 100 items and the batch counts exactly once, also when the refile is interrupted.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbClient, TransactWriteItemsCommand } from '../../functions/aws/dynamodb-client';
import { createDynamoEventStore } from '../../functions/stores/dynamo-event-store';
import { type PreparedEvent, unitKey } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import { createKeyedTable, localDynamoClient } from '../support/dynamodb-local';

const catalogue: MetricDefinition[] = [
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'CNY' },
];

const DAY = 86_400_000;
const START = Date.parse('2026-06-01T12:00:00Z');
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TABLE = `event-refile-test-${process.pid}-${Date.now()}`;

let client: DynamoDbClient;
/** Items of every transaction sent, and a switch that fails the refile transactions. */
const sizes: number[] = [];
let failRefiles = false;

beforeAll(async () => {
  client = localDynamoClient();
  client.use(async (command, next) => {
    if (command instanceof TransactWriteItemsCommand) {
      const items = command.input.TransactItems;
      sizes.push(items.length);
      // A refile transaction opens with the update of the unit's state (SET version).
      if (failRefiles && items[0]?.Update?.UpdateExpression?.startsWith('SET version')) {
        throw Object.assign(new Error('throttled'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        });
      }
    }
    return next();
  });
  await createKeyedTable(client, TABLE);
});

afterAll(() => {
  client?.destroy();
});

/** An exposure on day 0, a spend on each of the next 100 days, and the early spend to come. */
function activeUnit(name: string): { experiment: string; active: PreparedEvent[]; early: PreparedEvent } {
  const experiment = `refile-${name}`;
  const unit = unitKey('test', 'customer', `refile-${name}`);
  const exposure: PreparedEvent = {
    id: `${name}-x`,
    units: [unit],
    exposure: { id: `${name}-x`, experiment, variant: 'treatment', channel: 'mobile', at: START },
  };
  const spend = (id: string, at: number, value: bigint): PreparedEvent => ({
    id,
    units: [unit],
    metric: { id, metric: 'spend', value, at },
  });
  const active = [
    exposure,
    ...Array.from({ length: 100 }, (_, d) =>
      spend(`${name}-m${d}`, START + (d + 1) * DAY, BigInt(10_000 + d)),
    ),
  ];
  // Before the exposure: the unit's covariate changes, so every day with spend after it changes too.
  return { experiment, active, early: spend(`${name}-early`, START - 3 * DAY, 70_000n) };
}

/** Each day's running total from the stored days, and the expected one from the events up to its end. */
function runningByDay(days: Map<string, Map<string, StatsVector>>): Map<string, Map<string, StatsVector>> {
  const running = new Map<string, StatsVector>();
  const out = new Map<string, Map<string, StatsVector>>();
  for (const [day, cells] of days) {
    addVectors(running, cells);
    out.set(day, structuredClone(running));
  }
  return out;
}

function expectedByDay(
  events: PreparedEvent[],
  days: Iterable<string>,
): Map<string, Map<string, StatsVector>> {
  const out = new Map<string, Map<string, StatsVector>>();
  for (const day of days) {
    const upTo = events.filter((e) => dayOf((e.exposure ?? e.metric)?.at ?? 0) <= day);
    const exposures = upTo.flatMap((e) => (e.exposure ? [e.exposure] : []));
    const metrics = upTo.flatMap((e) => (e.metric ? [e.metric] : []));
    out.set(day, unitContributions(unitStateFromEvents(exposures, metrics), catalogue));
  }
  return out;
}

describe('one very early event for a unit active on 100 days', () => {
  it('commits its refiled days in transactions of at most 100 items, exactly once', async () => {
    const { experiment, active, early } = activeUnit('a');
    const store = createDynamoEventStore(client, { table: TABLE, shards: 2 });
    await store.ingest(active, catalogue);
    sizes.length = 0;
    const outcomes = await store.ingest([early], catalogue);
    expect(outcomes.get(early.id)).toBe('accepted');
    // More than one transaction was needed, none over DynamoDB's limit.
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);

    const all = [...active, early];
    const days = await store.readDailyCells(experiment);
    expect(runningByDay(days)).toEqual(expectedByDay(all, days.keys()));
    const totals = unitContributions(
      unitStateFromEvents(
        all.flatMap((e) => (e.exposure ? [e.exposure] : [])),
        all.flatMap((e) => (e.metric ? [e.metric] : [])),
      ),
      catalogue,
    );
    expect(await store.readCells(experiment)).toEqual(totals);

    // Sent again: a duplicate, and nothing counts twice.
    expect((await store.ingest([early], catalogue)).get(early.id)).toBe('duplicate');
    expect(await store.readCells(experiment)).toEqual(totals);
    expect(await store.readDailyCells(experiment)).toEqual(days);
  }, 60_000);

  it('interrupted after its first transaction, the resent batch finishes the refile and counts once', async () => {
    const { experiment, active, early } = activeUnit('b');
    const store = createDynamoEventStore(client, {
      table: TABLE,
      shards: 2,
      maxAttempts: 2,
      sleep: async () => {},
    });
    await store.ingest(active, catalogue);
    failRefiles = true;
    try {
      await expect(store.ingest([early], catalogue)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      failRefiles = false;
    }
    const outcomes = await store.ingest([early], catalogue);
    expect(outcomes.get(early.id)).toBe('duplicate');
    const all = [...active, early];
    const days = await store.readDailyCells(experiment);
    expect(runningByDay(days)).toEqual(expectedByDay(all, days.keys()));
    expect(await store.readCells(experiment)).toEqual(
      unitContributions(
        unitStateFromEvents(
          all.flatMap((e) => (e.exposure ? [e.exposure] : [])),
          all.flatMap((e) => (e.metric ? [e.metric] : [])),
        ),
        catalogue,
      ),
    );
  }, 60_000);
});
