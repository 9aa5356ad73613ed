/**
 * Hostile input: generated requests (fast-check) to every route of functions/routes/, read at run
 * time, with every kind of token, valid and invalid bodies, headers, content types and query
 * strings, plus the classic attacks (JSON nested 10,000 deep, 6 MB bodies, invalid UTF-8). Never a
 * 5xx; a 4xx is a JSON `{code, message}` (OFREP's own error shape on OFREP routes); and a refused
 * request writes nothing: every table is the same before and after it.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type InProcessPlatform, type PlatformTokens, startPlatform } from '../../bench/local-platform';
import { ROUTES, type Route } from '../../functions/routes/routes';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import { snapshot } from './support/snapshot';

let p: InProcessPlatform;
let clients: ReturnType<typeof createDynamoClients>;

const tally = { requests: 0, byStatus: new Map<number, number>(), refusedChecked: 0 };

beforeAll(async () => {
  p = await startPlatform({
    endpoint: inject('dynamodbEndpoint'),
    tablePrefix: `hostile${randomBytes(3).toString('hex')}-`,
    configCacheMs: 0,
    tokenCacheMs: 0,
  });
  clients = createDynamoClients({ dynamodbEndpoint: inject('dynamodbEndpoint'), region: 'local' });
  const admin = { authorization: p.tokens.admin, 'content-type': 'application/json' };
  const post = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${p.url}${path}`, { method, headers: admin, body: JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${await res.text()}`).toBeLessThan(300);
  };
  await post('POST', '/api/admin/flags', { name: 'target-flag', squad: 'payments' });
  await post('PUT', '/api/admin/metrics/loan_submitted', {
    key: 'loan_submitted',
    name: 'Loan',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  });
  await post('PUT', '/api/admin/experiments/target-exp', {
    key: 'target-exp',
    name: 'Target',
    hypothesis: 'h',
    squad: 'payments',
    environment: 'development',
    trafficPercent: 100,
    channels: ['mobile'],
    variants: [
      { name: 'control', weight: 1 },
      { name: 'b', weight: 1 },
    ],
    primaryMetric: 'loan_submitted',
    status: 'draft',
  });
});

afterAll(async () => {
  clients?.client.destroy();
  await p?.close();
  const statuses = [...tally.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
  console.log(
    JSON.stringify({
      hostileInput: {
        requests: tally.requests,
        statuses: statuses.join(', '),
        refusedAndCheckedUnwritten: tally.refusedChecked,
      },
    }),
  );
});

type TokenKind = keyof PlatformTokens | 'none' | 'unknown' | 'malformed';
const TOKEN_KINDS: TokenKind[] = [
  'admin',
  'squadPayments',
  'squadCards',
  'productOwner',
  'auditor',
  'client',
  'productionClient',
  'frontend',
  'productionFrontend',
  'none',
  'unknown',
  'malformed',
];

function authorization(kind: TokenKind, bearer: boolean): string | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'unknown') return 'client:development.0123456789abcdef0123456789abcdef';
  if (kind === 'malformed') return bearer ? 'Bearer' : 'Basic dXNlcjpwYXNz';
  const token = p.tokens[kind];
  return bearer ? `Bearer ${token}` : token;
}

const isOfrep = (path: string) => path.startsWith('/ofrep/');

interface Sent {
  route: Route;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Every table the platform writes, each scanned at once (DynamoDB Local answers scans in parallel). */
async function tablesText(): Promise<string> {
  const ids = ['config', 'tokens', 'audit', 'events'] as const;
  const parts = await Promise.all(ids.map((id) => snapshot(clients.client, p.runtime.tables, [id])));
  return parts.join('\n');
}

/**
 * The tables as the last refused request left them, checked equal to what they were before it:
 * requests go one at a time and nothing else writes, so that is what the next request meets, and
 * its "before" need not be read again. Cleared by any request that may have written.
 */
let unchangedSince: string | undefined;

