// omnilab's own DynamoDB client against DynamoDB Local: every operation the stores use, every attribute type round-tripped, conditional and transaction failures with their reasons, paging, batches, the SDK's standard retries through a local proxy that fails first, timeouts and refused connections, and how transient-error.ts classifies what it throws.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient as SdkClient, GetItemCommand as SdkGetItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DynamoDbClient,
  type DynamoDbCommand,
  GetItemCommand,
  QueryCommand as LowQueryCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '../../functions/aws/dynamodb-client';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../../functions/aws/dynamodb-document';
import {
  AwsNetworkError,
  ConditionalCheckFailedException,
  ResourceNotFoundException,
  TransactionCanceledException,
} from '../../functions/aws/dynamodb-errors';
import { RetryPolicy, retryKind } from '../../functions/aws/retry-policy';
import { classifyAwsError } from '../../functions/aws/transient-error';
import { isRetryable } from '../../functions/stores/event-store/attempts';
import { createKeyedTable } from '../support/dynamodb-local';

const TABLE = `aws-client-${process.pid}-${Date.now()}`;
const LOCAL = { accessKeyId: 'local', secretAccessKey: 'local' };
const noWait = async () => {};

let endpoint: string;
let client: DynamoDbClient;
let doc: DynamoDocumentClient;

beforeAll(async () => {
  endpoint = inject('dynamodbEndpoint');
  client = new DynamoDbClient({ endpoint, region: 'local', credentials: LOCAL });
  doc = DynamoDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  await createKeyedTable(client, TABLE);
});

describe('items through the document layer', () => {
  it('round-trips every attribute type, sets, nested maps, empty strings and numbers', async () => {
    const item = {
      pk: 'types',
      sk: '1',
      s: 'héllo 你好',
      empty: '',
      n: 42,
      float: -0.125,
      big: 9007199254740991,
      yes: true,
      no: false,
      nothing: null,
      bin: new Uint8Array([0, 1, 254, 255]),
      strings: new Set(['a', 'b']),
      numbers: new Set([1, 2.5]),
      binaries: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
      list: [1, 'two', { three: [3] }, []],
      map: { nested: { deeper: { x: 'y', e: '' } }, empty: {} },
      dropped: undefined,
    };
    await doc.send(new PutCommand({ TableName: TABLE, Item: item }));
    const out = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: 'types', sk: '1' }, ConsistentRead: true }),
    );
    const { dropped: _dropped, ...expected } = item;
    expect(out.Item).toEqual(expected);
    // An independent reader (the AWS SDK) sees the same stored types.
    const sdk = new SdkClient({ endpoint, region: 'local', credentials: LOCAL });
    const raw = await sdk.send(
      new SdkGetItemCommand({ TableName: TABLE, Key: { pk: { S: 'types' }, sk: { S: '1' } } }),
    );
    sdk.destroy();
    expect(raw.Item?.strings).toEqual({ SS: ['a', 'b'] });
    expect(raw.Item?.bin).toEqual({ B: new Uint8Array([0, 1, 254, 255]) });
    expect(raw.Item?.big).toEqual({ N: '9007199254740991' });
    expect(raw.Item?.dropped).toBeUndefined();
  });

  it('keeps numbers beyond a float exact at the low level', async () => {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'big' }, sk: { S: '1' }, n: { N: '123456789012345678901234567890' } },
      }),
    );
    const out = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'big' }, sk: { S: '1' } } }),
    );
    expect(out.Item?.n).toEqual({ N: '123456789012345678901234567890' });
  });

  it('updates, deletes and answers the values asked for', async () => {
    const Key = { pk: 'counter', sk: '1' };
    await doc.send(new PutCommand({ TableName: TABLE, Item: { ...Key, n: 1, tags: new Set(['a']) } }));
    const updated = await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key,
        UpdateExpression: 'ADD n :one, tags :t',
        ExpressionAttributeValues: { ':one': 2, ':t': new Set(['b']) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({ n: 3, tags: new Set(['a', 'b']) });
    const deleted = await doc.send(new DeleteCommand({ TableName: TABLE, Key, ReturnValues: 'ALL_OLD' }));
    expect(deleted.Attributes).toEqual({ ...Key, n: 3, tags: new Set(['a', 'b']) });
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key }))).Item).toBeUndefined();
  });

  it('pages a query and a scan by LastEvaluatedKey', async () => {
    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: Array.from({ length: 25 }, (_, i) => ({
            PutRequest: { Item: { pk: 'page', sk: String(i).padStart(2, '0'), i } },
          })),
        },
      }),
    );
    const seen: number[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'page' },
          Limit: 7,
          ExclusiveStartKey: start,
        }),
      );
      seen.push(...(page.Items ?? []).map((i) => Number(i.i)));
      start = page.LastEvaluatedKey;
      pages++;
    } while (start);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(pages).toBe(4);
    const scanned = await doc.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'page' },
      }),
    );
    expect(scanned.Items).toHaveLength(25);
  });

  it('reads batches and transactions back', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => ({ pk: 'page', sk: String(i).padStart(2, '0') }));
    const got = await doc.send(
      new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys, ConsistentRead: true } } }),
    );
    expect(got.Responses?.[TABLE]?.map((i) => i.i).sort((a, b) => a - b)).toEqual(keys.map((_, i) => i));
    expect(got.UnprocessedKeys ?? {}).toEqual({});
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: { pk: 'tx', sk: 'a', v: 1 } } },
          {
            Update: {
              TableName: TABLE,
              Key: { pk: 'tx', sk: 'b' },
              UpdateExpression: 'SET v = :v',
              ExpressionAttributeValues: { ':v': 2 },
            },
          },
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: { pk: 'page', sk: '00' },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
      }),
    );
    const both = await doc.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName: TABLE, Key: { pk: 'tx', sk: 'a' } } },
          { Get: { TableName: TABLE, Key: { pk: 'tx', sk: 'b' } } },
        ],
      }),
    );
    expect(both.Responses?.map((r) => r.Item?.v)).toEqual([1, 2]);
  });
});

