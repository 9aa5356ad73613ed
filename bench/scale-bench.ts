/**
 * Where one machine's DynamoDB Local stops, and which of omnilab's hot keys gets there first: the
 * exactly-once store's statistic cells (16 shards, against 1), the audit chain head (every admin
 * write moves it, compare-and-set), and the config partition (every instance re-reads it each cache
 * period). Each load steps up its concurrency for a few seconds per step, one after the other, on
 * one in-memory DynamoDB Local. A bench, not a test: `npm run bench:scale`; figures in
 * docs/performance.md ("A bank of 50 million customers"), written to bench/results/scale.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchWriteItemCommand,
  DynamoDbClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '../functions/aws/dynamodb-client';
import { createDynamoEventStore } from '../functions/stores/dynamo-event-store';
import { tableName } from '../functions/tables/tables';
import { createTables } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { benchEvents, CATALOGUE } from './ingestion-bench';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STEP_SECONDS = Number(process.env.SCALE_STEP_SECONDS ?? 5);
const BATCH = 50;

export interface StepResult {
  load: string;
  concurrency: number;
  /** Operations completed per second (events, chain appends, document reads). */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Attempts refused because another writer held or had moved the same item. */
  conflicts: number;
  errors: number;
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** `workers` loops of `once` for STEP_SECONDS; `once` returns how many operations it completed. */
async function step(
  load: string,
  workers: number,
  once: (worker: number) => Promise<{ done: number; conflicts?: number }>,
): Promise<StepResult> {
  const latencies: number[] = [];
  let done = 0;
  let conflicts = 0;
  let errors = 0;
  const until = Date.now() + STEP_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (Date.now() < until) {
        const t = performance.now();
        try {
          const r = await once(w);
          done += r.done;
          conflicts += r.conflicts ?? 0;
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    load,
    concurrency: workers,
    perSecond: done / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    conflicts,
    errors,
  };
}

function isConflict(e: unknown): boolean {
  const name = (e as { name?: string }).name ?? '';
  return (
    name === 'TransactionCanceledException' ||
    name === 'TransactionConflictException' ||
    name === 'ConditionalCheckFailedException'
  );
}

async function main(): Promise<void> {
  const db = await startDynamoDbLocal();
  // One client per load, retries off where the load counts its own conflicts.
  const client = (maxAttempts: number) =>
    new DynamoDbClient({
      endpoint: db.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts,
    });
  const results: StepResult[] = [];
  const report = (r: StepResult) => {
    results.push(r);
    console.log(
      `${r.load.padEnd(34)} ${String(r.concurrency).padStart(3)} at once: ${r.perSecond.toFixed(0).padStart(6)}/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.conflicts} conflicts, ${r.errors} errors`,
    );
  };
  const c = client(10);
  try {
    await createTables(c, 'scale-');
    const events = tableName('scale-', 'events');
    const audit = tableName('scale-', 'audit');
    const config = tableName('scale-', 'config');

    // The engine's ceiling: plain BatchWriteItem of new 100-byte items, no key shared.
    let raw = 0;
    for (const n of [1, 4, 16]) {
      report(
        await step('raw BatchWriteItem (items)', n, async (w) => {
          const items = Array.from({ length: 25 }, (_, i) => ({
            PutRequest: {
              Item: { pk: { S: `raw-${w}-${raw++}-${i}` }, sk: { S: 'x' }, v: { S: 'x'.repeat(80) } },
            },
          }));
          await c.send(new BatchWriteItemCommand({ RequestItems: { [events]: items } }));
          return { done: items.length };
        }),
      );
    }

    // The exactly-once store: new customers' events, the statistic cells sharded 16 ways, then 1.
    for (const shards of [16, 1]) {
      let conflicts = 0;
      const counted = client(1);
      counted.use(async (_command, next) => {
        try {
          return await next();
        } catch (e) {
          if (isConflict(e)) conflicts++;
          throw e;
        }
      });
      const store = createDynamoEventStore(counted, { table: events, shards, maxAttempts: 20 });
      let seed = shards * 1000;
      for (const n of shards === 16 ? [1, 2, 4, 8, 16, 32] : [4, 16, 32]) {
        const before = conflicts;
        const r = await step(
          `store ingest, ${shards} shard${shards > 1 ? 's' : ''} (events)`,
          n,
          async () => {
            const batch = [...benchEvents(BATCH, seed++)];
            await store.ingest(batch, CATALOGUE);
            return { done: batch.length };
          },
        );
        report({ ...r, conflicts: conflicts - before });
      }
      counted.destroy();
    }

    // The audit chain head: each write reads the head, then appends its entry and moves the head
    // in one transaction on the condition that nobody moved it first (as dynamo-support.ts does).
    const head = { pk: { S: 'chain-head' }, sk: { S: 'head' } };
    await c.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: audit, Item: { ...head, sequence: { N: '0' } } } }],
      }),
    );
    const chain = client(1);
    for (const n of [1, 4, 16]) {
      report(
        await step('audit chain head (appends)', n, async () => {
          let conflicts = 0;
          for (;;) {
            const got = await chain.send(
              new GetItemCommand({ TableName: audit, Key: head, ConsistentRead: true }),
            );
            const sequence = Number(got.Item?.sequence?.N ?? 0);
            try {
              await chain.send(
                new TransactWriteItemsCommand({
                  TransactItems: [
                    {
                      Put: {
                        TableName: audit,
                        Item: {
                          pk: { S: 'chain' },
                          sk: { S: String(sequence + 1).padStart(12, '0') },
                          entry: { S: 'x'.repeat(400) },
                        },
                        ConditionExpression: 'attribute_not_exists(pk)',
                      },
                    },
                    {
                      Update: {
                        TableName: audit,
                        Key: head,
                        UpdateExpression: 'SET #s = :next',
                        ConditionExpression: '#s = :seen',
                        ExpressionAttributeNames: { '#s': 'sequence' },
                        ExpressionAttributeValues: {
                          ':next': { N: String(sequence + 1) },
                          ':seen': { N: String(sequence) },
                        },
                      },
                    },
                  ],
                }),
              );
              return { done: 1, conflicts };
            } catch (e) {
              if (!isConflict(e)) throw e;
              conflicts++;
            }
          }
        }),
      );
    }
    chain.destroy();

    // The config partition: 200 flags of about 1 kB under one key, read whole (as the served
    // document is built) by instances whose 1 s cache ran out.
    const flagItems = Array.from({ length: 200 }, (_, i) => ({
      PutRequest: {
        Item: {
          pk: { S: 'FLAG' },
          sk: { S: `flag-${String(i).padStart(3, '0')}` },
          body: { S: 'x'.repeat(1000) },
        },
      },
    }));
    for (let i = 0; i < flagItems.length; i += 25) {
      await c.send(new BatchWriteItemCommand({ RequestItems: { [config]: flagItems.slice(i, i + 25) } }));
    }
    for (const n of [1, 4, 16]) {
      report(
        await step('config partition (200-flag reads)', n, async () => {
          let start: Record<string, { S: string }> | undefined;
          do {
            const page = await c.send(
              new QueryCommand({
                TableName: config,
                KeyConditionExpression: 'pk = :pk',
                ExpressionAttributeValues: { ':pk': { S: 'FLAG' } },
                ExclusiveStartKey: start,
              }),
            );
            start = page.LastEvaluatedKey as typeof start;
          } while (start);
          return { done: 1 };
        }),
      );
    }
  } finally {
    c.destroy();
    await db.stop();
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', 'scale.json');
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), stepSeconds: STEP_SECONDS, results }, null, 2)}\n`,
  );
  console.log(`written to ${relative(ROOT, file)}`);
}

await main();
