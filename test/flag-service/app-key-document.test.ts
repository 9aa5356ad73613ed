/**
 * Keys that ship in apps: through the HTTP API, an app key's document carries no customer id in
 * clear, the omnilab SDK with it answers as the plain document does, and a normal client key (and
 * the official unleash-client with it) still gets plain values and the same answers.
 */
import fc from 'fast-check';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServedConfig } from '../../functions/services/served-config';
import { generateToken, hashToken } from '../../functions/services/tokens';
import { createClient, type OmnilabClientInternals, type SdkError } from '../../sdk/src';
import { hiddenTargeting } from '../../sdk/src/hidden-targeting';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument, Context } from '../../shared/model/client-features';
import { WITHHELD_OPERATOR } from '../../shared/model/hide-targeting';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';
import { createScenario, toggleChannel } from '../support/scenario';

// Capitals and digits: a hex digest can never contain one by accident.
const GOLD = ['CUST-100234', 'CUST-100235', 'CUST-100236'];
const BLOCKED = ['CUST-900001', 'CUST-900002'];
const PREMIER_ACCOUNTS = ['ACCT-62220001', 'ACCT-62220002'];
const BETA_USERS = ['CUST-555001', 'CUST-555002'];
const ALL_IDS = [...GOLD, ...BLOCKED, ...PREMIER_ACCOUNTS, ...BETA_USERS];
const all = { mobile: true, web: true, branch: true, call_center: true, wechat: true, atm: true };

let p: TestPlatform;
let appKey: string;
let names: string[];

async function createFlags(): Promise<string[]> {
  const premier = await bodyOf<{ id: number }>(
    await p.call('POST', '/api/admin/segments', {
      token: p.tokens.admin,
      body: {
        name: 'premier accounts',
        constraints: [{ contextName: 'accountNumber', operator: 'IN', values: PREMIER_ACCOUNTS }],
      },
    }),
  );
  const flags: Record<string, object> = {
    'gold-desk': {
      environments: {
        development: {
          enabled: true,
          channels: all,
          strategies: [{ name: 'userWithId', parameters: { userIds: GOLD.join(',') } }],
        },
      },
    },
    'loan-offer': {
      environments: {
        development: {
          enabled: true,
          channels: all,
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: 60, stickiness: 'default', groupId: 'loan-offer' },
              constraints: [{ contextName: 'userId', operator: 'NOT_IN', values: BLOCKED }],
            },
            {
              name: 'default',
              constraints: [{ contextName: 'customerId', operator: 'IN', values: GOLD, inverted: true }],
              segments: [premier.id],
            },
          ],
        },
      },
    },
    'new-statement': {
      variants: [
        {
          name: 'beta',
          weight: 0,
          weightType: 'variable',
          overrides: [{ contextName: 'userId', values: BETA_USERS }],
        },
        { name: 'classic', weight: 0, weightType: 'variable' },
      ],
      environments: {
        development: {
          enabled: true,
          channels: all,
          strategies: [
            { name: 'flexibleRollout', parameters: { rollout: 100, stickiness: 'default', groupId: 'ns' } },
          ],
        },
      },
    },
    'staff-preview': {
      environments: {
        development: {
          enabled: true,
          channels: all,
          strategies: [
            {
              name: 'default',
              constraints: [
                { contextName: 'customerId', operator: 'STR_STARTS_WITH', values: ['CUST-5550'] },
              ],
            },
          ],
        },
      },
    },
  };
  for (const [name, body] of Object.entries(flags)) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'cards', ...body },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  return Object.keys(flags);
}

beforeAll(async () => {
  p = await startTestPlatform();
  names = [...(await createScenario(p)), ...(await createFlags())];
  // An app key as `POST /api/admin/tokens` with `audience: 'app'` stores it (tested below).
  appKey = generateToken('client', 'development');
  await p.runtime.tokens.seed([
    {
      hash: hashToken(appKey),
      name: 'web-bank',
      kind: 'client',
      environment: 'development',
      audience: 'app',
      createdAt: new Date().toISOString(),
    },
  ]);
});
afterAll(() => p.close());

const features = (key: string, headers: Record<string, string> = {}) =>
  p.call('GET', '/api/client/features', { token: key, headers });

async function plainDocument(): Promise<ClientFeaturesDocument> {
  return bodyOf<ClientFeaturesDocument>(
    await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin }),
  );
}

const customer = fc.constantFrom(...ALL_IDS, 'CUST-000001', 'user-7', 'user-12');
const appContext = fc.record({
  userId: fc.option(customer, { nil: undefined }),
  // Always a session: without one a variant is picked at random, by either side.
  sessionId: fc.stringMatching(/^s[0-9]{1,6}$/),
  channel: fc.constantFrom('mobile', 'web', 'branch', 'wechat', 'atm'),
  properties: fc.record({
    customerId: fc.option(customer, { nil: undefined }),
    accountNumber: fc.option(fc.constantFrom(...PREMIER_ACCOUNTS, 'ACCT-1'), { nil: undefined }),
    tier: fc.constantFrom('gold', 'silver', 'blocked'),
    age: fc.integer({ min: 10, max: 60 }).map(String),
  }),
});

