/**
 * The client API's filters as Unleash answers them, through the official Node SDK configured with
 * `tags`, `namePrefix` and `projectName`; and frontend API variants carrying `featureEnabled`.
 */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const allOn = () => ({ enabled: true, channels: { mobile: true, web: true }, strategies: [] });

beforeAll(async () => {
  p = await startTestPlatform();
  const flags = [
    { name: 'loan-banner', squad: 'lending', tags: ['team:growth', 'simple:lending'] },
    { name: 'loan-rates', squad: 'lending', tags: ['lending'] },
    { name: 'card-freeze', squad: 'cards', tags: ['team:ops'] },
    { name: 'card-limits', squad: 'cards', tags: [] },
  ];
  for (const f of flags) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: {
        ...f,
        variants: [{ name: 'blue', weight: 1000, weightType: 'variable' }],
        environments: { development: allOn() },
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
});
afterAll(async () => {
  await p.close();
});

async function namesFor(options: Partial<ConstructorParameters<typeof Unleash>[0]>): Promise<string[]> {
  const unleash = new Unleash({
    url: `${p.url}/api/`,
    appName: 'filters',
    customHeaders: { Authorization: p.tokens.client },
    refreshInterval: 60_000,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
    ...options,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      unleash.once('synchronized', () => resolve());
      unleash.once('error', reject);
    });
    return unleash
      .getFeatureToggleDefinitions()
      .map((f) => f.name)
      .sort();
  } finally {
    unleash.destroy();
  }
}

describe('client API filters, through unleash-client', () => {
  it('tags: a flag with any one of the tags; a bare omnilab tag is type simple', async () => {
    expect(await namesFor({ tags: [{ name: 'team', value: 'growth' }] })).toEqual(['loan-banner']);
    expect(
      await namesFor({
        tags: [
          { name: 'simple', value: 'lending' },
          { name: 'team', value: 'ops' },
        ],
      }),
    ).toEqual(['card-freeze', 'loan-banner', 'loan-rates']);
    expect(await namesFor({ tags: [{ name: 'team', value: 'nobody' }] })).toEqual([]);
  });

  it('namePrefix and project, alone and with tags', async () => {
    expect(await namesFor({ namePrefix: 'card-' })).toEqual(['card-freeze', 'card-limits']);
    expect(await namesFor({ projectName: 'lending' })).toEqual(['loan-banner', 'loan-rates']);
    expect(await namesFor({ projectName: 'cards', tags: [{ name: 'team', value: 'ops' }] })).toEqual([
      'card-freeze',
    ]);
  });

  it('the answer echoes the query as Unleash does, and a filtered ETag differs', async () => {
    const res = await p.call('GET', '/api/client/features?tag=team:growth&tag=simple:lending', {
      token: p.tokens.client,
    });
    const doc = await bodyOf<ClientFeaturesDocument>(res);
    expect(doc.query).toMatchObject({
      tag: [
        ['team', 'growth'],
        ['simple', 'lending'],
      ],
    });
    const all = await p.call('GET', '/api/client/features', { token: p.tokens.client });
    expect(res.headers.get('etag')).not.toBe(all.headers.get('etag'));
  });
});

describe('frontend API variants', () => {
  it('carry featureEnabled beside feature_enabled', async () => {
    const res = await p.call('GET', '/api/frontend?userId=u1&channel=mobile', { token: p.tokens.frontend });
    const { toggles } = await bodyOf<{ toggles: { name: string; variant: Record<string, unknown> }[] }>(res);
    const banner = toggles.find((t) => t.name === 'loan-banner');
    expect(banner?.variant).toMatchObject({
      name: 'blue',
      enabled: true,
      feature_enabled: true,
      featureEnabled: true,
    });
  });
});
