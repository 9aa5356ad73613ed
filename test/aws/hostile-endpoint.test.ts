// omnilab's own AWS client attacked from the server side: a local TCP server posing as DynamoDB (and SNS) answers with truncated, non-JSON, wrongly shaped (items, pages, batches), never-advancing pages, enormous, never-ending, redirected, malformed-header and checksum-forged answers; each ends in a typed error (transient: a 503 to the API caller; otherwise a clear non-retried error), never a hang, an unhandled rejection or a wrong item taken for a valid one.
import { createServer, type Server, type Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { awsRequest } from '../../functions/aws/aws-request';
import { DynamoDbClient, ListTablesCommand } from '../../functions/aws/dynamodb-client';
import {
  BatchGetCommand,
  DynamoDocumentClient,
  GetCommand,
  TransactGetCommand,
} from '../../functions/aws/dynamodb-document';
import {
  AwsChecksumMismatchError,
  AwsMalformedResponseError,
  AwsNetworkError,
  AwsResponseTooLargeError,
  AwsTimeoutError,
  DynamoDbServiceError,
  InternalServerError,
} from '../../functions/aws/dynamodb-errors';
import { classifyAwsError } from '../../functions/aws/transient-error';
import { mapErrors } from '../../functions/http/middlewares/map-errors';
import type { MiddyRequest } from '../../functions/http/middlewares/middleware-types';
import { SnsPublishError, snsPublishPort } from '../../functions/services/notifier';
import { createDynamoSegmentStore } from '../../functions/stores/dynamo-segment-store';

const CREDS = { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'session-token-secret' };
const TABLES = { config: 'omnilab-config', audit: 'omnilab-audit' };

interface Hostile {
  port: number;
  url: string;
  /** Requests received so far, with their raw head. */
  requests: string[];
  /** Bytes the server managed to write before its peer went away. */
  written: () => number;
  close: () => Promise<void>;
}

type Answer = (socket: Socket, n: number, count: (bytes: number) => void) => void;

const open: Hostile[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

/** A TCP server that reads each HTTP request (head and Content-Length body) and writes `answer`'s raw bytes. */
async function hostile(answer: Answer): Promise<Hostile> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let written = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      buffer = buffer.subarray(end + 4 + length);
      requests.push(head);
      answer(socket, requests.length, (bytes) => {
        written += bytes;
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const h: Hostile = {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    written: () => written,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  open.push(h);
  return h;
}

/** A whole HTTP/1.1 answer: status line, headers (Content-Length unless given), body. */
function raw(status: number, headers: Record<string, string>, body: string | Buffer = ''): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const all = { 'content-length': String(bytes.length), ...headers };
  const head = `HTTP/1.1 ${status} X\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

const JSON_TYPE = { 'content-type': 'application/x-amz-json-1.0' };
const always =
  (bytes: Buffer): Answer =>
  (socket) =>
    void socket.write(bytes);

function clientOf(h: Hostile, options: { timeoutMs?: number; maxResponseBytes?: number } = {}) {
  const client = new DynamoDbClient({
    endpoint: h.url,
    region: 'eu-west-1',
    credentials: CREDS,
    maxAttempts: 2,
    timeoutMs: options.timeoutMs ?? 2_000,
    sleep: async () => {},
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });
  const doc = DynamoDocumentClient.from(client);
  return { client, doc, segments: createDynamoSegmentStore(doc, TABLES) };
}

/** What the API caller gets for an error a route let through: the HTTP stack's one mapping. */
async function apiAnswer(error: unknown): Promise<{ status: number; code: string }> {
  const request = { event: {}, context: {}, response: null, error, internal: {} } as unknown as MiddyRequest;
  await mapErrors().onError?.(request);
  const body: unknown = JSON.parse(String(request.response?.body ?? '{}'));
  const code = typeof body === 'object' && body !== null && 'code' in body ? String(body.code) : '';
  return { status: Number(request.response?.statusCode), code };
}

async function failure<T>(p: Promise<T>): Promise<{ value: T | undefined; error: unknown }> {
  try {
    return { value: await p, error: undefined };
  } catch (error) {
    return { value: undefined, error };
  }
}

describe('a 200 that is not a DynamoDB answer: a clear error, never an item', () => {
  it.each<[string, string]>([
    ['truncated JSON', '{"Item":{"name":{"S":"spo'],
    ['HTML', '<html><body>captive portal</body></html>'],
    ['a JSON string', '"Item"'],
    ['a JSON array', '[{"Item":{}}]'],
    ['null', 'null'],
    ['Item not an object', '{"Item":"segment"}'],
    ['Item a list', '{"Item":[{"S":"x"}]}'],
    ['an attribute value that is a number', '{"Item":{"pk":{"S":"segment"},"X":1}}'],
    ['an attribute of an unknown type', '{"Item":{"pk":{"S":"segment"},"X":{"Q":"a"}}}'],
    ['a string that is a number', '{"Item":{"pk":{"S":"segment"},"id":{"S":5}}}'],
    ['a number that is not one', '{"Item":{"pk":{"S":"segment"},"id":{"N":"abc"}}}'],
    ['a number beyond DynamoDB’s range', '{"Item":{"pk":{"S":"segment"},"id":{"N":"1e999"}}}'],
    ['a number set with one that is not', '{"Item":{"pk":{"S":"segment"},"ns":{"NS":["1","x"]}}}'],
    ['a map that is a number', '{"Item":{"pk":{"S":"segment"},"m":{"M":5}}}'],
    ['a list that is a map', '{"Item":{"pk":{"S":"segment"},"l":{"L":{}}}}'],
    ['two types in one value', '{"Item":{"pk":{"S":"segment","N":"1"}}}'],
    [
      'a nested bad value',
      '{"Item":{"pk":{"S":"segment"},"m":{"M":{"a":{"L":[{"S":"x"},{"BOOL":"yes"}]}}}}}',
    ],
    ['binary that is not text', '{"Item":{"pk":{"S":"segment"},"b":{"B":7}}}'],
  ])('%s: AwsMalformedResponseError, not retried, a 500 to the API caller', async (_what, body) => {
    const h = await hostile(always(raw(200, JSON_TYPE, body)));
    const { segments } = clientOf(h);
    const { value, error } = await failure(segments.get(1));
    expect(value).toBeUndefined();
    expect(error).toBeInstanceOf(AwsMalformedResponseError);
    expect((error as AwsMalformedResponseError).code).toBe('AWS_MALFORMED_RESPONSE');
    expect(classifyAwsError(error)).toBe('permanent');
    expect(h.requests).toHaveLength(1);
    expect(await apiAnswer(error)).toEqual({ status: 500, code: 'INTERNAL' });
  });

  it('a well-formed forged item is returned as DynamoDB would have (the shape check refuses no valid answer)', async () => {
    const body = JSON.stringify({
      Item: {
        pk: { S: 'segment' },
        sk: { S: '1' },
        id: { N: '1' },
        name: { S: '北京 branch' },
        constraints: {
          L: [{ M: { values: { SS: ['a'] }, inverted: { BOOL: false }, none: { NULL: true } } }],
        },
        big: { N: '-1.5E+3' },
        bin: { B: 'AAE=' },
      },
    });
    const h = await hostile(always(raw(200, JSON_TYPE, body)));
    const segment = await clientOf(h).segments.get(1);
    expect(segment).toMatchObject({ id: 1, name: '北京 branch', big: -1500 });
  });

  it('random garbage bodies end in a valid answer or AwsMalformedResponseError, nothing else', async () => {
    let current = Buffer.alloc(0);
    const h = await hostile((socket) => void socket.write(raw(200, JSON_TYPE, current)));
    const { doc } = clientOf(h);
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))),
      fc
        .dictionary(
          fc.constantFrom('S', 'N', 'B', 'M', 'L', 'SS', 'NS', 'BOOL', 'NULL', 'Q'),
          fc.jsonValue({ maxDepth: 2 }),
          {
            maxKeys: 2,
          },
        )
        .map((value) => Buffer.from(JSON.stringify({ Item: { pk: { S: 'p' }, x: value } }))),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        current = body;
        const { value, error } = await failure(
          doc.send(new GetCommand({ TableName: 't', Key: { pk: 'p' } })),
        );
        if (error !== undefined) expect(error).toBeInstanceOf(AwsMalformedResponseError);
        else expect(value?.Item === undefined || typeof value.Item === 'object').toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('pages and batches of the wrong shape', () => {
  it.each<[string, string]>([
    ['Items not a list', '{"Items":"all"}'],
    ['an item of Items not an item', '{"Items":[{"pk":{"S":"segment"}},7]}'],
    ['an attribute of an unknown type in a page', '{"Items":[{"pk":{"S":"segment"},"X":{"Z":"1"}}]}'],
    ['Count not a number', '{"Items":[],"Count":"0"}'],
    ['LastEvaluatedKey not a key', '{"Items":[],"LastEvaluatedKey":"next"}'],
  ])('a Query answering %s: AwsMalformedResponseError from the store’s list', async (_what, body) => {
    const h = await hostile(always(raw(200, JSON_TYPE, body)));
    const { value, error } = await failure(clientOf(h).segments.list());
    expect(value).toBeUndefined();
    expect(error).toBeInstanceOf(AwsMalformedResponseError);
  });

  it('a page that gives back its start key (a paging loop forever) is malformed after the second page', async () => {
    const key = '{"pk":{"S":"segment"},"sk":{"S":"1"}}';
    const page = `{"Items":[{"pk":{"S":"segment"},"sk":{"S":"1"},"id":{"N":"1"}}],"LastEvaluatedKey":${key}}`;
    const h = await hostile(always(raw(200, JSON_TYPE, page)));
    const { error } = await failure(clientOf(h).segments.list());
    expect(error).toBeInstanceOf(AwsMalformedResponseError);
    expect(h.requests).toHaveLength(2);
  });

  it('batch and transaction reads of the wrong shape are malformed too', async () => {
    const answers = [
      '{"Responses":{"t":"items"}}',
      '{"Responses":{"t":[{"pk":{"S":"p"},"x":{"N":5}}]}}',
      '{"UnprocessedKeys":{"t":{"Keys":[{"pk":1}]}}}',
      '{"Responses":[{"Item":5}]}',
      '{"Responses":[7]}',
    ];
    let n = 0;
    const h = await hostile(
      (socket) => void socket.write(raw(200, JSON_TYPE, answers[n++ % answers.length])),
    );
    const { doc } = clientOf(h);
    const batch = () => doc.send(new BatchGetCommand({ RequestItems: { t: { Keys: [{ pk: 'p' }] } } }));
    const transact = () =>
      doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: 't', Key: { pk: 'p' } } }] }));
    const calls: (() => Promise<unknown>)[] = [batch, batch, batch, transact, transact];
    for (const call of calls) expect((await failure(call())).error).toBeInstanceOf(AwsMalformedResponseError);
  });
});

describe('answers that are too big or never end', () => {
  it('an enormous body (80 MB, no length said) is cut at the 32 MiB cap: AwsResponseTooLargeError, not retried', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const h = await hostile((socket, _n, count) => {
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\nconnection: close\r\n\r\n',
      );
      let sent = 0;
      const more = () => {
        while (sent < 80 && !socket.destroyed) {
          sent++;
          count(chunk.length);
          if (!socket.write(chunk)) return void socket.once('drain', more);
        }
        socket.end();
      };
      more();
    });
    const { segments } = clientOf(h);
    const { error } = await failure(segments.get(1));
    expect(error).toBeInstanceOf(AwsResponseTooLargeError);
    expect((error as AwsResponseTooLargeError).limit).toBe(32 * 1024 * 1024);
    expect(classifyAwsError(error)).toBe('permanent');
    expect(h.requests).toHaveLength(1);
    // The client stopped reading at the cap: the server got rid of little more than 32 MiB (what the
    // sockets' buffers hold on top), far from the 80 MB it had.
    expect(h.written()).toBeLessThan(48 * 1024 * 1024);
    expect(await apiAnswer(error)).toEqual({ status: 500, code: 'INTERNAL' });
  });

  it('a declared Content-Length over the cap is refused before the body is read', async () => {
    const h = await hostile((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n{"Item":`);
    });
    const { error } = await failure(clientOf(h, { maxResponseBytes: 1024 }).segments.get(1));
    expect(error).toBeInstanceOf(AwsResponseTooLargeError);
    expect((error as AwsResponseTooLargeError).limit).toBe(1024);
  });

  it('an answer whose body never finishes times out per attempt, is retried, then a 503', async () => {
    const h = await hostile((socket) => {
      // Headers and half an item, then nothing, the connection held open.
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"Item":{"pk":{"S":"seg');
    });
    const started = Date.now();
    const { error } = await failure(clientOf(h, { timeoutMs: 200 }).segments.get(1));
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect(h.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(classifyAwsError(error)).toBe('transient');
    expect(await apiAnswer(error)).toEqual({ status: 503, code: 'UNAVAILABLE' });
  });

  it('a body cut short of its Content-Length is no answer: retried, then a 503', async () => {
    const h = await hostile((socket) => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{"Item":{"pk":{"S":"seg');
    });
    const { error } = await failure(clientOf(h).segments.get(1));
    expect(error).toBeInstanceOf(AwsNetworkError);
    expect(h.requests).toHaveLength(2);
    expect(classifyAwsError(error)).toBe('transient');
    expect(await apiAnswer(error)).toEqual({ status: 503, code: 'UNAVAILABLE' });
  });
});

describe('refusals a server might forge', () => {
  it('a 400 with an unknown __type is a DynamoDbServiceError of that name, not retried, a 500', async () => {
    const h = await hostile(
      always(
        raw(400, JSON_TYPE, '{"__type":"com.amazonaws.dynamodb.v20120810#MadeUpException","message":"no"}'),
      ),
    );
    const { error } = await failure(clientOf(h).segments.get(1));
    expect(error).toBeInstanceOf(DynamoDbServiceError);
    expect((error as DynamoDbServiceError).name).toBe('MadeUpException');
    expect((error as DynamoDbServiceError).$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    expect(await apiAnswer(error)).toEqual({ status: 500, code: 'INTERNAL' });
  });

  it('a __type that is no name (line breaks, 10 kB) and a 1 MB message are not taken as given', async () => {
    const h = await hostile(
      always(
        raw(
          400,
          JSON_TYPE,
          JSON.stringify({
            __type: `Bad\r\nSet-Cookie: x${'A'.repeat(10_000)}`,
            message: 'm'.repeat(1_000_000),
          }),
        ),
      ),
    );
    const { error } = await failure(clientOf(h).segments.get(1));
    expect((error as DynamoDbServiceError).name).toBe('UnknownError');
    expect((error as DynamoDbServiceError).message.length).toBeLessThanOrEqual(2_000);
  });

  it('a cancelled transaction whose reasons are not a list is malformed, not a TypeError in the store', async () => {
    const h = await hostile(
      always(
        raw(400, JSON_TYPE, '{"__type":"TransactionCanceledException","CancellationReasons":"all of them"}'),
      ),
    );
    const { error } = await failure(clientOf(h).segments.get(1));
    expect(error).toBeInstanceOf(AwsMalformedResponseError);
  });

  it('a 502 in HTML from a proxy is an InternalServerError, retried, then a 503', async () => {
    const h = await hostile(
      always(raw(502, { 'content-type': 'text/html' }, '<html><h1>502 Bad Gateway</h1></html>')),
    );
    const { error } = await failure(clientOf(h).segments.list());
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).$metadata).toMatchObject({ httpStatusCode: 502, attempts: 2 });
    expect(h.requests).toHaveLength(2);
    expect(await apiAnswer(error)).toEqual({ status: 503, code: 'UNAVAILABLE' });
  });
});

describe('redirects are never followed with the signed headers', () => {
  it.each([301, 302, 307, 308])(
    '%s to another host: AwsMalformedResponseError, the other host sees nothing',
    async (status) => {
      const elsewhere = await hostile(always(raw(200, JSON_TYPE, '{"Item":{"pk":{"S":"stolen"}}}')));
      const h = await hostile(always(raw(status, { location: `http://localhost:${elsewhere.port}/` })));
      const { value, error } = await failure(clientOf(h).segments.get(1));
      expect(value).toBeUndefined();
      expect(error).toBeInstanceOf(AwsMalformedResponseError);
      expect((error as AwsMalformedResponseError).$metadata.httpStatusCode).toBe(status);
      expect(elsewhere.requests).toHaveLength(0);
      expect(h.requests[0]).toContain('session-token-secret');
      expect(await apiAnswer(error)).toEqual({ status: 500, code: 'INTERNAL' });
    },
  );
});

describe('header games', () => {
  it.each<[string, string]>([
    ['a bare LF inside a header value', 'x-amzn-requestid: a\nx-amz-crc32: 1\r\n'],
    ['a NUL in a header value', 'x-amzn-requestid: a\u0000b\r\n'],
    ['two different Content-Lengths', 'content-length: 2\r\ncontent-length: 40\r\n'],
    ['chunked and a Content-Length', 'transfer-encoding: chunked\r\ncontent-length: 2\r\n'],
  ])('%s: no answer taken (AwsNetworkError), never an item', async (_what, headers) => {
    const h = await hostile((socket) => void socket.end(`HTTP/1.1 200 OK\r\n${headers}\r\n{}`));
    const { value, error } = await failure(clientOf(h).segments.get(1));
    expect(value).toBeUndefined();
    expect(error).toBeInstanceOf(AwsNetworkError);
    // Answered with something unreadable: the call may have been carried out, so not taken for a refusal.
    expect(classifyAwsError(error)).not.toBe('permanent');
  });
});

describe('x-amz-crc32, as DynamoDB sends it', () => {
  const body = '{"Item":{"pk":{"S":"segment"},"sk":{"S":"1"},"id":{"N":"1"},"name":{"S":"vip"}}}';

  it('the right CRC32: the item; a wrong or unreadable one: AwsChecksumMismatchError, retried, then a 503', async () => {
    const right = await hostile(
      always(raw(200, { ...JSON_TYPE, 'x-amz-crc32': String(crc32(Buffer.from(body))) }, body)),
    );
    expect(await clientOf(right).segments.get(1)).toMatchObject({ id: 1, name: 'vip' });
    for (const forged of [String((crc32(Buffer.from(body)) + 1) >>> 0), 'abc', '-1']) {
      const h = await hostile(always(raw(200, { ...JSON_TYPE, 'x-amz-crc32': forged }, body)));
      const { value, error } = await failure(clientOf(h).segments.get(1));
      expect(value).toBeUndefined();
      expect(error).toBeInstanceOf(AwsChecksumMismatchError);
      expect(h.requests).toHaveLength(2);
      expect(classifyAwsError(error)).toBe('transient');
      expect(await apiAnswer(error)).toEqual({ status: 503, code: 'UNAVAILABLE' });
    }
  });

  it('DynamoDB Local’s own x-amz-crc32 is checked: its answer with one byte flipped on the way is refused', async () => {
    const endpoint = inject('dynamodbEndpoint');
    const checked: [string, string][] = [];
    const h = await hostile((socket, _n) => {
      void (async () => {
        const answer = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.ListTables',
            authorization:
              'AWS4-HMAC-SHA256 Credential=local/20261201/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
            'x-amz-date': '20261201T000000Z',
          },
          body: '{}',
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        const sent = answer.headers.get('x-amz-crc32') ?? '';
        checked.push([sent, String(crc32(bytes))]);
        bytes[0] ^= 0x01;
        socket.write(raw(200, { ...JSON_TYPE, 'x-amz-crc32': sent }, bytes));
      })();
    });
    const { error } = await failure(clientOf(h).client.send(new ListTablesCommand({})));
    expect(error).toBeInstanceOf(AwsChecksumMismatchError);
    // DynamoDB Local sent the CRC32 of its body, as the client computes it (so real answers pass).
    expect(checked).toHaveLength(2);
    for (const [sent, computed] of checked) expect(sent).toBe(computed);
  });

  it('a body damaged on the way is caught once, and the retry’s good answer is the item', async () => {
    const good = raw(200, { ...JSON_TYPE, 'x-amz-crc32': String(crc32(Buffer.from(body))) }, body);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 10] ^= 0x01;
    const h = await hostile((socket, n) => void socket.write(n === 1 ? damaged : good));
    expect(await clientOf(h).segments.get(1)).toMatchObject({ name: 'vip' });
    expect(h.requests).toHaveLength(2);
    // The client asks for no compression, so the CRC32 is of the bytes it reads.
    expect(h.requests[0].toLowerCase()).toContain('accept-encoding: identity');
  });
});