describe('GET /api/client/features with an app key', () => {
  it('carries no customer id from a user list, an IN / NOT_IN constraint, an override or a segment', async () => {
    for (const spec of [undefined, '5.1.0']) {
      const res = await features(appKey, spec ? { 'unleash-client-spec': spec } : {});
      expect(res.status).toBe(200);
      const body = await res.text();
      for (const id of ALL_IDS) expect(body, `${id} (spec ${spec})`).not.toContain(id);
      // The prefix of a STR_STARTS_WITH on a sensitive field is withheld too.
      expect(body).not.toContain('CUST-5550');
      const doc = JSON.parse(body) as ClientFeaturesDocument;
      expect(doc.hiddenTargeting?.fields).toEqual(['userId', 'customerId', 'accountNumber']);
      expect(doc.hiddenTargeting?.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const staff = doc.features.find((f) => f.name === 'staff-preview');
      expect(staff?.strategies?.[0].constraints?.some((c) => c.operator === WITHHELD_OPERATOR)).toBe(true);
      // Values on fields that are not sensitive are served as they are.
      expect(body).toContain('"gold"');
    }
  });

  it('answers 304 to its own ETag, and its ETag is not the plain one', async () => {
    const app = await features(appKey);
    const plain = await features(p.tokens.client);
    const etag = app.headers.get('etag')!;
    expect(etag).not.toBe(plain.headers.get('etag'));
    expect((await features(appKey, { 'if-none-match': etag })).status).toBe(304);
    // The same bytes every time for the same flags: the salt is not random per request.
    expect(await (await features(appKey)).text()).toBe(await app.text());
  });

  it('is the same bytes from every server instance, with a new salt after every change', async () => {
    const instance = () =>
      createServedConfig({
        flags: p.runtime.flags,
        segments: p.runtime.segments,
        channels: p.runtime.config.channels,
        cacheMs: 0,
      });
    const [a, b] = [instance(), instance()];
    const first = await a.document('development', { hideTargeting: true });
    expect((await b.document('development', { hideTargeting: true })).body).toBe(first.body);
    expect(await (await features(appKey, { 'unleash-client-spec': '5.1.0' })).text()).toBe(first.body);
    await toggleChannel(p, 'gold-desk', 'atm', false);
    const changed = await a.document('development', { hideTargeting: true });
    expect(changed.document.hiddenTargeting?.salt).not.toBe(first.document.hiddenTargeting?.salt);
    expect((await b.document('development', { hideTargeting: true })).body).toBe(changed.body);
    await toggleChannel(p, 'gold-desk', 'atm', true);
    expect((await a.document('development', { hideTargeting: true })).body).toBe(first.body);
  });

  it('cannot be asked for the plain document', async () => {
    const res = await p.call('GET', '/api/client/features?hideTargeting=false&plain=true', { token: appKey });
    const body = await res.text();
    for (const id of ALL_IDS) expect(body).not.toContain(id);
  });

  it('drives the omnilab SDK to the same answers as the plain document for 1,000 contexts', async () => {
    // staff-preview targets a customer-id prefix, which is withheld from apps: it is off there.
    const comparable = names.filter((n) => n !== 'staff-preview');
    const sdk = createClient({
      url: p.url,
      clientKey: appKey,
      appName: 'web-bank',
      refreshIntervalMs: 0,
      hiddenTargeting,
    }) as OmnilabClientInternals;
    await sdk.ready();
    expect(sdk.stats().source).toBe('server');
    const plain = compile(await plainDocument());
    let enabled = 0;
    let compared = 0;
    fc.assert(
      fc.property(appContext, (ctx) => {
        const full: Context = { ...ctx, appName: 'web-bank' };
        expect(sdk.isEnabled('staff-preview', ctx)).toBe(false);
        for (const name of comparable) {
          const expected = evaluate(plain, name, full);
          const got = sdk.evaluate(name, ctx);
          expect(
            { enabled: got.enabled, variant: got.variant.name, reason: got.reason },
            `${name} ${JSON.stringify(ctx)}`,
          ).toEqual({
            enabled: expected.enabled,
            variant: expected.variant.name,
            reason: expected.reason,
          });
          if (expected.enabled) enabled++;
          compared++;
        }
      }),
      { numRuns: 1000 },
    );
    sdk.close();
    // The targeted flags do go both ways.
    expect(enabled).toBeGreaterThan(compared * 0.2);
    expect(enabled).toBeLessThan(compared * 0.8);
  });

  it('is refused, loudly, by an omnilab SDK not given hiddenTargeting, which keeps its bootstrap', async () => {
    const errors: SdkError[] = [];
    const bootstrap: ClientFeaturesDocument = {
      version: 2,
      features: [{ name: 'gold-desk', enabled: false }],
    };
    const sdk = createClient({
      url: p.url,
      clientKey: appKey,
      appName: 'web-bank',
      refreshIntervalMs: 0,
      bootstrap,
      onError: (e) => errors.push(e),
    }) as OmnilabClientInternals;
    await sdk.ready();
    sdk.close();
    expect(errors.map((e) => e.code)).toContain('INVALID_DOCUMENT');
    expect(String(errors[0].message)).toContain('hiddenTargeting');
    expect(sdk.stats().source).toBe('bootstrap');
    expect(sdk.isEnabled('gold-desk', { userId: GOLD[0] })).toBe(false);
  });
});

describe('POST /api/admin/environments/{env}/import', () => {
  it("refuses an app key's document, naming hiddenTargeting, and stores nothing", async () => {
    const before = await (
      await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin })
    ).text();
    const served = await bodyOf<ClientFeaturesDocument>(await features(appKey));
    // Without the withheld constraint (an operator no import accepts), only the hashes are left.
    served.features = served.features.filter((f) => f.name !== 'staff-preview');
    const res = await p.call('POST', '/api/admin/environments/development/import', {
      token: p.tokens.admin,
      body: served,
    });
    expect(res.status).toBe(400);
    expect((await bodyOf<{ field: string }>(res)).field).toBe('hiddenTargeting');
    const after = await (
      await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin })
    ).text();
    expect(after).toBe(before);
  });
});

