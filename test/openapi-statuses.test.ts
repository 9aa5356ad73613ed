/**
 * The OpenAPI document is true to the server: every route of functions/routes/ (whatever routes exist
 * when this runs) is called against the test platform without a token, with a token of another kind,
 * with its own kind and empty or malformed input; then a journey through the main successes (creates,
 * held production changes, no-op writes, revocation, ETags, accepted metrics, approvals). Every
 * status received must be documented for that route in the document the server serves, and routes
 * that answer 201/202/204 are not documented with a generic 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Access, ROUTES, type Route, routeKey } from '../functions/routes/routes';
import { buildOpenApiDocument } from '../functions/services/openapi-document';
import { experimentBody } from './support/governance';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
let documented: Record<string, Record<string, { responses: Record<string, unknown> }>>;
/** Route key → statuses received. */
const seen = new Map<string, Set<number>>();

const compiled = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(
    `^${route.path
      .split('/')
      .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('/')}$`,
  ),
}));

function routeOf(method: string, path: string): Route {
  const pathname = new URL(path, 'http://x').pathname;
  const match = compiled.find((c) => c.route.method === method && c.pattern.test(pathname));
  if (!match) throw new Error(`no route ${method} ${pathname}`);
  return match.route;
}

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const res = await p.call(method, path, options);
  const key = routeKey(routeOf(method, path));
  if (!seen.has(key)) seen.set(key, new Set());
  seen.get(key)!.add(res.status);
  return res;
}

function documentedStatuses(route: Route): string[] {
  const op = documented[route.path]?.[route.method.toLowerCase()];
  expect(op, `${routeKey(route)} is in the served document`).toBeDefined();
  return Object.keys(op.responses);
}

function ownToken(access: Access): string | undefined {
  switch (access) {
    case 'public':
      return undefined;
    case 'client':
    case 'evaluation':
      return p.tokens.client;
    case 'frontend':
      return p.tokens.frontend;
    default:
      return p.tokens.admin;
  }
}

function otherKindToken(access: Access): string {
  return access === 'client' || access === 'evaluation' || access === 'frontend'
    ? p.tokens.admin
    : p.tokens.client;
}

beforeAll(async () => {
  p = await startTestPlatform();
  documented = ((await (await p.call('GET', '/api/openapi.json')).json()) as { paths: typeof documented })
    .paths;
}, 60_000);
afterAll(() => p.close());

