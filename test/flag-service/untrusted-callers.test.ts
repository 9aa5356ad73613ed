/**
 * Frontend and OFREP callers hold keys that ship inside apps, so anyone can call with them: the
 * server's clock and the request's source address decide date and address targeting, whatever the
 * context says; a frontend key sees only the flags on for its context, over OFREP as over the
 * frontend API; the Unleash client API (server SDKs evaluate locally) is unchanged.
 */
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { ErrorCode, OpenFeature } from '@openfeature/server-sdk';
import fc from 'fast-check';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { UnleashClient } from 'unleash-proxy-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const all = { mobile: true, web: true, branch: true, call_center: true, wechat: true, atm: true };
const on = (strategies: object[]) => ({
  environments: { development: { enabled: true, channels: all, strategies } },
});

/** What each flag answers for a caller at 127.0.0.1 (the local server's source address) today. */
const FLAGS: Record<string, { body: object; expected: boolean }> = {
  'launch-2090': {
    body: on([
      {
        name: 'default',
        constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2090-01-01T00:00:00Z' }],
      },
    ]),
    expected: false,
  },
  'launched-2020': {
    body: on([
      {
        name: 'default',
        constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2020-01-01T00:00:00Z' }],
      },
    ]),
    expected: true,
  },
  'before-2020': {
    body: on([
      {
        name: 'default',
        constraints: [{ contextName: 'currentTime', operator: 'DATE_BEFORE', value: '2020-01-01T00:00:00Z' }],
      },
    ]),
    expected: false,
  },
  'office-network': {
    body: on([{ name: 'remoteAddress', parameters: { IPs: '10.0.0.0/8, 192.168.1.7' } }]),
    expected: false,
  },
  'office-cidr': {
    body: on([
      {
        name: 'default',
        constraints: [{ contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['10.0.0.0/8'] }],
      },
    ]),
    expected: false,
  },
  'loopback-only': {
    body: on([{ name: 'remoteAddress', parameters: { IPs: '127.0.0.1' } }]),
    expected: true,
  },
  'loopback-cidr': {
    body: on([
      {
        name: 'default',
        constraints: [{ contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['127.0.0.0/8'] }],
      },
    ]),
    expected: true,
  },
  'unreleased-secret': {
    body: { environments: { development: { enabled: false, channels: all, strategies: [] } } },
    expected: false,
  },
  'mobile-only': {
    body: { environments: { development: { enabled: true, channels: { mobile: true }, strategies: [] } } },
    expected: false,
  },
};
const VISIBLE = Object.keys(FLAGS).filter((n) => FLAGS[n].expected);
const HIDDEN = Object.keys(FLAGS).filter((n) => !FLAGS[n].expected);

/** Contexts a hostile app would send: a future or past time, an office address, anywhere they fit. */
const forged = fc.record({
  currentTime: fc.constantFrom(
    '2095-06-01T00:00:00Z',
    '2019-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    'not a date',
  ),
  remoteAddress: fc.constantFrom('10.1.2.3', '192.168.1.7', '10.0.0.0', '::ffff:10.0.0.1'),
  where: fc.constantFrom('top', 'properties', 'both'),
  userId: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
});
type Forged = { currentTime: string; remoteAddress: string; where: string; userId: string };

function unleashShape(f: Forged, channel = 'web') {
  const fields = { currentTime: f.currentTime, remoteAddress: f.remoteAddress };
  return {
    userId: f.userId,
    channel,
    ...(f.where !== 'properties' ? fields : {}),
    ...(f.where !== 'top' ? { properties: fields } : {}),
  };
}

beforeAll(async () => {
  p = await startTestPlatform();
  for (const [name, { body }] of Object.entries(FLAGS)) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'payments', ...body },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
});
afterAll(async () => {
  await OpenFeature.close();
  await p.close();
});

async function frontendToggles(
  method: 'GET' | 'POST',
  ctx: ReturnType<typeof unleashShape>,
): Promise<string[]> {
  let res: Response;
  if (method === 'POST') {
    res = await p.call('POST', '/api/frontend', { token: p.tokens.frontend, body: { context: ctx } });
  } else {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(ctx)) {
      if (typeof v === 'string') q.append(k, v);
      else for (const [pk, pv] of Object.entries(v)) q.append(`properties[${pk}]`, pv);
    }
    res = await p.call('GET', `/api/frontend?${q}`, { token: p.tokens.frontend });
  }
  expect(res.status).toBe(200);
  return (await bodyOf<{ toggles: { name: string }[] }>(res)).toggles.map((t) => t.name).sort();
}

async function ofrepBulk(token: string, context: object): Promise<{ key: string; value: unknown }[]> {
  const res = await p.call('POST', '/ofrep/v1/evaluate/flags', { token, body: { context } });
  expect(res.status).toBe(200);
  return (await bodyOf<{ flags: { key: string; value: unknown }[] }>(res)).flags;
}

describe('the frontend API decides time and address itself', () => {
  it('a forged currentTime or remoteAddress passes no date or address targeting; the real source address does', async () => {
    await fc.assert(
      fc.asyncProperty(forged, fc.constantFrom('GET' as const, 'POST' as const), async (f, method) => {
        expect(await frontendToggles(method, unleashShape(f))).toEqual([...VISIBLE].sort());
      }),
      { numRuns: 40, seed: 14 },
    );
  });

  it('unleash-proxy-client, unmodified, with a forged time and address in its static context', async () => {
    const c = new UnleashClient({
      url: `${p.url}/api/frontend`,
      clientKey: p.tokens.frontend,
      appName: 'web-banking',
      refreshInterval: 0,
      disableMetrics: true,
      context: {
        userId: 'u1',
        remoteAddress: '10.1.2.3',
        currentTime: '2095-01-01T00:00:00Z',
        properties: { channel: 'web' },
      },
    });
    await c.start();
    try {
      for (const [name, { expected }] of Object.entries(FLAGS))
        expect(c.isEnabled(name), name).toBe(expected);
    } finally {
      c.stop();
    }
  });
});