describe('SNS alerts through the same signed call', () => {
  const port = (h: Hostile, extra: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
    snsPublishPort(
      'arn:aws:sns:eu-west-1:123456789012:alerts',
      'eu-west-1',
      async () => CREDS,
      (call, creds) =>
        awsRequest({ ...call, protocol: 'http:', host: `127.0.0.1:${h.port}`, ...extra }, creds),
    );

  it('an answer that never comes is an AwsTimeoutError after the timeout', async () => {
    const h = await hostile(() => {});
    const started = Date.now();
    const { error } = await failure(port(h, { timeoutMs: 200 }).publish('s', 'm'));
    expect(error).toBeInstanceOf(AwsTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('an enormous answer is AwsResponseTooLargeError, a redirect or an HTML 200 an SnsPublishError, nothing followed', async () => {
    const big = await hostile((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n');
      socket.write(Buffer.alloc(64 * 1024, 0x41));
    });
    expect((await failure(port(big, { maxResponseBytes: 1024 }).publish('s', 'm'))).error).toBeInstanceOf(
      AwsResponseTooLargeError,
    );
    const elsewhere = await hostile(
      always(raw(200, {}, '<PublishResponse><PublishResult/></PublishResponse>')),
    );
    const redirect = await hostile(always(raw(307, { location: `http://127.0.0.1:${elsewhere.port}/` })));
    const { error } = await failure(port(redirect).publish('s', 'm'));
    expect(error).toBeInstanceOf(SnsPublishError);
    expect((error as SnsPublishError).status).toBe(307);
    expect(elsewhere.requests).toHaveLength(0);
    const html = await hostile(always(raw(200, { 'content-type': 'text/html' }, '<html>portal</html>')));
    expect((await failure(port(html).publish('s', 'm'))).error).toBeInstanceOf(SnsPublishError);
  });
});
