/** The auth matrix on the local platform: every route in ROUTES, with no, unknown or empty tokens (401) and each holder's token raw and as Bearer: allowed (never a 5xx) for the holders its access level names, 403 for the others. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Access, ROUTES } from '../../functions/routes/routes';
import { startTestPlatform, type TestPlatform, type TestTokens } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
  const res = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: { name: 'matrix-flag', squad: 'payments' },
  });
  expect(res.status).toBe(201);
});
afterAll(() => p.close());

type Holder = keyof TestTokens;
const HOLDERS: Holder[] = [
  'admin',
  'client',
  'frontend',
  'productionClient',
  'squadPayments',
  'productOwner',
  'auditor',
];

const ALLOWED: Record<Access, Holder[]> = {
  public: HOLDERS,
  client: ['client', 'productionClient'],
  frontend: ['frontend'],
  evaluation: ['client', 'productionClient', 'frontend'],
  'admin-read': ['admin', 'squadPayments', 'productOwner', 'auditor'],
  'admin-write': ['admin', 'squadPayments'],
  'platform-admin': ['admin'],
  approver: ['admin', 'squadPayments', 'auditor'],
  'audit-read': ['admin', 'productOwner', 'auditor'],
};

const PARAMS: Record<string, string> = {
  name: 'matrix-flag',
  env: 'development',
  channel: 'mobile',
  id: '1',
  key: 'matrix-flag',
};

function pathOf(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_, n: string) => PARAMS[n]);
}

describe('the auth matrix, for every route', () => {
  for (const route of ROUTES) {
    const label = `${route.method} ${route.path} (${route.access})`;
    it(label, async () => {
      const path = pathOf(route.path);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const call = (authorization?: string) =>
        p.call(route.method, path, { body, headers: authorization ? { authorization } : {} });
      if (route.access !== 'public') {
        expect((await call()).status, 'no token').toBe(401);
        expect((await call('client:development.not-a-real-token')).status, 'unknown token').toBe(401);
        expect((await call('Bearer ')).status, 'empty bearer').toBe(401);
      }
      for (const holder of HOLDERS) {
        const token = p.tokens[holder];
        for (const form of [token, `Bearer ${token}`]) {
          const res = await call(form);
          const status = res.status;
          await res.arrayBuffer();
          if (ALLOWED[route.access].includes(holder)) {
            expect([401, 403], `${holder} ${form === token ? 'raw' : 'bearer'} got ${status}`).not.toContain(
              status,
            );
            expect(status, `${holder}: a client's request is never a 500`).toBeLessThan(500);
          } else {
            expect(status, `${holder} ${form === token ? 'raw' : 'bearer'}`).toBe(403);
          }
        }
      }
    });
  }
});
