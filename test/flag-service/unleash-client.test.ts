/** The official Node SDK, unmodified, polling the running local platform. */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { ClientMetricsRow } from '../../shared/store/client-metrics-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';
import { contexts, createScenario, toggleChannel } from '../support/scenario';

let p: TestPlatform;
let unleash: Unleash;
let names: string[];

beforeAll(async () => {
  p = await startTestPlatform();
  names = await createScenario(p);
  unleash = new Unleash({
    url: `${p.url}/api/`,
    appName: 'mobile-banking',
    customHeaders: { Authorization: p.tokens.client, 'omnilab-channel': 'mobile' },
    refreshInterval: 200,
    metricsInterval: 300,
    storageProvider: new InMemStorageProvider(),
  });
  await new Promise<void>((resolve, reject) => {
    unleash.once('synchronized', () => resolve());
    unleash.once('error', reject);
  });
});
afterAll(async () => {
  unleash?.destroy();
  await p.close();
});

describe('unleash-client against /api/client/features', () => {
  it("agrees with omnilab's own evaluation over many contexts and channels", async () => {
    const doc = await bodyOf<ClientFeaturesDocument>(
      await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin }),
    );
    const own = compile(doc);
    let enabled = 0;
    let compared = 0;
    for (const ctx of contexts(400)) {
      // unleash-client adds its static context: appName and environment.
      const full = { ...ctx, appName: 'mobile-banking', environment: 'default' };
      for (const name of names) {
        const expected = evaluate(own, name, full);
        expect(unleash.isEnabled(name, ctx), `${name} ${JSON.stringify(ctx)}`).toBe(expected.enabled);
        const variant = unleash.getVariant(name, ctx);
        expect(
          { name: variant.name, enabled: variant.enabled, payload: variant.payload },
          `${name} ${JSON.stringify(ctx)}`,
        ).toEqual({
          name: expected.variant.name,
          enabled: expected.variant.enabled,
          payload: expected.variant.payload,
        });
        if (expected.enabled) enabled++;
        compared++;
      }
    }
    // The scenario is not trivially all-off or all-on.
    expect(enabled).toBeGreaterThan(compared * 0.2);
    expect(enabled).toBeLessThan(compared * 0.8);
  });

  it('sees a flag toggled for one channel through the admin API within its refresh interval', async () => {
    const atm = { userId: 'user-1', channel: 'atm' };
    expect(unleash.isEnabled('mobile-web-only', atm)).toBe(false);
    await toggleChannel(p, 'mobile-web-only', 'atm', true);
    await vi.waitFor(() => expect(unleash.isEnabled('mobile-web-only', atm)).toBe(true), {
      timeout: 3000,
      interval: 50,
    });
    expect(unleash.isEnabled('mobile-web-only', { userId: 'user-1', channel: 'branch' })).toBe(false);
    expect(unleash.isEnabled('mobile-web-only', { userId: 'user-1', properties: { channel: 'atm' } })).toBe(
      true,
    );
  });

  it('sends metrics that land per flag, app and channel', async () => {
    await vi.waitFor(
      async () => {
        const { metrics } = await bodyOf<{ metrics: ClientMetricsRow[] }>(
          await p.call('GET', '/api/admin/flags/rollout-30/metrics', { token: p.tokens.admin }),
        );
        const row = metrics.find((m) => m.appName === 'mobile-banking' && m.channel === 'mobile');
        expect(row).toBeDefined();
        expect(row!.yes + row!.no).toBeGreaterThanOrEqual(400);
      },
      { timeout: 5000, interval: 200 },
    );
  });
});
