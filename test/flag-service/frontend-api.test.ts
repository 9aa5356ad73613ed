/** unleash-proxy-client, unmodified, against /api/frontend: evaluated on the server with the same core. */
import { UnleashClient } from 'unleash-proxy-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';
import { contexts, createScenario, toggleChannel } from '../support/scenario';

let p: TestPlatform;
let names: string[];
const clients: UnleashClient[] = [];

beforeAll(async () => {
  p = await startTestPlatform();
  names = await createScenario(p);
});
afterAll(async () => {
  for (const c of clients) c.stop();
  await p.close();
});

function client(options: { context?: object; usePOSTrequests?: boolean; refreshInterval?: number } = {}) {
  const c = new UnleashClient({
    url: `${p.url}/api/frontend`,
    clientKey: p.tokens.frontend,
    appName: 'web-banking',
    refreshInterval: options.refreshInterval ?? 1,
    metricsInterval: 1,
    context: options.context ?? {},
    usePOSTrequests: options.usePOSTrequests ?? false,
  });
  clients.push(c);
  return c;
}

async function ownEvaluation(): Promise<ReturnType<typeof compile>> {
  const doc = await bodyOf<ClientFeaturesDocument>(
    await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin }),
  );
  return compile(doc);
}

describe('unleash-proxy-client against /api/frontend', () => {
  for (const usePOSTrequests of [false, true]) {
    it(`agrees with the core for many contexts (${usePOSTrequests ? 'POST' : 'GET'})`, async () => {
      const own = await ownEvaluation();
      const c = client({ usePOSTrequests, refreshInterval: 0 });
      await c.start();
      for (const ctx of contexts(40)) {
        await c.updateContext(ctx);
        const full = { ...ctx, appName: 'web-banking', environment: 'default' };
        for (const name of names) {
          const expected = evaluate(own, name, full);
          expect(c.isEnabled(name), `${name} ${JSON.stringify(ctx)}`).toBe(expected.enabled);
          const variant = c.getVariant(name);
          expect(variant.name).toBe(expected.enabled ? expected.variant.name : 'disabled');
          expect(variant.payload).toEqual(expected.enabled ? expected.variant.payload : undefined);
        }
      }
      c.stop();
    });
  }

  it('returns only enabled toggles, with the shape the client expects', async () => {
    const res = await p.call('GET', '/api/frontend?userId=user-1&channel=mobile&properties%5Btier%5D=gold', {
      token: p.tokens.frontend,
    });
    const { toggles } = await bodyOf<{
      toggles: { name: string; enabled: boolean; variant: object; impressionData: boolean }[];
    }>(res);
    expect(toggles.length).toBeGreaterThan(0);
    expect(toggles.every((t) => t.enabled)).toBe(true);
    expect(toggles.map((t) => t.name)).not.toContain('killed');
    expect(toggles.find((t) => t.name === 'gold-tier')).toMatchObject({
      variant: { name: 'disabled', enabled: false },
      impressionData: false,
    });
    const etag = res.headers.get('etag')!;
    const again = await p.call(
      'GET',
      '/api/frontend?userId=user-1&channel=mobile&properties%5Btier%5D=gold',
      {
        token: p.tokens.frontend,
        headers: { 'if-none-match': etag },
      },
    );
    expect(again.status).toBe(304);
  });

  it('sees a flag toggled for one channel through the admin API', async () => {
    const c = client({ context: { userId: 'user-5', properties: { channel: 'call_center' } } });
    await c.start();
    expect(c.isEnabled('mobile-web-only')).toBe(false);
    await toggleChannel(p, 'mobile-web-only', 'call_center', true);
    await vi.waitFor(() => expect(c.isEnabled('mobile-web-only')).toBe(true), {
      timeout: 4000,
      interval: 50,
    });
  });
});
