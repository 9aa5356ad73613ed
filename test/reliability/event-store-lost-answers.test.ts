/**
 * The exactly-once store when DynamoDB's answer to a commit is lost (a connection reset, a killed
 * database): the retry finds the events stored and must tell its own earlier commit (`accepted`)
 * from another request's (`duplicate`). Found by the faults suite: a batch sent again while its
 * first answer was in flight was answered `accepted` twice (counted once).
 */

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbClient, TransactWriteItemsCommand } from '../../functions/aws/dynamodb-client';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import { createDynamoEventStore } from '../../functions/stores/dynamo-event-store';
import { tableName } from '../../functions/tables/tables';
import { createTables } from '../../local/create-tables';
import { type PreparedEvent, unitKey } from '../../shared/experiments/ingest-plan';
import type { MetricDefinition } from '../../shared/model/metric';

const CATALOGUE: MetricDefinition[] = [
  { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
];
const PREFIX = `lost${process.pid}-`;
let clients: ReturnType<typeof createDynamoClients>;

beforeAll(async () => {
  clients = createDynamoClients({ dynamodbEndpoint: inject('dynamodbEndpoint'), region: 'local' });
  await createTables(clients.client, PREFIX);
});
afterAll(() => clients?.client.destroy());

function batch(run: string): PreparedEvent[] {
  return Array.from({ length: 6 }, (_, c) => {
    const unit = unitKey('test', 'customer', `${run}-c${c}`);
    return [
      {
        id: `${run}-x${c}`,
        units: [unit],
        exposure: {
          id: `${run}-x${c}`,
          experiment: run,
          variant: c % 2 ? 'a' : 'b',
          channel: 'web',
          at: 1000 + c,
        },
      },
      {
        id: `${run}-m${c}`,
        units: [unit],
        metric: { id: `${run}-m${c}`, metric: 'loan', value: 10000n, at: 2000 + c },
      },
    ];
  }).flat();
}

/** Fails the next commit with a reset connection, after it reached DynamoDB or before. */
function losing(real: DynamoDbClient, when: 'after-commit' | 'before-commit'): DynamoDbClient {
  let armed = true;
  return {
    send: async (command: unknown) => {
      if (armed && command instanceof TransactWriteItemsCommand) {
        armed = false;
        if (when === 'after-commit') await real.send(command);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return real.send(command as never);
    },
  } as unknown as DynamoDbClient;
}

const store = (client: DynamoDbClient) =>
  createDynamoEventStore(client, { table: tableName(PREFIX, 'events'), sleep: async () => {} });

const units = async (experiment: string) => {
  let n = 0n;
  for (const v of (await store(clients.client).readCells(experiment)).values()) n += v.get('n') ?? 0n;
  return n;
};

describe('a commit whose answer is lost', () => {
  it('is this call’s: its events are answered accepted, once', async () => {
    const events = batch('own');
    const outcomes = await store(losing(clients.client, 'after-commit')).ingest(events, CATALOGUE);
    expect([...outcomes.values()]).toEqual(events.map(() => 'accepted'));
    const again = await store(clients.client).ingest(events, CATALOGUE);
    expect([...again.values()]).toEqual(events.map(() => 'duplicate'));
    expect(await units('own')).toBe(6n);
  });

  it('made by another request is a duplicate, even when this call’s own commit failed ambiguously', async () => {
    const events = batch('other');
    const first = await store(clients.client).ingest(events, CATALOGUE);
    expect([...first.values()]).toEqual(events.map(() => 'accepted'));
    const resent = await store(losing(clients.client, 'before-commit')).ingest(events, CATALOGUE);
    expect([...resent.values()]).toEqual(events.map(() => 'duplicate'));
    expect(await units('other')).toBe(6n);
  });
});