describe('GET /api/client/features with a normal client key', () => {
  it('still carries plain values', async () => {
    const body = await (await features(p.tokens.client, { 'unleash-client-spec': '5.1.0' })).text();
    for (const id of ALL_IDS) expect(body).toContain(id);
    expect(body).not.toContain('hiddenTargeting');
    expect(body).not.toContain(WITHHELD_OPERATOR);
  });

  it('gives the official unleash-client the same answers as the plain document', async () => {
    const unleash = new Unleash({
      url: `${p.url}/api/`,
      appName: 'branch-server',
      customHeaders: { Authorization: p.tokens.client },
      refreshInterval: 60_000,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
    });
    await new Promise<void>((resolve, reject) => {
      unleash.once('synchronized', () => resolve());
      unleash.once('error', reject);
    });
    const plain = compile(await plainDocument());
    try {
      fc.assert(
        fc.property(appContext, (ctx) => {
          // unleash-client adds its static context: appName and environment.
          const full: Context = { ...ctx, appName: 'branch-server', environment: 'default' };
          for (const name of names) {
            const expected = evaluate(plain, name, full);
            expect(unleash.isEnabled(name, ctx), `${name} ${JSON.stringify(ctx)}`).toBe(expected.enabled);
            expect(unleash.getVariant(name, ctx).name, `${name} ${JSON.stringify(ctx)}`).toBe(
              expected.variant.name,
            );
          }
        }),
        { numRuns: 300 },
      );
    } finally {
      unleash.destroy();
    }
  });
});

describe('POST /api/admin/tokens audience', () => {
  it('makes an app key, listed as one, served the hidden document', async () => {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'mini-program', kind: 'client', environment: 'development', audience: 'app' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = await bodyOf<{ secret: string; audience: string }>(res);
    expect(created.audience).toBe('app');
    const body = await (await features(created.secret)).text();
    for (const id of ALL_IDS) expect(body).not.toContain(id);
    expect(body).toBe(await (await features(appKey)).text());
  });

  it('is refused naming the field for other kinds or unknown values, writing nothing', async () => {
    const { tokens } = await bodyOf<{ tokens: { name: string; audience?: string }[] }>(
      await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin }),
    );
    expect(tokens.find((t) => t.name === 'mini-program')?.audience).toBe('app');
    for (const body of [
      { name: 'fe', kind: 'frontend', environment: 'development', audience: 'app' },
      { name: 'odd', kind: 'client', environment: 'development', audience: 'browser' },
    ]) {
      const res = await p.call('POST', '/api/admin/tokens', { token: p.tokens.admin, body });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('audience');
    }
    const after = await bodyOf<{ tokens: unknown[] }>(
      await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin }),
    );
    expect(after.tokens).toHaveLength(tokens.length);
  });

  it('defaults to a plain document for a client token made without one', async () => {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'bff', kind: 'client', environment: 'development' },
    });
    const { secret, audience } = await bodyOf<{ secret: string; audience?: string }>(res);
    expect(audience).toBeUndefined();
    const body = await (await features(secret)).text();
    for (const id of GOLD) expect(body).toContain(id);
  });
});