describe('the OpenAPI document against the server', () => {
  it('documents every route, and the served document is the one built from the route list', () => {
    expect(Object.keys(documented).sort()).toEqual([...new Set(ROUTES.map((r) => r.path))].sort());
    expect(documented).toEqual(buildOpenApiDocument().paths);
  });

  it('every route, without a token, with another kind of token, and with empty or malformed input', async () => {
    for (const route of ROUTES) {
      const path = route.path.replace(/\{(\w+)\}/g, 'no-such-$1');
      const write = route.method !== 'GET';
      await call(route.method, path, write ? { body: {} } : {});
      if (route.access !== 'public') await call(route.method, path, { token: otherKindToken(route.access) });
      const token = ownToken(route.access);
      await call(route.method, path, { token, ...(write ? { body: {} } : {}) });
      if (write) {
        await call(route.method, path, { token, body: '{"not json' });
        await call(route.method, path, { token, body: [] });
      }
    }
    // Every route of the list was walked.
    expect([...seen.keys()].sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('a journey through the successes: creates, held changes, no-op writes, revocation, ETags, metrics, approvals', async () => {
    const admin = { token: p.tokens.admin };
    expect(
      (await call('POST', '/api/admin/flags', { ...admin, body: { name: 'walk', squad: 'cards' } })).status,
    ).toBe(201);
    expect(
      (await call('PUT', '/api/admin/flags/walk', { ...admin, body: { version: 1, description: 'd' } }))
        .status,
    ).toBe(200);
    const noOp = await call('PUT', '/api/admin/flags/walk', {
      ...admin,
      body: { version: 2, description: 'd' },
    });
    expect(noOp.headers.get('omnilab-unchanged')).toBe('true');
    const held = await call('PUT', '/api/admin/flags/walk/environments/production/channels/mobile', {
      ...admin,
      body: { version: 2, enabled: true },
    });
    expect(held.status).toBe(202);
    const { changeRequest } = (await held.json()) as { changeRequest: { id: string; version: number } };
    const approved = await call('POST', `/api/admin/change-requests/${changeRequest.id}/approve`, {
      token: p.tokens.secondAdmin,
      body: { version: changeRequest.version },
    });
    expect(approved.status).toBe(200);
    const cr = (await approved.json()) as { version: number };
    expect(
      (
        await call('POST', `/api/admin/change-requests/${changeRequest.id}/apply`, {
          token: p.tokens.secondAdmin,
          body: { version: cr.version },
        })
      ).status,
    ).toBe(200);
    await call('PUT', '/api/admin/flags/walk/environments/development', {
      ...admin,
      body: { version: 3, enabled: true, channels: { web: true } },
    });

    const token = await call('POST', '/api/admin/tokens', {
      ...admin,
      body: { name: 'walk-web', kind: 'client', environment: 'development' },
    });
    expect(token.status).toBe(201);
    const { id } = (await token.json()) as { id: string };
    expect((await call('DELETE', `/api/admin/tokens/${id}`, admin)).status).toBe(204);

    const segment = await call('POST', '/api/admin/segments', {
      ...admin,
      body: { name: 'gold', constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] },
    });
    expect(segment.status).toBe(201);
    const metric = {
      key: 'signups',
      name: 'Sign-ups',
      kind: 'conversion',
      direction: 'higher-is-better',
      unit: '%',
    };
    expect((await call('PUT', '/api/admin/metrics/signups', { ...admin, body: metric })).status).toBe(201);
    expect(
      (await call('PUT', '/api/admin/metrics/signups', { ...admin, body: { ...metric, version: 1 } })).status,
    ).toBe(200);
    const experiment = experimentBody('walk-exp', 'development', 50);
    expect(
      (await call('PUT', '/api/admin/experiments/walk-exp', { ...admin, body: experiment })).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/api/admin/experiments/walk-exp/rollout-plan', {
          ...admin,
          body: { steps: [{ percent: 60, at: new Date(Date.now() + 86_400_000).toISOString() }] },
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await call('POST', '/api/admin/environments', {
          ...admin,
          body: { name: 'staging', type: 'development' },
        })
      ).status,
    ).toBe(201);

    const features = await call('GET', '/api/client/features', { token: p.tokens.client });
    expect(features.status).toBe(200);
    const etag = features.headers.get('etag')!;
    expect(
      (
        await call('GET', '/api/client/features', {
          token: p.tokens.client,
          headers: { 'if-none-match': etag },
        })
      ).status,
    ).toBe(304);
    const frontend = await call('GET', '/api/frontend', { token: p.tokens.frontend });
    expect(
      (
        await call('GET', '/api/frontend', {
          token: p.tokens.frontend,
          headers: { 'if-none-match': frontend.headers.get('etag')! },
        })
      ).status,
    ).toBe(304);
    const register = {
      appName: 'app',
      instanceId: 'i-1',
      sdkVersion: 'unleash-client-node:6.0.0',
      strategies: [],
      started: new Date().toISOString(),
      interval: 1000,
    };
    await call('POST', '/api/client/register', { token: p.tokens.client, body: register });
    await call('POST', '/api/client/metrics', {
      token: p.tokens.client,
      body: {
        appName: 'app',
        bucket: {
          start: new Date().toISOString(),
          stop: new Date().toISOString(),
          toggles: { walk: { yes: 1, no: 0 } },
        },
      },
    });
    await call('POST', '/ofrep/v1/evaluate/flags/walk', {
      token: p.tokens.client,
      body: { context: { targetingKey: 'c1' } },
    });
    await call('POST', '/ofrep/v1/evaluate/flags', {
      token: p.tokens.client,
      body: { context: { targetingKey: 'c1' } },
    });
    await call('POST', '/api/events', {
      token: p.tokens.client,
      body: { events: [] },
    });
  });

  it('every status received is documented for its route', () => {
    const undocumented: string[] = [];
    for (const route of ROUTES) {
      const statuses = documentedStatuses(route);
      for (const status of seen.get(routeKey(route)) ?? [])
        if (!statuses.includes(String(status))) undocumented.push(`${routeKey(route)} answered ${status}`);
    }
    const pairs = [...seen.values()].reduce((n, s) => n + s.size, 0);
    console.log(
      `${ROUTES.length} routes walked, ${pairs} distinct route-status pairs received, all documented`,
    );
    expect(undocumented).toEqual([]);
  });

  it('routes answering 201, 202 or 204 on success are not documented with a generic 200', () => {
    const noPlain200 = [
      'POST /api/admin/flags',
      'POST /api/admin/segments',
      'POST /api/admin/tokens',
      'POST /api/admin/environments',
      'DELETE /api/admin/tokens/{id}',
      'POST /api/admin/experiments/{key}/rollout-plan',
      'POST /api/client/register',
      'POST /api/client/metrics',
    ];
    for (const key of noPlain200) {
      const route = ROUTES.find((r) => routeKey(r) === key)!;
      expect(documentedStatuses(route), key).not.toContain('200');
      // And what it did answer in the journey is what it documents.
      const successes = [...(seen.get(key) ?? [])].filter((s) => s < 300);
      expect(successes.length, `${key} succeeded in the journey`).toBeGreaterThan(0);
    }
  });
});
