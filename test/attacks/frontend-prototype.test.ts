/**
 * Finding (session 6 attack review): the frontend API reads a context field a customer never sent
 * from Object.prototype: a constraint on `toString` (STR_STARTS_WITH "function"), `constructor`,
 * `valueOf` or `__proto__` (IN "[object Object]") matches every customer through GET and POST
 * /api/frontend, while OFREP (same token environment, same document) answers false, as Unleash
 * SDKs do for an absent field. Expected: an absent field is absent. Fails today at the frontend
 * expect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let devFrontend = '';
let devClient = '';

beforeAll(async () => {
  p = await startTestPlatform();
  for (const kind of ['frontend', 'client'] as const) {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: `atk-dev-${kind}`, kind, environment: 'development' },
    });
    const secret = (await bodyOf<{ secret: string }>(res)).secret;
    if (kind === 'frontend') devFrontend = secret;
    else devClient = secret;
  }
});
afterAll(() => p.close());

describe('context fields named after Object.prototype members', () => {
  it.each([
    ['toString', 'STR_STARTS_WITH', 'function'],
    ['__proto__', 'IN', '[object Object]'],
    ['constructor', 'STR_CONTAINS', 'native code'],
  ])('a constraint on %s never matches a context without it', async (contextName, operator, value) => {
    const name = `atk-proto-${contextName.replace(/_/g, '')}`;
    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.squadPayments,
      body: { name, squad: 'payments' },
    });
    const f = await bodyOf<{ version: number }>(created);
    const set = await p.call('PUT', `/api/admin/flags/${name}/environments/development`, {
      token: p.tokens.squadPayments,
      body: {
        version: f.version,
        channels: { mobile: true },
        strategies: [
          { name: 'default', parameters: {}, constraints: [{ contextName, operator, values: [value] }] },
        ],
      },
    });
    expect(set.status).toBe(200);
    const ofrep = await p.call('POST', `/ofrep/v1/evaluate/flags/${name}`, {
      token: devClient,
      body: { context: { targetingKey: 'cust-1', channel: 'mobile' } },
    });
    expect((await bodyOf<{ value: unknown }>(ofrep)).value).toBe(false);
    const frontend = await p.call('POST', '/api/frontend', {
      token: devFrontend,
      body: { context: { userId: 'cust-1', properties: { channel: 'mobile' } } },
    });
    const toggles = (await bodyOf<{ toggles: { name: string }[] }>(frontend)).toggles.map((t) => t.name);
    expect(toggles).not.toContain(name); // today: contained
  });
});
