/**
 * DynamoDB Local's own guarantee under SIGKILL, apart from omnilab's store: writers commit
 * transactions of one new row plus an ADD to a counter while the emulator is killed and restarted
 * on the same data. A transaction stays whole (the counter equals the rows), but an acknowledged
 * one can vanish, whole: DynamoDB Local (2026-01-16) answers TransactWriteItems once its SQLite
 * COMMIT is queued, not run (SQLiteDBAccess.commitTransaction enqueues the job and returns), so a
 * SIGKILL in between rolls it back. Run with OMNILAB_DURABILITY_KILLS; docs/performance.md has the
 * rounds measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { type KillableDynamoDb, killableDynamoDb } from './support/dynamodb-process';
import { sleep } from './support/http';

const KILLS = Number(process.env.OMNILAB_DURABILITY_KILLS ?? 6);
const WRITERS = 4;
const TABLE = 'durability';

let dir: string;
let db: KillableDynamoDb;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omnilab-durability-'));
  db = killableDynamoDb({ dbPath: dir, port: await freePort() });
  await db.start();
  // No SDK retries: an attempt is acknowledged or not, and never resent under another's name.
  dynamo = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
}, 120_000);

afterAll(async () => {
  dynamo?.destroy();
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('DynamoDB Local killed with SIGKILL during transactions', () => {
  it('keeps every transaction whole, and counts the acknowledged ones it loses', async () => {
    const acknowledged: string[] = [];
    const unanswered: string[] = [];
    let writing = true;
    let next = 0;
    const writer = async () => {
      while (writing) {
        const id = `row-${next++}`;
        try {
          await dynamo.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: TABLE,
                    Item: { pk: { S: id } },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Update: {
                    TableName: TABLE,
                    Key: { pk: { S: 'counter' } },
                    UpdateExpression: 'ADD n :one',
                    ExpressionAttributeValues: { ':one': { N: '1' } },
                  },
                },
              ],
            }),
          );
          acknowledged.push(id);
        } catch {
          unanswered.push(id);
          await sleep(50);
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    for (let k = 0; k < KILLS; k++) {
      await sleep(700 + Math.random() * 1300);
      await db.kill();
      await sleep(200 + Math.random() * 500);
      await db.start();
    }
    await sleep(500);
    writing = false;
    await Promise.all(writers);

    const rows = new Set<string>();
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(
        new ScanCommand({ TableName: TABLE, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) if (item.pk.S !== 'counter') rows.add(item.pk.S ?? '');
      start = page.LastEvaluatedKey;
    } while (start);
    const counter = await dynamo.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'counter' } }, ConsistentRead: true }),
    );
    const lost = acknowledged.filter((id) => !rows.has(id));
    const landedUnanswered = unanswered.filter((id) => rows.has(id)).length;
    console.log(
      JSON.stringify({
        durability: {
          sigkills: KILLS,
          acknowledged: acknowledged.length,
          unanswered: unanswered.length,
          landedUnanswered,
          rows: rows.size,
          counter: Number(counter.Item?.n?.N ?? 0),
          lostAcknowledged: lost.length,
        },
      }),
    );
    expect(acknowledged.length).toBeGreaterThan(0);
    // Whole: each stored row brought its ADD and nothing else did, lost acknowledged ones included.
    expect(Number(counter.Item?.n?.N ?? 0), 'the counter counts each stored row once').toBe(rows.size);
    expect([...rows].every((id) => acknowledged.includes(id) || unanswered.includes(id))).toBe(true);
  }, 300_000);
});
