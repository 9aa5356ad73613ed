/**
 * Rights: every kind of token against every route of functions/routes/ (read at run time), with the
 * status each should get, derived from the route's `access`; then the finer rights handlers
 * enforce (a squad changes only its own flags; production changes may need four eyes, 202).
 * Prints both matrices.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type InProcessPlatform, type PlatformTokens, startPlatform } from '../../bench/local-platform';
import { ROUTES, type Route } from '../../functions/routes/routes';
import type { Flag } from '../../shared/model/flag';
import { request } from './support/http';

let p: InProcessPlatform;

type Holder = keyof PlatformTokens | 'none' | 'unknown';
const HOLDERS: Holder[] = [
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
];

/** Who may call each access level; a level added to functions/routes/ without a line here fails the test. */
const MAY: Record<string, Holder[]> = {
  public: HOLDERS,
  client: ['client', 'productionClient'],
  frontend: ['frontend', 'productionFrontend'],
  evaluation: ['client', 'productionClient', 'frontend', 'productionFrontend'],
  'admin-read': ['admin', 'squadPayments', 'squadCards', 'productOwner', 'auditor'],
  'admin-write': ['admin', 'squadPayments', 'squadCards'],
  'platform-admin': ['admin'],
  approver: ['admin', 'squadPayments', 'squadCards', 'auditor'],
  'audit-read': ['admin', 'productOwner', 'auditor'],
};

/** 'ok': anything but 401, 403 and 5xx (a 400 for the empty body, a 404, a 200). */
function expected(route: Route, holder: Holder): 'ok' | 401 | 403 {
  if (route.access === 'public') return 'ok';
  if (holder === 'none' || holder === 'unknown') return 401;
  const may = MAY[route.access];
  if (!may) throw new Error(`no expectation for access "${route.access}" of ${route.method} ${route.path}`);
  return may.includes(holder) ? 'ok' : 403;
}

function tokenOf(holder: Holder): string | undefined {
  if (holder === 'none') return undefined;
  if (holder === 'unknown') return 'admin:platform-admin.00000000000000000000000000000000';
  return p.tokens[holder];
}

const PARAMS: Record<string, string> = {
  name: 'rights-flag',
  env: 'development',
  channel: 'mobile',
  id: '1',
  key: 'rights-flag',
};

beforeAll(async () => {
  p = await startPlatform({
    endpoint: inject('dynamodbEndpoint'),
    tablePrefix: `rights${randomBytes(3).toString('hex')}-`,
    configCacheMs: 0,
    tokenCacheMs: 0,
  });
  const res = await request(p.url, 'POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: { name: 'rights-flag', squad: 'payments' },
  });
  expect(res.status, res.text).toBe(201);
});
afterAll(() => p?.close());

function table(rows: Record<string, string>[]): string {
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ');
  return [
    line(cols),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => r[c]))),
  ].join('\n');
}

describe('every token kind against every route', () => {
  it('gets the status its access allows', async () => {
    const rows: Record<string, string>[] = [];
    const wrong: string[] = [];
    let requests = 0;
    for (const route of ROUTES) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => PARAMS[n]);
      const row: Record<string, string> = { route: `${route.method} ${route.path}`, access: route.access };
      for (const holder of HOLDERS) {
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await request(p.url, route.method, path, { token: tokenOf(holder), body });
        requests++;
        const want = expected(route, holder);
        const ok =
          want === 'ok' ? res.status < 500 && res.status !== 401 && res.status !== 403 : res.status === want;
        row[holder] = `${res.status}${ok ? '' : '!'}`;
        if (!ok) wrong.push(`${route.method} ${route.path} as ${holder}: ${res.status}, expected ${want}`);
      }
      rows.push(row);
    }
    console.log(
      `Rights matrix (${requests} requests; 'ok' cells: any status but 401/403/5xx, '!' marks a surprise):\n${table(rows)}`,
    );
    expect(wrong).toEqual([]);
  }, 300_000);
});

describe("finer rights: a squad's own flags, and production's four eyes", () => {
  it('lets the owner and platform admins change a flag, refuses others, and holds production changes when four eyes are on', async () => {
    const rows: Record<string, string>[] = [];
    const wrong: string[] = [];
    const writers: Holder[] = ['admin', 'squadPayments', 'squadCards', 'productOwner', 'auditor', 'client'];
    for (const env of ['development', 'production']) {
      for (const holder of writers) {
        const flag = (await request(p.url, 'GET', '/api/admin/flags/rights-flag', { token: p.tokens.admin }))
          .body as Flag;
        const res = await request(
          p.url,
          'PUT',
          `/api/admin/flags/rights-flag/environments/${env}/channels/mobile`,
          {
            token: tokenOf(holder),
            body: { version: flag.version, enabled: !flag.environments[env]?.channels.mobile },
          },
        );
        const owner = holder === 'admin' || holder === 'squadPayments';
        // Production may answer 202 (a change request awaiting a second approver) instead of 200.
        const accepted = env === 'production' ? [200, 202] : [200];
        const ok = owner ? accepted.includes(res.status) : res.status === 403;
        if (!ok) wrong.push(`${env} as ${holder}: ${res.status} ${res.text.slice(0, 200)}`);
        rows.push({
          environment: env,
          token: holder,
          expected: owner ? accepted.join(' or ') : '403',
          status: `${res.status}${ok ? '' : '!'}`,
        });
      }
    }
    console.log(`Channel toggle of a payments-squad flag, by token:\n${table(rows)}`);
    expect(wrong).toEqual([]);
  }, 120_000);
});