/** Sends, checks the answer's shape, and for a refused request checks that nothing was written. */
async function check(sent: Sent): Promise<number> {
  const before = unchangedSince ?? (await tablesText());
  unchangedSince = undefined;
  const res = await fetch(`${p.url}${sent.path}`, {
    method: sent.method,
    headers: sent.headers,
    body: sent.body as never,
  });
  const text = await res.text();
  tally.requests++;
  tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
  const what = `${sent.method} ${sent.path} ${JSON.stringify(sent.headers).slice(0, 200)} ${String(sent.body).slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    let body: Record<string, unknown> = {};
    expect(() => {
      body = JSON.parse(text);
    }, what).not.toThrow();
    const standard = typeof body.code === 'string' && typeof body.message === 'string';
    const ofrep = isOfrep(sent.path) && typeof body.errorCode === 'string';
    expect(standard || ofrep, what).toBe(true);
    const after = await tablesText();
    expect(after, `a refused request wrote: ${what}`).toBe(before);
    unchangedSince = after;
    tally.refusedChecked++;
  }
  return res.status;
}

const PARAM_VALUES: Record<string, string[]> = {
  name: ['target-flag', 'target-exp', 'nope'],
  env: ['development', 'production', 'staging'],
  channel: ['mobile', 'fax'],
  id: ['1', '999'],
  key: ['target-flag', 'target-exp', 'loan_submitted'],
};

const weirdSegment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('%', '%zz', '..', '%2e%2e', '%2F', '\u0000', 'a%00b', '\ud800', '🏦', 'x'.repeat(5000)),
);

function pathFor(route: Route, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, n: string) => {
    const v = values[n];
    // A few hand-made escapes stay raw (they are the point); anything else is encoded as a client would.
    if (/^%|%00|%2/.test(v)) return v;
    try {
      return encodeURIComponent(v);
    } catch {
      // A lone surrogate has no UTF-8: send the bytes a careless client would.
      return '%ED%A0%80';
    }
  });
}

const jsonBodies = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '"x"',
    '1e400',
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
    '{"version":1e308,"enabled":true}',
    '{"version":-1,"enabled":"yes"}',
    '{"events":[{}]}',
    '{"events":"x"}',
    '{"context":{"targetingKey":{"nested":[1,2,3]}}}',
    '{"name":"\\ud800","squad":"payments"}',
    '{"name":"a b/c","squad":"PAYMENTS"}',
    '{"a":1,"a":2}',
    // Valid ones too, so that accepted writes sit between the refused ones.
    '{"name":"generated-flag","squad":"payments"}',
    '{"version":1,"enabled":true}',
    '{"version":2,"enabled":false}',
    '{"version":1,"description":"generated"}',
    '{"events":[{"id":"e1","type":"metric","timestamp":"2026-01-01T00:00:00Z","userId":"u1","channel":"mobile","metric":"loan_submitted","value":1}]}',
    '{"context":{"targetingKey":"u1","channel":"mobile"}}',
    '{"appName":"gen","instanceId":"i","bucket":{"start":"2026-01-01T00:00:00Z","stop":"2026-01-01T00:01:00Z","toggles":{}}}',
  ),
  fc.string({ maxLength: 200 }),
);

const contentTypes = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
);

const asciiHeader = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);

describe('generated requests to every route', () => {
  it('never answer 5xx, answer 4xx with {code, message}, and a refused request writes nothing', async () => {
    const routes = [...ROUTES];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom(...TOKEN_KINDS),
        fc.boolean(),
        fc.record({
          name: fc.oneof(fc.constantFrom(...PARAM_VALUES.name), weirdSegment),
          env: fc.oneof(fc.constantFrom(...PARAM_VALUES.env), weirdSegment),
          channel: fc.oneof(fc.constantFrom(...PARAM_VALUES.channel), weirdSegment),
          id: fc.oneof(fc.constantFrom(...PARAM_VALUES.id), weirdSegment),
          key: fc.oneof(fc.constantFrom(...PARAM_VALUES.key), weirdSegment),
        }),
        fc.option(jsonBodies, { nil: undefined }),
        contentTypes,
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        fc.dictionary(
          fc.constantFrom('if-none-match', 'accept', 'x-forwarded-for', 'unleash-appname', 'accept-encoding'),
          asciiHeader,
          { maxKeys: 3 },
        ),
        fc.constantFrom('route', 'route', 'route', 'route', 'wrong-method'),
        async (route, kind, bearer, values, body, contentType, query, extraHeaders, mode) => {
          const headers: Record<string, string> = { ...extraHeaders };
          const auth = authorization(kind, bearer);
          if (auth) headers.authorization = auth;
          if (contentType) headers['content-type'] = contentType;
          const qs = new URLSearchParams(query).toString();
          const path = `${pathFor(route, values)}${qs ? `?${qs}` : ''}`;
          const method = mode === 'wrong-method' ? (route.method === 'GET' ? 'DELETE' : 'GET') : route.method;
          const sendsBody = method !== 'GET' && body !== undefined;
          await check({ route, method, path, headers, ...(sendsBody ? { body } : {}) });
        },
      ),
      {
        numRuns: Number(process.env.OMNILAB_HOSTILE_RUNS ?? 1500),
        seed: Number(process.env.OMNILAB_HOSTILE_SEED ?? 20261128),
      },
    );
  }, 600_000);
});

describe('the classic attacks, on every route that takes a body', () => {
  const bodyRoutes = ROUTES.filter((r) => r.method !== 'GET');
  const deep = (n: number, open: string, close: string, leaf: string) =>
    open.repeat(n) + leaf + close.repeat(n);
  const attacks: { name: string; body: () => string | Uint8Array; contentType?: string }[] = [
    { name: 'arrays nested 10,000 deep', body: () => deep(10_000, '[', ']', '1') },
    { name: 'objects nested 10,000 deep', body: () => deep(10_000, '{"a":', '}', '1') },
    {
      name: 'a valid-looking body with 10,000-deep nesting in a free-form field',
      body: () =>
        `{"context":{"targetingKey":"c1","deep":${deep(10_000, '{"a":', '}', '1')}},"name":"x","squad":"payments","version":1}`,
    },
    { name: 'a 6 MB JSON string', body: () => JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024 - 20) }) },
    { name: 'a body over 6 MB', body: () => `[${'1,'.repeat(3.2 * 1024 * 1024)}1]` },
    {
      name: 'invalid UTF-8',
      body: () => Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
    },
    { name: 'a UTF-16 BOM and NULs', body: () => Uint8Array.from([0xfe, 0xff, 0, 0x7b, 0, 0x7d]) },
    { name: 'XML with JSON content type', body: () => '<?xml version="1.0"?><flag name="x"/>' },
    {
      name: 'form data',
      body: () => 'name=x&squad=payments',
      contentType: 'application/x-www-form-urlencoded',
    },
    {
      name: '100,000 keys',
      body: () => JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))),
    },
    {
      name: '500 events each with a 10 kB user id',
      body: () =>
        JSON.stringify({
          events: Array.from({ length: 500 }, (_, i) => ({
            id: `e${i}`,
            type: 'metric',
            timestamp: '2026-01-01T00:00:00Z',
            userId: 'u'.repeat(10_000),
            channel: 'mobile',
            metric: 'loan_submitted',
            value: 1,
          })),
        }),
    },
  ];
  for (const attack of attacks) {
    it(attack.name, async () => {
      const body = attack.body();
      for (const route of bodyRoutes) {
        const allowed: TokenKind =
          route.access === 'client' || route.access === 'evaluation'
            ? 'client'
            : route.access === 'frontend'
              ? 'frontend'
              : 'admin';
        const path = pathFor(route, {
          name: 'target-flag',
          env: 'development',
          channel: 'mobile',
          id: '1',
          key: 'target-exp',
        });
        await check({
          route,
          method: route.method,
          path,
          headers: {
            authorization: authorization(allowed, false)!,
            'content-type': attack.contentType ?? 'application/json',
          },
          body,
        });
      }
    }, 300_000);
  }
});