describe('refusals, as the stores tell them apart', () => {
  it('a failed condition is a ConditionalCheckFailedException with the item as it was', async () => {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: 'cond' }, sk: { S: '1' }, w: { S: 'first' } },
      }),
    );
    const e = await client
      .send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'cond' }, sk: { S: '1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionalCheckFailedException);
    const failed = e as ConditionalCheckFailedException;
    expect(failed.name).toBe('ConditionalCheckFailedException');
    expect(failed.$metadata.httpStatusCode).toBe(400);
    expect(failed.$metadata.attempts).toBe(1);
    expect(failed.Item?.w).toEqual({ S: 'first' });
    expect(classifyAwsError(e)).toBe('permanent');
  });

  it('a cancelled transaction names each item’s reason, with the old item where asked', async () => {
    const e = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk: { S: 'cond' }, sk: { S: '2' } } } },
            {
              Put: {
                TableName: TABLE,
                Item: { pk: { S: 'cond' }, sk: { S: '1' } },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransactionCanceledException);
    const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons[1].Item?.w).toEqual({ S: 'first' });
    expect(isRetryable(e)).toBe(true);
    expect(classifyAwsError(e)).toBe('permanent');
  });

  it('a missing table is a ResourceNotFoundException, not retried', async () => {
    const e = await client
      .send(new GetItemCommand({ TableName: 'no-such-table', Key: { pk: { S: 'x' } } }))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResourceNotFoundException);
    expect((e as ResourceNotFoundException).$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
  });
});

type Failure = 'http-500' | 'throttled' | 'reset' | 'silent';

