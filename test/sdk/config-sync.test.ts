/**
 * The SDK client's configuration sync against a real HTTP server: ETag polling, backing off on 429
 * and 5xx (never before Retry-After), stopping on 401 and 403, last-known-good and storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, memoryStorage, type OmnilabClient, type SdkError } from '../../sdk/src';
import type { OmnilabClientInternals } from '../../sdk/src/create-client';
import { FlagServer, sampleDocument, sleep, until } from './flag-server';

const open: OmnilabClient[] = [];
const servers: FlagServer[] = [];

async function server(): Promise<FlagServer> {
  const s = await new FlagServer(sampleDocument()).start();
  servers.push(s);
  return s;
}

function client(options: Partial<Parameters<typeof createClient>[0]> & { url?: string }) {
  const errors: SdkError[] = [];
  const c = createClient({
    appName: 'web-bank',
    channel: 'web',
    clientKey: 'client-key',
    refreshIntervalMs: 50,
    onError: (e) => errors.push(e),
    ...options,
  }) as OmnilabClientInternals;
  open.push(c);
  return { c, errors };
}

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

describe('config sync against a real HTTP server', () => {
  it('is ready with the server configuration and evaluates with the client channel by default', async () => {
    const s = await server();
    const { c, errors } = client({ url: s.url });
    await c.ready();
    expect(c.stats().source).toBe('server');
    expect(c.isEnabled('new-checkout', { userId: 'u1' })).toBe(true);
    expect(c.isEnabled('new-checkout', { userId: 'u1', channel: 'branch' })).toBe(false);
    expect(c.isEnabled('new-checkout')).toBe(true);
    expect(errors).toEqual([]);
    const first = s.requestsTo('/api/client/features')[0];
    expect(first.headers.authorization).toBe('client-key');
    expect(first.headers['unleash-appname']).toBe('web-bank');
  });

  it('polls with If-None-Match and gets 304 while nothing changed', async () => {
    const s = await server();
    const { c } = client({ url: s.url });
    await c.ready();
    await until(() => s.requestsTo('/api/client/features').length >= 3, 'three polls');
    const [, second] = s.requestsTo('/api/client/features');
    expect(second.headers['if-none-match']).toBe(s.etag());
    expect(second.status).toBe(304);
    expect(c.stats().source).toBe('server');
  });

  it('shows a changed flag within one refresh', async () => {
    const s = await server();
    const updates: string[] = [];
    const { c } = client({ url: s.url, refreshIntervalMs: 100, onUpdate: (src) => updates.push(src) });
    await c.ready();
    expect(c.isEnabled('new-checkout', { userId: 'u1' })).toBe(true);
    s.document = sampleDocument({ checkoutEnabled: false });
    const changedAt = Date.now();
    await until(() => !c.isEnabled('new-checkout', { userId: 'u1' }), 'the flag to turn off', 1000);
    expect(Date.now() - changedAt).toBeLessThan(250);
    expect(updates.filter((u) => u === 'server').length).toBe(2);
  });

  it('maps appVersion to properties.appVersion and lets explicit properties win', async () => {
    const { c } = client({ bootstrap: sampleDocument() });
    expect(c.isEnabled('new-app-only', { userId: 'u', appVersion: '5.1.0' })).toBe(true);
    expect(c.isEnabled('new-app-only', { userId: 'u', appVersion: '4.9.0' })).toBe(false);
    expect(
      c.isEnabled('new-app-only', { userId: 'u', appVersion: '5.1.0', properties: { tier: 'gold' } }),
    ).toBe(true);
    expect(
      c.isEnabled('new-app-only', { userId: 'u', appVersion: '5.1.0', properties: { appVersion: '4.0.0' } }),
    ).toBe(false);
    expect(c.isEnabled('new-app-only', { userId: 'u' })).toBe(false);
  });

  it('backs off on 503 no sooner than Retry-After, then recovers', async () => {
    const s = await server();
    s.script('/api/client/features', { status: 503, headers: { 'Retry-After': '1' } });
    const { c, errors } = client({ url: s.url, bootstrap: sampleDocument({ checkoutEnabled: false }) });
    await c.ready();
    expect(c.stats().source).toBe('bootstrap');
    expect(errors[0]).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
    await until(() => s.requestsTo('/api/client/features').length >= 2, 'the retry', 3000);
    const [failed, retry] = s.requestsTo('/api/client/features');
    expect(retry.at - failed.at).toBeGreaterThanOrEqual(950);
    await until(() => c.stats().source === 'server', 'server config');
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
  });

  it('backs off on 429 with an HTTP-date Retry-After', async () => {
    const s = await server();
    s.script('/api/client/features', {
      status: 429,
      headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() },
    });
    const { c, errors } = client({ url: s.url });
    await c.ready();
    expect(errors[0]).toMatchObject({ code: 'HTTP_STATUS', status: 429 });
    await until(() => s.requestsTo('/api/client/features').length >= 2, 'the retry', 4000);
    const [failed, retry] = s.requestsTo('/api/client/features');
    // The date has a one-second resolution, so the wait is between 1 and 2 s.
    expect(retry.at - failed.at).toBeGreaterThanOrEqual(950);
  });

  it('doubles the wait after each 500 without Retry-After', async () => {
    const s = await server();
    s.script('/api/client/features', { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const { c } = client({ url: s.url });
    await c.ready();
    await until(() => s.requestsTo('/api/client/features').length >= 5, 'five requests', 5000);
    const at = s.requestsTo('/api/client/features').map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // 50 ms base: about 75-100, 150-200, 300-400, 375-500 (capped at ten times the interval).
    expect(gaps[0]).toBeGreaterThanOrEqual(70);
    expect(gaps[2]).toBeGreaterThan(gaps[0] * 2);
  });

  it('stops polling on 401 and reports it; evaluation goes on from bootstrap', async () => {
    const s = await server();
    s.token = 'another-key';
    const { c, errors } = client({ url: s.url, bootstrap: sampleDocument() });
    await c.ready();
    await sleep(300);
    expect(s.requestsTo('/api/client/features')).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'UNAUTHORIZED', status: 401 })]);
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
  });

  it('stops polling on 403 too', async () => {
    const s = await server();
    s.script('/api/client/features', { status: 403 });
    const { c, errors } = client({ url: s.url });
    await c.ready();
    await sleep(200);
    expect(s.requestsTo('/api/client/features')).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'UNAUTHORIZED', status: 403 });
    expect(c.isEnabled('new-checkout', { userId: 'u' }, true)).toBe(true);
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(false);
  });

  it('keeps the last good configuration when the server sends an unusable one', async () => {
    const s = await server();
    const { c, errors } = client({ url: s.url });
    await c.ready();
    s.document = { version: 2, features: [{ name: '', enabled: 'yes' }] } as never;
    await until(() => errors.some((e) => e.code === 'INVALID_DOCUMENT'), 'the error');
    expect(errors.find((e) => e.code === 'INVALID_DOCUMENT')!.message).toContain('features[0].name');
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
  });

  it('goes on from last-known-good when the server stops, and a new offline client serves it from storage', async () => {
    const s = await server();
    const storage = memoryStorage();
    const { c, errors } = client({ url: s.url, storage });
    await c.ready();
    expect([...storage.data.keys()]).toContain('omnilab:default:web-bank:config');
    await s.stop();
    await until(() => errors.some((e) => e.code === 'FETCH_FAILED'), 'a failed poll');
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
    expect(c.getVariant('transfer-button', { userId: 'u' }).enabled).toBe(true);
    c.close();

    const { c: offline, errors: offlineErrors } = client({ url: s.url, storage });
    await offline.ready();
    expect(offline.stats().source).toBe('storage');
    expect(offline.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
    expect(offlineErrors[0]?.code).toBe('FETCH_FAILED');
  });

  it('uses the stored ETag on restart and promotes storage to server on a 304', async () => {
    const s = await server();
    const storage = memoryStorage();
    const { c } = client({ url: s.url, storage });
    await c.ready();
    c.close();
    const before = s.requestsTo('/api/client/features').length;
    const { c: again } = client({ url: s.url, storage });
    await again.ready();
    const restart = s.requestsTo('/api/client/features')[before];
    expect(restart.status).toBe(304);
    expect(again.stats().source).toBe('server');
  });

  it('trusts storage over bootstrap, bootstrap over stale storage, and defaults last', async () => {
    const storage = memoryStorage();
    const stored = sampleDocument({ checkoutEnabled: true });
    const origin = '|';
    storage.setItem(
      'omnilab:default:web-bank:config',
      JSON.stringify({ origin, etag: null, confirmedAt: Date.now() - 60_000, document: stored }),
    );
    const bootstrap = sampleDocument({ checkoutEnabled: false });
    const { c: fresh } = client({ storage, bootstrap });
    await fresh.ready();
    expect(fresh.stats().source).toBe('storage');
    expect(fresh.isEnabled('new-checkout', { userId: 'u' })).toBe(true);

    const { c: stale } = client({ storage, bootstrap, maxStaleMs: 30_000 });
    await stale.ready();
    expect(stale.stats().source).toBe('bootstrap');
    expect(stale.isEnabled('new-checkout', { userId: 'u' })).toBe(false);

    const { c: none } = client({ storage, maxStaleMs: 30_000 });
    await none.ready();
    expect(none.stats().source).toBe('none');
    expect(none.isEnabled('new-checkout', { userId: 'u' }, true)).toBe(true);
    expect(none.getVariant('transfer-button', { userId: 'u' })).toEqual({
      name: 'disabled',
      enabled: false,
      feature_enabled: false,
    });
  });

  it('never serves a stored configuration from another server or environment', async () => {
    const storage = memoryStorage();
    storage.setItem(
      'omnilab:default:web-bank:config',
      JSON.stringify({
        origin: 'https://other|',
        etag: null,
        confirmedAt: Date.now(),
        document: sampleDocument(),
      }),
    );
    const { c } = client({ storage });
    await c.ready();
    expect(c.stats().source).toBe('none');
  });

  it('falls back to bootstrap when the configuration in use outlives maxStaleMs', async () => {
    const s = await server();
    const { c, errors } = client({
      url: s.url,
      maxStaleMs: 300,
      bootstrap: sampleDocument({ checkoutEnabled: false }),
    });
    await c.ready();
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
    await s.stop();
    await until(() => c.stats().source === 'bootstrap', 'the fallback', 3000);
    expect(errors.some((e) => e.code === 'STALE_CONFIG')).toBe(true);
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(false);
  });

  it('never throws at the caller: bad arguments, a throwing onError, storage that throws', async () => {
    const broken = {
      getItem: () => {
        throw new Error('quota');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    const c = createClient({
      appName: 'x',
      url: 'http://127.0.0.1:9',
      storage: broken,
      refreshIntervalMs: 0,
      onError: () => {
        throw new Error('caller bug');
      },
    });
    open.push(c);
    await c.ready();
    expect(c.isEnabled(undefined as never, 42 as never)).toBe(false);
    expect(c.getVariant(null as never, 'x' as never).name).toBe('disabled');
    c.track('', Number.NaN, null);
    c.track('m', 1, { userId: 'u' });
    await c.flush();
    const noOptions = createClient(undefined as never);
    open.push(noOptions);
    await noOptions.ready();
    expect(noOptions.isEnabled('a')).toBe(false);
  });

  it('fetches once without polling when refreshIntervalMs is 0, and stops polling on close', async () => {
    const s = await server();
    const { c } = client({ url: s.url, refreshIntervalMs: 0 });
    await c.ready();
    await sleep(150);
    expect(s.requestsTo('/api/client/features')).toHaveLength(1);
    const { c: polling } = client({ url: s.url });
    await polling.ready();
    polling.close();
    const n = s.requestsTo('/api/client/features').length;
    await sleep(150);
    expect(s.requestsTo('/api/client/features')).toHaveLength(n);
    expect(polling.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
  });
});
