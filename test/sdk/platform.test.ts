/** The SDK against the real local platform (the handlers Lambda runs, over HTTP, on DynamoDB Local). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createClient,
  type FetchLike,
  memoryStorage,
  type OmnilabClient,
  type SdkError,
} from '../../sdk/src';
import type { OmnilabClientInternals } from '../../sdk/src/create-client';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';
import { contexts, createScenario, toggleChannel } from '../support/scenario';

const REFRESH_MS = 200;
let p: TestPlatform;
let names: string[];
const storage = memoryStorage();
const open: OmnilabClient[] = [];

/** The real fetch, counted: the peer is the platform, nothing is mocked. */
function countingFetch(): { fetch: FetchLike; calls: () => number } {
  let n = 0;
  return {
    fetch: (url, init) => {
      n++;
      return fetch(url, init);
    },
    calls: () => n,
  };
}

function client(options: Partial<Parameters<typeof createClient>[0]> = {}) {
  const errors: SdkError[] = [];
  const c = createClient({
    url: p.url,
    clientKey: p.tokens.client,
    appName: 'mobile-banking',
    environment: 'development',
    channel: 'mobile',
    refreshIntervalMs: REFRESH_MS,
    storage,
    onError: (e) => errors.push(e),
    ...options,
  }) as OmnilabClientInternals;
  open.push(c);
  return { c, errors };
}

beforeAll(async () => {
  p = await startTestPlatform();
  names = await createScenario(p);
});
afterAll(async () => {
  for (const c of open) c.close();
  await p?.close();
});

describe('@omnilab/sdk against the local platform', () => {
  it("agrees with omnilab's own evaluation of the served document", async () => {
    const { c, errors } = client();
    await c.ready();
    expect(c.stats().source).toBe('server');
    const doc = await bodyOf<ClientFeaturesDocument>(
      await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin }),
    );
    const own = compile(doc);
    for (const ctx of contexts(200)) {
      const full = { channel: 'mobile', ...ctx, appName: 'mobile-banking', environment: 'development' };
      for (const name of names) {
        expect(c.isEnabled(name, ctx), name).toBe(evaluate(own, name, full).enabled);
        expect(c.getVariant(name, ctx).name, name).toBe(evaluate(own, name, full).variant.name);
      }
    }
    expect(errors).toEqual([]);
  });

  it('shows a flag changed through the admin API within one refresh', async () => {
    const { c } = client();
    await c.ready();
    const atm = { userId: 'user-1', channel: 'atm' };
    expect(c.isEnabled('mobile-web-only', atm)).toBe(false);
    await toggleChannel(p, 'mobile-web-only', 'atm', true);
    const changedAt = Date.now();
    await vi.waitFor(() => expect(c.isEnabled('mobile-web-only', atm)).toBe(true), {
      timeout: 3000,
      interval: 10,
    });
    // One refresh, plus the time of one request.
    expect(Date.now() - changedAt).toBeLessThan(REFRESH_MS + 300);
    expect(c.isEnabled('mobile-web-only', { userId: 'user-1', channel: 'branch' })).toBe(false);
  });

  it('stops polling on 401 and reports it once', async () => {
    const counted = countingFetch();
    const { c, errors } = client({
      clientKey: 'not-a-token',
      fetch: counted.fetch,
      storage: memoryStorage(),
    });
    await c.ready();
    await new Promise((r) => setTimeout(r, REFRESH_MS * 3));
    expect(counted.calls()).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'UNAUTHORIZED', status: 401 })]);
    expect(c.isEnabled('mobile-web-only', { userId: 'u' }, true)).toBe(true);
  });

  it('goes on from last-known-good when the platform stops, and a new client serves from storage offline', async () => {
    const { c, errors } = client();
    await c.ready();
    const atm = { userId: 'user-1', channel: 'atm' };
    const before = names.map((n) => [c.isEnabled(n, atm), c.getVariant(n, atm).name]);
    await p.close();
    await vi.waitFor(() => expect(errors.some((e) => e.code === 'FETCH_FAILED')).toBe(true), {
      timeout: 3000,
    });
    expect(names.map((n) => [c.isEnabled(n, atm), c.getVariant(n, atm).name])).toEqual(before);
    expect(c.isEnabled('mobile-web-only', atm)).toBe(true);

    const { c: offline, errors: offlineErrors } = client();
    await offline.ready();
    expect(offline.stats().source).toBe('storage');
    expect(names.map((n) => [offline.isEnabled(n, atm), offline.getVariant(n, atm).name])).toEqual(before);
    expect(offlineErrors[0]?.code).toBe('FETCH_FAILED');
  });
});