/** A proxy to DynamoDB Local that fails the first `failures` requests in the way named. */
async function flakyProxy(
  failure: Failure,
  failures: number,
): Promise<{ url: string; seen: () => number; close: () => Promise<void> }> {
  let seen = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    seen++;
    if (seen <= failures) {
      if (failure === 'reset') return void req.socket.destroy();
      if (failure === 'silent') return;
      res.writeHead(failure === 'http-500' ? 500 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      return void res.end(
        JSON.stringify(
          failure === 'http-500'
            ? { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' }
            : { __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' },
        ),
      );
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const answer = await fetch(endpoint, { method: 'POST', headers, body });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(await answer.text());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const read = new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'cond' }, sk: { S: '1' } } });

describe('retries as the SDK standard mode, through a proxy that fails first', () => {
  it.each<[Failure, string, number | undefined]>([
    ['http-500', 'InternalServerError', 500],
    ['throttled', 'ThrottlingException', 400],
    ['reset', 'AwsNetworkError', undefined],
  ])(
    '%s twice, then an answer: 3 attempts; three times: the error, transient',
    async (failure, name, status) => {
      const twice = await flakyProxy(failure, 2);
      const delays: number[] = [];
      const c = new DynamoDbClient({
        endpoint: twice.url,
        region: 'local',
        credentials: LOCAL,
        sleep: async (ms) => void delays.push(ms),
      });
      expect((await c.send(read)).Item?.w).toEqual({ S: 'first' });
      expect(twice.seen()).toBe(3);
      expect(delays).toHaveLength(2);
      await twice.close();

      const thrice = await flakyProxy(failure, 3);
      const e = await new DynamoDbClient({
        endpoint: thrice.url,
        region: 'local',
        credentials: LOCAL,
        sleep: noWait,
      })
        .send(read)
        .catch((x: unknown) => x);
      expect(thrice.seen()).toBe(3);
      expect((e as Error).name).toBe(name);
      expect((e as { $metadata: { httpStatusCode?: number; attempts?: number } }).$metadata).toMatchObject({
        attempts: 3,
        ...(status ? { httpStatusCode: status } : {}),
      });
      if (failure === 'reset') expect((e as AwsNetworkError).code).toBe('ECONNRESET');
      expect(classifyAwsError(e)).toBe('transient');
      await thrice.close();
    },
  );

  it('an answer that never comes is a TimeoutError after the timeout, retried, then transient', async () => {
    const silent = await flakyProxy('silent', 5);
    const started = Date.now();
    const e = await new DynamoDbClient({
      endpoint: silent.url,
      region: 'local',
      credentials: LOCAL,
      timeoutMs: 150,
      maxAttempts: 2,
      sleep: noWait,
    })
      .send(read)
      .catch((x: unknown) => x);
    expect((e as Error).name).toBe('TimeoutError');
    expect(silent.seen()).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(classifyAwsError(e)).toBe('transient');
    await silent.close();
  });

  it('a refused connection carries ECONNREFUSED and is transient', async () => {
    const closed = await flakyProxy('reset', 0);
    const url = closed.url;
    await closed.close();
    const e = await new DynamoDbClient({ endpoint: url, region: 'local', credentials: LOCAL, sleep: noWait })
      .send(read)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AwsNetworkError);
    expect((e as AwsNetworkError).code).toBe('ECONNREFUSED');
    expect(classifyAwsError(e)).toBe('transient');
  });

  it('a hook sees every command, outside the retries', async () => {
    const c = new DynamoDbClient({ endpoint, region: 'local', credentials: LOCAL });
    const seen: string[] = [];
    c.use(async (command: DynamoDbCommand<unknown, unknown>, next) => {
      seen.push(command.operation);
      return next();
    });
    await DynamoDocumentClient.from(c).send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'tx' },
      }),
    );
    await c.send(
      new LowQueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: 'tx' } },
      }),
    );
    expect(seen).toEqual(['Query', 'Query']);
  });
});

describe('the retry policy, as the SDK computes it', () => {
  it('classifies as the SDK: throttling, transient, or not retried', () => {
    const e = (fields: object) => Object.assign(new Error('x'), fields);
    expect(
      retryKind(e({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } })),
    ).toBe('throttling');
    expect(retryKind(e({ name: 'Whatever', $metadata: { httpStatusCode: 429 } }))).toBe('throttling');
    expect(retryKind(e({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }))).toBe(
      'transient',
    );
    expect(retryKind(e({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } }))).toBe('none');
    expect(
      retryKind(
        e({ name: 'ReplicatedWriteConflictException', $retryable: {}, $metadata: { httpStatusCode: 400 } }),
      ),
    ).toBe('transient');
    expect(retryKind(e({ code: 'EPIPE' }))).toBe('transient');
    expect(
      retryKind(e({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } })),
    ).toBe('none');
    expect(retryKind(e({ name: 'TransactionCanceledException', $metadata: { httpStatusCode: 400 } }))).toBe(
      'none',
    );
  });

  it('waits random × min(base × 2^retries, 20 s): base 1 s when throttled, 50 ms otherwise', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        fc.integer({ min: 0, max: 12 }),
        (r, i) => {
          const policy = new RetryPolicy({ maxAttempts: 3, sleep: noWait, random: () => r });
          expect(policy.delay('throttling', i)).toBe(Math.floor(r * Math.min(1000 * 2 ** i, 20_000)));
          expect(policy.delay('transient', i)).toBe(Math.floor(r * Math.min(50 * 2 ** i, 20_000)));
        },
      ),
    );
  });

  it('stops retrying when the quota of 500 is spent, and a success gives back what it cost', async () => {
    const policy = new RetryPolicy({ maxAttempts: 2, sleep: noWait, random: () => 0 });
    const busy = Object.assign(new Error('busy'), {
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(busy);
    };
    // 500 / 14: 35 calls get their retry, the 36th does not.
    for (let i = 0; i < 36; i++) await policy.run(failing).catch(() => {});
    expect(calls).toBe(35 * 2 + 1);
    // The quota is at 10: each success without a retry gives back 1; at 14 a retry is allowed again.
    let failOnce = true;
    const once = async () => {
      if (failOnce) {
        failOnce = false;
        throw busy;
      }
      return 'ok';
    };
    await expect(policy.run(once)).rejects.toBe(busy);
    for (let i = 0; i < 4; i++) await policy.run(async () => 'ok');
    failOnce = true;
    await expect(policy.run(once)).resolves.toBe('ok');
  });
});
