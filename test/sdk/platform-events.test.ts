/** The SDK's exposures and tracked metrics, through the real ingestion API, into experiment results. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, memoryStorage, type SdkError } from '../../sdk/src';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
  const put = (path: string, body: unknown) => p.call('PUT', path, { token: p.tokens.admin, body });
  await put('/api/admin/metrics/account_opened', {
    key: 'account_opened',
    name: 'Account opened',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  });
  for (const key of ['new-onboarding', 'branch-greeter']) {
    const res = await put(`/api/admin/experiments/${key}`, {
      key,
      name: key,
      hypothesis: 'Customers open more accounts',
      squad: 'payments',
      environment: 'development',
      channels: ['mobile', 'web', 'branch'],
      unit: key === 'branch-greeter' ? 'branch' : 'customer',
      variants: [
        { name: 'control', weight: 1 },
        { name: 'treatment', weight: 1 },
      ],
      primaryMetric: 'account_opened',
      status: 'running',
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => p.close());

it('sends one exposure per customer and channel, and tracked metrics land on the variant seen', async () => {
  const errors: SdkError[] = [];
  const client = createClient({
    url: p.url,
    clientKey: p.tokens.client,
    appName: 'mobile-banking',
    channel: 'mobile',
    storage: memoryStorage(),
    refreshIntervalMs: 60_000,
    onError: (e) => errors.push(e),
  });
  await client.ready();
  const seen = new Map<string, string>();
  for (let i = 0; i < 40; i++) {
    const userId = `customer-${i}`;
    // Three evaluations, one exposure: the SDK deduplicates per customer, experiment and channel.
    for (let k = 0; k < 3; k++) seen.set(userId, client.getVariant('new-onboarding', { userId }).name);
    if (seen.get(userId) === 'treatment' || i % 4 === 0)
      client.track('account_opened', 1, { userId, channel: 'branch' });
  }
  // A branch-randomised experiment finds its unit in the context's properties.
  client.getVariant('branch-greeter', {
    userId: 'teller-visitor',
    channel: 'branch',
    properties: { branch: 'sh-001' },
  });
  await client.flush();
  client.close();
  expect(errors).toEqual([]);

  const results = await bodyOf<ExperimentResults>(
    await p.call('GET', '/api/admin/experiments/new-onboarding/results', { token: p.tokens.productOwner }),
  );
  const metric = results.metrics.find((m) => m.key === 'account_opened')!;
  const expected = (variant: string) => [...seen.values()].filter((v) => v === variant).length;
  for (const variant of ['control', 'treatment']) {
    expect(metric.variants.find((v) => v.variant === variant)?.units).toBe(expected(variant));
  }
  expect(metric.variants.find((v) => v.variant === 'treatment')?.mean).toBe(1);
  const cluster = await bodyOf<ExperimentResults>(
    await p.call('GET', '/api/admin/experiments/branch-greeter/results', { token: p.tokens.admin }),
  );
  expect(cluster.units).toBe(1);
});