describe('OFREP decides time and address itself, and a frontend key sees only what is on', () => {
  const ofrepContext = (f: Forged) => ({
    targetingKey: f.userId,
    channel: 'web',
    ...(f.where !== 'properties' ? { currentTime: f.currentTime, remoteAddress: f.remoteAddress } : {}),
    ...(f.where !== 'top'
      ? { properties: { currentTime: f.currentTime, remoteAddress: f.remoteAddress } }
      : {}),
  });

  it('a client key: every flag listed, and a forged time or address turns none of them on', async () => {
    await fc.assert(
      fc.asyncProperty(forged, async (f) => {
        const flags = await ofrepBulk(p.tokens.client, ofrepContext(f));
        expect(flags.map((x) => x.key).sort()).toEqual(Object.keys(FLAGS).sort());
        for (const x of flags) expect(x.value, x.key).toBe(FLAGS[x.key].expected);
      }),
      { numRuns: 25, seed: 1414 },
    );
  });

  it('a frontend key: bulk names only the flags on for the context, never a disabled or unreleased one', async () => {
    await fc.assert(
      fc.asyncProperty(forged, async (f) => {
        const flags = await ofrepBulk(p.tokens.frontend, ofrepContext(f));
        expect(flags.map((x) => x.key).sort()).toEqual([...VISIBLE].sort());
        expect(flags.every((x) => x.value === true)).toBe(true);
      }),
      { numRuns: 25, seed: 141414 },
    );
    // The mobile-only flag appears for a mobile context, and only then.
    const mobile = await ofrepBulk(p.tokens.frontend, { targetingKey: 'u', channel: 'mobile' });
    expect(mobile.map((x) => x.key)).toContain('mobile-only');
    expect(mobile.map((x) => x.key)).not.toContain('unreleased-secret');
  });

  it('a frontend key asking for a flag it may not see gets exactly what an unknown flag gets', async () => {
    const one = async (key: string) => {
      const res = await p.call('POST', `/ofrep/v1/evaluate/flags/${key}`, {
        token: p.tokens.frontend,
        body: {
          context: {
            targetingKey: 'u',
            channel: 'web',
            currentTime: '2095-01-01T00:00:00Z',
            remoteAddress: '10.1.2.3',
          },
        },
      });
      return { status: res.status, body: (await res.text()).replaceAll(key, '<key>') };
    };
    const unknown = await one('no-such-flag-at-all');
    expect(unknown.status).toBe(404);
    for (const name of HIDDEN) expect(await one(name), name).toEqual(unknown);
    for (const name of VISIBLE) expect((await one(name)).status, name).toBe(200);
  });

  it('the official OFREP provider with a frontend key: hidden flags fall back to the default, as unknown ones', async () => {
    await OpenFeature.setProviderAndWait(
      'frontend',
      new OFREPProvider({ baseUrl: p.url, headers: [['Authorization', p.tokens.frontend]] }),
    );
    const client = OpenFeature.getClient('frontend');
    const ctx = {
      targetingKey: 'u7',
      channel: 'web',
      currentTime: '2095-01-01T00:00:00Z',
      remoteAddress: '10.1.2.3',
    };
    for (const name of VISIBLE) expect(await client.getBooleanValue(name, false, ctx), name).toBe(true);
    for (const name of HIDDEN) {
      const details = await client.getBooleanDetails(name, false, ctx);
      expect(details.value, name).toBe(false);
      expect(details.errorCode, name).toBe(ErrorCode.FLAG_NOT_FOUND);
    }
  });

  it('a frontend key bulk ETag: the same context gets 304, another context never does', async () => {
    const bulk = (context: object, etag?: string) =>
      p.call('POST', '/ofrep/v1/evaluate/flags', {
        token: p.tokens.frontend,
        body: { context },
        headers: etag ? { 'if-none-match': etag } : {},
      });
    const first = await bulk({ targetingKey: 'user-1', channel: 'mobile' });
    const etag = first.headers.get('etag')!;
    expect((await bulk({ targetingKey: 'user-1', channel: 'mobile' }, etag)).status).toBe(304);
    expect((await bulk({ targetingKey: 'user-1', channel: 'web' }, etag)).status).toBe(200);
  });
});

describe('the Unleash client API is unchanged: server SDKs evaluate with their own context', () => {
  it('unleash-client honours the time and address its own caller gives', async () => {
    const unleash = new Unleash({
      url: `${p.url}/api/`,
      appName: 'core-banking',
      customHeaders: { Authorization: p.tokens.client },
      refreshInterval: 60_000,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        unleash.once('synchronized', () => resolve());
        unleash.once('error', reject);
      });
      const ctx = {
        userId: 'u',
        remoteAddress: '10.1.2.3',
        currentTime: new Date('2095-01-01T00:00:00Z'),
        properties: { channel: 'web' },
      };
      expect(unleash.isEnabled('launch-2090', ctx)).toBe(true);
      expect(unleash.isEnabled('office-network', ctx)).toBe(true);
      expect(unleash.isEnabled('loopback-only', ctx)).toBe(false);
    } finally {
      unleash.destroy();
    }
  });
});
