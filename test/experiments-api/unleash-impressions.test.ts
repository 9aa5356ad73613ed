/** The documented forwarding of an official Unleash SDK's impression events, run for real. */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forwardImpressions } from '../../docs/examples/forward-unleash-impressions';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
  await p.call('PUT', '/api/admin/metrics/card_activated', {
    token: p.tokens.admin,
    body: {
      key: 'card_activated',
      name: 'Card activated',
      kind: 'conversion',
      direction: 'higher-is-better',
      unit: '%',
    },
  });
  const res = await p.call('PUT', '/api/admin/experiments/card-onboarding', {
    token: p.tokens.admin,
    body: {
      key: 'card-onboarding',
      name: 'Card onboarding',
      hypothesis: 'More activations',
      squad: 'cards',
      environment: 'development',
      channels: ['mobile', 'web'],
      variants: [
        { name: 'control', weight: 1 },
        { name: 'guided', weight: 1 },
      ],
      primaryMetric: 'card_activated',
      status: 'running',
    },
  });
  expect(res.status).toBe(201);
});
afterAll(() => p.close());

it('forwards unleash-client impressions as exposures, one per customer and channel', async () => {
  const unleash = new Unleash({
    appName: 'card-service',
    url: `${p.url}/api/`,
    customHeaders: { Authorization: p.tokens.client },
    refreshInterval: 60_000,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  await new Promise((resolve) => unleash.once('synchronized', resolve));
  const flush = forwardImpressions(unleash, { url: p.url, clientKey: p.tokens.client, channel: 'web' });
  const variants = new Map<string, string>();
  for (let i = 0; i < 30; i++) {
    for (let k = 0; k < 2; k++) {
      const v = unleash.getVariant('card-onboarding', { userId: `u${i}`, properties: { channel: 'mobile' } });
      variants.set(`u${i}`, v.name);
    }
  }
  await flush();
  unleash.destroy();
  const results = await bodyOf<ExperimentResults>(
    await p.call('GET', '/api/admin/experiments/card-onboarding/results', { token: p.tokens.admin }),
  );
  expect(results.units).toBe(30);
  for (const v of results.variants) {
    expect(v.units).toBe([...variants.values()].filter((name) => name === v.name).length);
  }
});
