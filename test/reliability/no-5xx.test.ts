/**
 * No input answers 5xx: for every route of functions/routes/ (read at run time, so a new route is
 * covered the day it lands), fast-check starts from a body the route accepts and breaks it where
 * it hurts (strings of thousands of characters, odd Unicode, numbers out of range, arrays of
 * thousands of items, records of thousands of keys, deep nesting, wrong types, unknown fields),
 * with hostile headers (a 2,000-character channel, long ETags and client specs) and query strings.
 * Every answer is a 2xx, 3xx or 4xx; a 400 names the field; and a refused request writes nothing
 * (every table, client metrics included, is the same before and after it).
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbClient } from '../../functions/aws/dynamodb-client';
import { ROUTES, type Route } from '../../functions/routes/routes';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import type { TableNames } from '../../functions/tables/tables';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { snapshot } from './support/snapshot';

let p: TestPlatform;
let clients: ReturnType<typeof createDynamoClients>;
const tally = { requests: 0, byStatus: new Map<number, number>(), refusedUnwritten: 0, runs: 0 };

const admin = () => ({ authorization: p.tokens.admin, 'content-type': 'application/json' });

beforeAll(async () => {
  p = await startTestPlatform();
  clients = createDynamoClients({ dynamodbEndpoint: p.runtime.config.dynamodbEndpoint, region: 'local' });
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${p.url}${path}`, { method, headers: admin(), body: JSON.stringify(body) });
    expect(res.status, `${method} ${path}: ${await res.text()}`).toBeLessThan(300);
  };
  await send('POST', '/api/admin/flags', { name: 'target-flag', squad: 'payments' });
  await send('POST', '/api/admin/segments', {
    name: 'adults',
    constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }],
  });
  await send('PUT', '/api/admin/metrics/loan_submitted', {
    key: 'loan_submitted',
    name: 'Loan',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  });
  await send('PUT', '/api/admin/experiments/target-exp', EXPERIMENT);
});

afterAll(async () => {
  clients?.client.destroy();
  await p?.close();
  const statuses = [...tally.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
  console.log(
    JSON.stringify({
      no5xx: {
        runs: tally.runs,
        requests: tally.requests,
        statuses: statuses.join(', '),
        refusedAndCheckedUnwritten: tally.refusedUnwritten,
      },
    }),
  );
});

/** Every item of every table, metrics included: a refused request must change none of them. */
const tablesText = (client: DynamoDbClient, tables: TableNames) =>
  snapshot(client, tables, ['config', 'tokens', 'audit', 'events', 'metrics']);

const CONSTRAINT = { contextName: 'userId', operator: 'IN', values: ['u1', 'u2'] };
const STRATEGY = {
  name: 'flexibleRollout',
  parameters: { rollout: 50, stickiness: 'default', groupId: 'g' },
  constraints: [CONSTRAINT],
  variants: [{ name: 'sv', weight: 1000, weightType: 'variable', stickiness: 'default' }],
};
const VARIANTS = [
  { name: 'blue', weight: 500, weightType: 'variable', payload: { type: 'json', value: '{"a":1}' } },
  { name: 'green', weight: 500, weightType: 'variable', payload: { type: 'string', value: 'g' } },
];
const EXPERIMENT = {
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
};
const NOW = '2026-11-30T10:00:00.000Z';

/** The version placeholder: replaced, before sending, by the target's current version. */
const VERSION = '$version';

