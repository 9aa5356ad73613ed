/**
 * A change request's edit, restaged in the function that owns its route: the same change, effect
 * and digest as the staged re-run in one process; a body the owner's schema refuses is a 400
 * naming the field and writes nothing; a forged restage invocation writes nothing to any table and
 * an API Gateway event is never taken for one; a Lambda Invoke that fails answers 503 and leaves
 * the request as it was.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParse } from 'zod/v4/core';
import { ScanCommand } from '../../functions/aws/dynamodb-client';
import { create as createFlagsEntry } from '../../functions/handlers/admin-flags-handler';
import { create as createReleasesEntry } from '../../functions/handlers/admin-releases-handler';
import { flagRoutes } from '../../functions/route-handlers/flag-routes';
import { ADMIN_FLAGS_ROUTES } from '../../functions/routes/admin-flags-routes';
import { ROUTES } from '../../functions/routes/routes';
import { createDynamoClients, type Runtime } from '../../functions/runtime/composition-root';
import { declaredReasons, effectNow } from '../../functions/services/change-requests';
import { createLambdaRestage } from '../../functions/services/lambda-restage';
import {
  looksLikeApiGatewayV2,
  looksLikeRestage,
  RESTAGE_MARK,
} from '../../functions/services/restage-protocol';
import { RESTAGE_OWNERS, ROUTE_OWNERS } from '../../functions/services/route-owners';
import { stage } from '../../functions/services/staging';
import { startServer } from '../../local/server';
import type { ChangeRequest } from '../../shared/governance/change-request';
import { changeDigest, normalizeChange } from '../../shared/governance/proposed-change';
import { heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const FLAG = 'restage-fx';
const ROUTE = 'PUT /api/admin/flags/{name}/environments/{env}';
const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:test',
  memoryLimitInMB: '512',
  awsRequestId: 'test-request',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

async function scanAll(): Promise<Record<string, unknown[]>> {
  const { client } = createDynamoClients(p.runtime.config);
  const out: Record<string, unknown[]> = {};
  for (const [id, table] of Object.entries(p.runtime.tables)) {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    out[id] = Items.map((i) => JSON.stringify(i)).sort();
  }
  client.destroy();
  return out;
}

async function read(id: string): Promise<ChangeRequest> {
  return bodyOf<ChangeRequest>(
    await p.call('GET', `/api/admin/change-requests/${id}`, { token: p.tokens.admin }),
  );
}

async function flagVersion(): Promise<number> {
  return (
    await bodyOf<{ version: number }>(
      await p.call('GET', `/api/admin/flags/${FLAG}`, { token: p.tokens.admin }),
    )
  ).version;
}

async function holdProductionChange(): Promise<ChangeRequest> {
  return heldRequest(
    await p.call('PUT', `/api/admin/flags/${FLAG}/environments/production`, {
      token: p.tokens.squadPayments,
      body: { version: await flagVersion(), channels: { mobile: true } },
    }),
  );
}

function apiEvent(extra: Record<string, unknown> = {}) {
  return {
    version: '2.0',
    routeKey: 'GET /api/admin/flags',
    rawPath: '/api/admin/flags',
    rawQueryString: '',
    headers: { authorization: p.tokens.admin },
    requestContext: { http: { method: 'GET', path: '/api/admin/flags', sourceIp: '127.0.0.1' } },
    isBase64Encoded: false,
    ...extra,
  };
}

beforeAll(async () => {
  p = await startTestPlatform();
  const res = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.squadPayments,
    body: { name: FLAG, squad: 'payments' },
  });
  expect(res.status).toBe(201);
});
afterAll(() => p.close());

describe('who owns what a change request holds', () => {
  it('the plain route → function map is exactly what ROUTES declares for the governed functions', () => {
    const owners = new Set<string>(RESTAGE_OWNERS);
    const governedWrites = ROUTES.filter(
      (r) => owners.has(r.function) && r.method !== 'GET' && !r.path.endsWith('/backfill'),
    );
    expect(Object.fromEntries(governedWrites.map((r) => [`${r.method} ${r.path}`, r.function]))).toEqual(
      ROUTE_OWNERS,
    );
  });

  it('an API Gateway v2 event is never a restage, whatever else it carries', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (extra, marked) => {
        const event = {
          ...extra,
          version: '2.0',
          requestContext: {},
          ...(marked ? { [RESTAGE_MARK]: 1 } : {}),
        };
        expect(looksLikeRestage(event)).toBe(false);
        expect(looksLikeApiGatewayV2(event)).toBe(!marked);
      }),
      { numRuns: 100 },
    );
  });
});

describe('an edit restaged in the owning function', () => {
  it('computes the same change, effect and digest as the staged re-run in one process', async () => {
    const cr = await holdProductionChange();
    const edited = { version: await flagVersion(), channels: { mobile: true, web: true } };
    const runtime = p.runtime;
    const realNow = runtime.now;
    const realId = runtime.newId;
    let n = 0;
    runtime.now = () => new Date('2026-12-01T19:30:00.000Z');
    runtime.newId = () => `id-${n++}`;
    try {
      // The old path: the route run in this process against a staged runtime.
      const staged = stage(runtime);
      const schema = ADMIN_FLAGS_ROUTES[ROUTE].body;
      const parsed = safeParse(schema, edited);
      if (!parsed.success) throw parsed.error;
      const answer = await flagRoutes(staged)[ROUTE]({
        routeKey: ROUTE,
        params: cr.params,
        query: {},
        headers: {},
        body: parsed.data,
        principal: cr.author,
        sourceIp: undefined,
      });
      expect(answer.status).toBeLessThan(300);
      const change = normalizeChange({ ops: staged.staging.ops });
      const effect = await effectNow(
        runtime,
        change.ops,
        await declaredReasons(runtime, staged.staging.declarations),
      );
      n = 0;
      const res = await p.call('PUT', `/api/admin/change-requests/${cr.id}`, {
        token: p.tokens.squadPayments,
        body: { version: cr.version, body: edited },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const after = await read(cr.id);
      expect(after.change).toEqual(change);
      expect(after.digest).toBe(changeDigest(change));
      expect(after.effect).toEqual(JSON.parse(JSON.stringify(effect)));
      expect(after).toMatchObject({ revision: 2, body: edited });
    } finally {
      runtime.now = realNow;
      runtime.newId = realId;
    }
    await p.call('POST', `/api/admin/change-requests/${cr.id}/reject`, {
      token: p.tokens.squadPayments,
      body: { version: (await read(cr.id)).version },
    });
  });

  it("a body the owner's schema refuses is a 400 naming the field, and nothing is written", async () => {
    const cr = await holdProductionChange();
    const before = await scanAll();
    const res = await p.call('PUT', `/api/admin/change-requests/${cr.id}`, {
      token: p.tokens.squadPayments,
      body: { version: cr.version, body: { version: await flagVersion(), channels: { mobile: 'yes' } } },
    });
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toMatchObject({ code: 'BAD_REQUEST', field: 'body.channels.mobile' });
    expect(await scanAll()).toEqual(before);
    expect(await read(cr.id)).toEqual(cr);
    await p.call('POST', `/api/admin/change-requests/${cr.id}/reject`, {
      token: p.tokens.squadPayments,
      body: { version: cr.version },
    });
  });
});

describe('a forged restage invocation', () => {
  it('writes nothing to any table, even for a write that would commit at once, and answers what it would propose', async () => {
    const admin = { name: 'admin', kind: 'admin', role: 'platform-admin' } as const;
    const flags = createFlagsEntry(p.runtime);
    const releases = createReleasesEntry(p.runtime);
    const before = await scanAll();
    const development = await flags(
      {
        [RESTAGE_MARK]: 1,
        routeKey: ROUTE,
        params: { name: FLAG, env: 'development' },
        body: { version: await flagVersion(), channels: { mobile: true, web: true } },
        principal: admin,
      },
      context,
    );
    expect(development).toMatchObject({ ok: true, ops: [{ type: 'flags' }] });
    // A route whose writes go straight to their store (release templates): refused, not written.
    const template = await releases(
      {
        [RESTAGE_MARK]: 1,
        routeKey: 'POST /api/admin/release-templates',
        params: {},
        body: { id: 'forged', name: 'forged', milestones: [{ name: 'all', strategies: [] }] },
        principal: admin,
      },
      context,
    ).catch((e: unknown) => e);
    expect(template).not.toMatchObject({ ok: true });
    const refused = await flags(
      { [RESTAGE_MARK]: 1, routeKey: ROUTE, params: {}, body: null, principal: { name: 'x' } },
      context,
    );
    expect(refused).toMatchObject({ ok: false, status: 400, code: 'BAD_REQUEST' });
    expect(await scanAll()).toEqual(before);
  });

  it('is told apart from API Gateway events by shape: a marked API event is refused, a plain one served', async () => {
    const flags = createFlagsEntry(p.runtime);
    await expect(flags(apiEvent({ [RESTAGE_MARK]: 1 }), context)).rejects.toThrow(/refused/);
    await expect(flags({ hello: 'world' }, context)).rejects.toThrow(/refused/);
    const served = await flags(apiEvent(), context);
    expect(served).toMatchObject({ statusCode: 200 });
  });
});

describe('a Lambda Invoke that fails', () => {
  let lambda: Server;
  let mode: 'function-error' | '500' | 'reset' = 'function-error';
  let invoked = 0;

  beforeAll(async () => {
    lambda = createServer((req, res) => {
      invoked++;
      req.resume();
      req.on('end', () => {
        if (mode === 'reset') return void req.socket.destroy();
        if (mode === '500') {
          res.writeHead(500, { 'content-type': 'application/json' });
          return void res.end('{"Message":"ServiceException"}');
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        res.end('{"errorType":"Error","errorMessage":"boom"}');
      });
    });
    await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => lambda.close(() => resolve())));

  it('answers 503 and leaves the change request as it was (function error, 5xx, reset)', async () => {
    const { port } = lambda.address() as AddressInfo;
    const config = {
      ...p.runtime.config,
      lambdaEndpoint: `http://127.0.0.1:${port}`,
      restageFunctions: { 'admin-flags': 'omnilab-test-admin-flags' },
    };
    const runtime: Runtime = {
      ...p.runtime,
      config,
      restage: createLambdaRestage(config, async () => ({ accessKeyId: 'test', secretAccessKey: 'test' })),
    };
    const server = await startServer({ runtime, port: 0, host: '127.0.0.1' });
    try {
      const cr = await holdProductionChange();
      const before = await scanAll();
      for (const m of ['function-error', '500', 'reset'] as const) {
        mode = m;
        const res = await fetch(`http://127.0.0.1:${server.port}/api/admin/change-requests/${cr.id}`, {
          method: 'PUT',
          headers: { authorization: p.tokens.squadPayments, 'content-type': 'application/json' },
          body: JSON.stringify({
            version: cr.version,
            body: { version: await flagVersion(), channels: { web: true } },
          }),
        });
        expect(res.status, m).toBe(503);
        expect(await bodyOf(res), m).toMatchObject({ code: 'UNAVAILABLE' });
      }
      expect(invoked).toBe(3);
      expect(await read(cr.id)).toEqual(cr);
      expect(await scanAll()).toEqual(before);
    } finally {
      await server.close();
    }
  });
});