/** A body each route accepts as it stands; fast-check breaks it from there. */
const TEMPLATES: Record<string, unknown> = {
  'POST /api/admin/flags': {
    name: 'gen-flag',
    squad: 'payments',
    description: 'd',
    tags: ['t'],
    variants: VARIANTS,
    environments: { development: { enabled: true, channels: { mobile: true }, strategies: [STRATEGY] } },
  },
  'PUT /api/admin/flags/{name}': { version: VERSION, description: 'x', tags: ['a'], variants: VARIANTS },
  'PUT /api/admin/flags/{name}/environments/{env}': {
    version: VERSION,
    enabled: true,
    channels: { mobile: true, web: false },
    strategies: [STRATEGY],
  },
  'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}': { version: VERSION, enabled: true },
  'POST /api/admin/environments': { name: 'gen-env', type: 'development' },
  'PUT /api/admin/environments/{env}': { version: VERSION, protected: false },
  'POST /api/admin/environments/{env}/import': {
    version: 2,
    segments: [{ id: 1, name: 'adults', constraints: [CONSTRAINT] }],
    features: [
      {
        name: 'target-flag',
        enabled: true,
        strategies: [{ ...STRATEGY, segments: [1] }],
        variants: VARIANTS,
      },
      { name: 'imported-b', enabled: false, strategies: [] },
    ],
  },
  'POST /api/admin/segments': { name: 'gen-seg', constraints: [CONSTRAINT] },
  'PUT /api/admin/segments/{id}': { version: VERSION, name: 'adults', constraints: [CONSTRAINT] },
  'POST /api/admin/tokens': { name: 'gen-token', kind: 'client', environment: 'development' },
  'PUT /api/admin/experiments/{key}': EXPERIMENT,
  'PUT /api/admin/metrics/{key}': {
    key: 'loan_submitted',
    name: 'Loan',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  'POST /api/admin/experiments/{key}/resume': { version: VERSION, channels: ['mobile'] },
  'POST /api/admin/experiments/{key}/rollout-plan': { steps: [{ percent: 10, at: '2027-01-01T00:00:00Z' }] },
  'PUT /api/admin/change-requests/{id}': { version: 1, body: { enabled: true } },
  'POST /api/admin/change-requests/{id}/approve': { version: 1, reason: 'ok' },
  'POST /api/admin/change-requests/{id}/reject': { version: 1, reason: 'no' },
  'POST /api/admin/change-requests/{id}/apply': { version: 1 },
  'POST /api/events': {
    events: [
      {
        id: 'e1',
        type: 'exposure',
        timestamp: NOW,
        userId: 'u1',
        channel: 'mobile',
        experiment: 'target-exp',
        variant: 'b',
      },
      {
        id: 'e2',
        type: 'metric',
        timestamp: NOW,
        userId: 'u1',
        channel: 'mobile',
        metric: 'loan_submitted',
        value: 1,
      },
    ],
  },
  'POST /api/client/register': {
    appName: 'gen-app',
    instanceId: 'i-1',
    sdkVersion: 'unleash-client-node:6.12.1',
    strategies: ['default', 'flexibleRollout'],
    started: NOW,
    interval: 15000,
  },
  'POST /api/client/metrics': {
    appName: 'gen-app',
    instanceId: 'i-1',
    bucket: { start: NOW, stop: NOW, toggles: { 'target-flag': { yes: 3, no: 1, variants: { blue: 3 } } } },
  },
  'POST /api/frontend': { context: { userId: 'u1', channel: 'mobile', properties: { tier: 'gold' } } },
  'POST /ofrep/v1/evaluate/flags/{key}': { context: { targetingKey: 'u1', channel: 'mobile', tier: 'gold' } },
  'POST /ofrep/v1/evaluate/flags': { context: { targetingKey: 'u1', channel: 'mobile', tier: 'gold' } },
};
TEMPLATES['POST /api/frontend/client/metrics'] = TEMPLATES['POST /api/client/metrics'];
TEMPLATES['POST /api/frontend/client/register'] = TEMPLATES['POST /api/client/register'];

const PARAMS: Record<string, string[]> = {
  name: ['target-flag', 'nope'],
  env: ['development', 'production', 'nope'],
  channel: ['mobile', 'fax'],
  id: ['1', '999'],
  key: ['target-exp', 'target-flag', 'loan_submitted'],
};

/** Values that hurt: sizes, encodings, ranges and types no route expects. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(200, 1000, 2000, 5000, 70_000).map((n) => 'x'.repeat(n)),
  // Three bytes each: as long as a schema allows, and three times the bytes a key may hold.
  fc.constantFrom(50, 63, 100, 200, 400).map((n) => '客'.repeat(n)),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    'a\u202eb',
    '\ufeff',
    'e\u0301',
    'İı',
    '🏦'.repeat(300),
    '客户-张三',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '%00',
    '<script>',
    '2026-13-45T99:99:99Z',
  ),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    -1,
    0,
    -0,
    0.5,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    1e21,
    9.9e125,
    1e126,
    1e200,
    1e-129,
    1e-200,
    5e-324,
    -1e300,
    Number.MAX_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom([], {}, [[]], [{}]),
  fc.constantFrom(5, 15, 19, 25).map((n) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as unknown),
  fc.constantFrom(100, 1000, 5000).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.constantFrom(100, 2000).map((n) => Array.from({ length: n }, (_, i) => `item-${i}`)),
  fc
    .constantFrom(300, 3000)
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = unknown;
type Path = (string | number)[];

function pathsOf(v: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      pathsOf(x, [...path, i], out);
    });
  } else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) pathsOf(x, [...path, k], out);
  return out;
}

function at(v: Json, path: Path): Json {
  return path.reduce<Json>((o, k) => (o as Record<string | number, Json>)?.[k], v);
}

function replaced(v: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? replaced(x, rest, value) : x));
  const o = v as Record<string, Json>;
  return { ...o, [head]: replaced(o[head as string], rest, value) };
}

type Mutation =
  | { kind: 'replace'; pick: number; value: Json }
  | { kind: 'add-field'; pick: number; name: string; value: Json }
  | { kind: 'repeat'; pick: number; times: number }
  | { kind: 'remove'; pick: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('add-field' as const),
      pick: fc.nat(),
      name: fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'x'.repeat(2000), '', 'unknownField'),
        fc.string(),
      ),
      value: hostileValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('repeat' as const),
      pick: fc.nat(),
      times: fc.constantFrom(2, 101, 1001, 5000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }) },
);

function mutate(template: Json, m: Mutation): Json {
  const paths = pathsOf(template);
  const path = paths[m.pick % paths.length];
  const node = at(template, path);
  switch (m.kind) {
    case 'replace':
      return replaced(template, path, m.value);
    case 'add-field': {
      if (!node || typeof node !== 'object' || Array.isArray(node)) return replaced(template, path, m.value);
      const copy: Record<string, Json> = { ...(node as Record<string, Json>) };
      Object.defineProperty(copy, m.name, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return replaced(template, path, copy);
    }
    case 'repeat': {
      if (Array.isArray(node) && node.length > 0)
        return replaced(
          template,
          path,
          Array.from({ length: m.times }, (_, i) => node[i % node.length]),
        );
      if (node && typeof node === 'object') {
        const entries = Object.entries(node as Record<string, Json>);
        if (entries.length === 0) return template;
        const many = Array.from({ length: m.times }, (_, i) => [
          `${entries[i % entries.length][0]}-${i}`,
          entries[i % entries.length][1],
        ]);
        return replaced(template, path, Object.fromEntries(many));
      }
      return replaced(
        template,
        path,
        Array.from({ length: m.times }, () => node),
      );
    }
    case 'remove': {
      if (path.length === 0) return {};
      const parent = at(template, path.slice(0, -1));
      const last = path[path.length - 1];
      if (Array.isArray(parent))
        return replaced(
          template,
          path.slice(0, -1),
          parent.filter((_, i) => i !== last),
        );
      const { [last as string]: _gone, ...rest } = parent as Record<string, Json>;
      return replaced(template, path.slice(0, -1), rest);
    }
  }
}

const HEADER_NAMES = [
  'omnilab-channel',
  'if-none-match',
  'unleash-client-spec',
  'unleash-appname',
  'unleash-connection-id',
  'unleash-instanceid',
  'unleash-sdk',
  'x-forwarded-for',
  'user-agent',
  'accept-language',
] as const;

const headerValue = fc.oneof(
  fc.constantFrom(
    'mobile',
    'web',
    'fax',
    '',
    '*',
    'W/"x"',
    '"a", "b", *',
    '4.3.0',
    '99999999999.1',
    '-1.-1',
    '1.0.0',
  ),
  fc.constantFrom(100, 2000, 8000, 9000).map((n) => 'x'.repeat(n)),
  fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
);

const queryValue = fc.oneof(
  fc.constantFrom('1', '0', '-1', '1e400', '1000000', 'abc', '', 'true', 'target', 'default,other', 'mobile'),
  fc.constantFrom(2000, 6000).map((n) => 'q'.repeat(n)),
  fc.string({ maxLength: 30 }),
);
const queryName = fc.constantFrom(
  'limit',
  'namePrefix',
  'project',
  'userId',
  'channel',
  'properties[tier]',
  'currentTime',
  'remoteAddress',
  'from',
  'to',
  'format',
  'status',
  'since',
  'x'.repeat(500),
);

type TokenChoice = 'right' | 'client' | 'frontend' | 'admin' | 'productOwner' | 'none';

function tokenFor(route: Route, choice: TokenChoice): string | undefined {
  if (choice === 'none') return undefined;
  if (choice !== 'right') return p.tokens[choice];
  switch (route.access) {
    case 'client':
    case 'evaluation':
      return p.tokens.client;
    case 'frontend':
      return p.tokens.frontend;
    case 'audit-read':
      return p.tokens.auditor;
    case 'public':
      return undefined;
    default:
      return p.tokens.admin;
  }
}

const VERSIONED: Record<string, (values: Record<string, string>) => string> = {
  '/api/admin/flags/{name}': (v) => `/api/admin/flags/${encodeURIComponent(v.name)}`,
  '/api/admin/flags/{name}/environments/{env}': (v) => `/api/admin/flags/${encodeURIComponent(v.name)}`,
  '/api/admin/flags/{name}/environments/{env}/channels/{channel}': (v) =>
    `/api/admin/flags/${encodeURIComponent(v.name)}`,
  '/api/admin/segments/{id}': (v) => `/api/admin/segments/${encodeURIComponent(v.id)}`,
  '/api/admin/experiments/{key}/resume': (v) => `/api/admin/experiments/${encodeURIComponent(v.key)}`,
};

/** The version a versioned write should carry to get past the version check, when it can be read. */
async function currentVersion(route: Route, values: Record<string, string>): Promise<number> {
  let path = VERSIONED[route.path]?.(values);
  if (route.path === '/api/admin/environments/{env}') {
    const res = await fetch(`${p.url}/api/admin/environments`, { headers: admin() });
    const { environments } = (await res.json()) as { environments: { name: string; version: number }[] };
    return environments.find((e) => e.name === values.env)?.version ?? 1;
  }
  if (!path) return 1;
  if (route.path.includes('/environments/{env}')) path = VERSIONED[route.path](values);
  const res = await fetch(`${p.url}${path}`, { headers: admin() });
  if (res.status !== 200) return 1;
  const body = (await res.json()) as { version?: number };
  return typeof body.version === 'number' ? body.version : 1;
}

function withVersion(v: Json, version: number): Json {
  if (v === VERSION) return version;
  if (Array.isArray(v)) return v.map((x) => withVersion(x, version));
  if (v && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: withVersion(x, version),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

function pathFor(route: Route, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, n: string) => {
    try {
      return encodeURIComponent(values[n] ?? 'x');
    } catch {
      return '%ED%A0%80';
    }
  });
}

async function send(
  route: Route,
  request: {
    values: Record<string, string>;
    token: string | undefined;
    headers: Record<string, string>;
    query: [string, string][];
    body?: string;
  },
) {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = request.token;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const qs = new URLSearchParams(request.query).toString();
  const path = `${pathFor(route, request.values)}${qs ? `?${qs}` : ''}`;
  const before = await tablesText(clients.client, p.runtime.tables);
  const res = await fetch(`${p.url}${path}`, { method: route.method, headers, body: request.body });
  const text = await res.text();
  tally.requests++;
  tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
  const what = `${route.method} ${path.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} ${String(request.body).slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400 && res.status !== 431) {
    let body: Record<string, unknown> = {};
    expect(() => {
      body = JSON.parse(text);
    }, what).not.toThrow();
    const standard = typeof body.code === 'string' && typeof body.message === 'string';
    const ofrep = path.startsWith('/ofrep/') && typeof body.errorCode === 'string';
    expect(standard || ofrep, what).toBe(true);
    if (res.status === 400 && standard)
      expect(typeof body.field, `a 400 names its field: ${what}`).toBe('string');
    expect(await tablesText(clients.client, p.runtime.tables), `a refused request wrote: ${what}`).toBe(
      before,
    );
    tally.refusedUnwritten++;
  }
}

describe('no input answers 5xx', () => {
  it('broken bodies, hostile headers and query strings, on every route', async () => {
    const routes = [...ROUTES];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.record({
          name: fc.constantFrom(...PARAMS.name),
          env: fc.constantFrom(...PARAMS.env),
          channel: fc.constantFrom(...PARAMS.channel),
          id: fc.constantFrom(...PARAMS.id),
          key: fc.constantFrom(...PARAMS.key),
        }),
        fc.oneof(
          { weight: 8, arbitrary: fc.constant<TokenChoice>('right') },
          {
            weight: 1,
            arbitrary: fc.constantFrom<TokenChoice>('client', 'frontend', 'admin', 'productOwner', 'none'),
          },
        ),
        fc.array(mutation, { minLength: 0, maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 3 }),
        fc.array(fc.tuple(queryName, queryValue), { maxLength: 3 }),
        async (route, values, tokenChoice, mutations, headers, query) => {
          tally.runs++;
          const key = `${route.method} ${route.path}`;
          let body: string | undefined;
          if (route.method !== 'GET' && route.method !== 'DELETE') {
            let template: Json = TEMPLATES[key] ?? {};
            for (const m of mutations) template = mutate(template, m);
            const version = JSON.stringify(template).includes(VERSION)
              ? await currentVersion(route, values)
              : 1;
            body = JSON.stringify(withVersion(template, version));
          }
          // One header over 8 KB at most: Node refuses more than 16 KB of headers itself (431).
          await send(route, { values, token: tokenFor(route, tokenChoice), headers, query, body });
        },
      ),
      {
        numRuns: Number(process.env.OMNILAB_NO5XX_RUNS ?? 500),
        seed: Number(process.env.OMNILAB_NO5XX_SEED ?? 20261201),
      },
    );
  }, 600_000);

  it('the named ones: a 2,000-character channel header, hundreds of variants, a deep import, the longest names', async () => {
    const routes = (k: string) => ROUTES.find((r) => `${r.method} ${r.path}` === k)!;
    const common = { values: { env: 'development' }, headers: {}, query: [] as [string, string][] };
    await send(routes('POST /api/client/metrics'), {
      ...common,
      token: p.tokens.client,
      headers: { 'omnilab-channel': 'm'.repeat(2000) },
      body: JSON.stringify(TEMPLATES['POST /api/client/metrics']),
    });
    const variants = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`variant-${i}`, i + 1]));
    await send(routes('POST /api/client/metrics'), {
      ...common,
      token: p.tokens.client,
      body: JSON.stringify({
        appName: 'v',
        bucket: { toggles: { 'target-flag': { yes: 1, no: 1, variants } } },
      }),
    });
    // The longest names the schemas take, in three-byte characters: keys DynamoDB must still hold.
    const cjk = (n: number) => '客'.repeat(n);
    for (const route of ['POST /api/client/register', 'POST /api/frontend/client/register']) {
      await send(routes(route), {
        ...common,
        token: route.includes('frontend') ? p.tokens.frontend : p.tokens.client,
        body: JSON.stringify({ appName: cjk(200), instanceId: cjk(200), sdkVersion: cjk(100) }),
      });
    }
    await send(routes('POST /api/client/metrics'), {
      ...common,
      token: p.tokens.client,
      body: JSON.stringify({
        appName: cjk(200),
        instanceId: cjk(200),
        bucket: { start: cjk(300), toggles: { [cjk(200)]: { yes: 1, no: 1, variants: { [cjk(100)]: 1 } } } },
      }),
    });
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    await send(routes('POST /api/admin/environments/{env}/import'), {
      ...common,
      token: p.tokens.admin,
      body: `{"version":2,"segments":[{"id":1,"constraints":[],"x":${deep}}],"features":[{"name":"deep","enabled":true,"y":${deep}}]}`,
    });
  }, 60_000);
});
