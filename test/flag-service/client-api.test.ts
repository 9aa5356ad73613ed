/**
 * The Unleash client API on the local platform: features with ETags, segments by client spec
 * version, per-environment state, namePrefix; register and metrics counted per flag, app and
 * channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import type { ClientMetricsRow } from '../../shared/store/client-metrics-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
  const seg = await bodyOf<{ id: number }>(
    await p.call('POST', '/api/admin/segments', {
      token: p.tokens.admin,
      body: { name: 'gold', constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] },
    }),
  );
  const res = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: {
      name: 'gold-offers',
      squad: 'cards',
      environments: {
        development: {
          enabled: true,
          channels: { mobile: true, web: true },
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: 100, stickiness: 'default', groupId: 'g' },
              segments: [seg.id],
            },
          ],
        },
      },
    },
  });
  expect(res.status).toBe(201);
});
afterAll(() => p.close());

const features = (headers: Record<string, string> = {}, token = p.tokens.client) =>
  p.call('GET', '/api/client/features', { token, headers });

describe('GET /api/client/features', () => {
  it('answers with an ETag, and 304 when If-None-Match names it', async () => {
    const first = await features({ 'unleash-client-spec': '5.2.0' });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await features({ 'unleash-client-spec': '5.2.0', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const weak = await features({ 'unleash-client-spec': '5.2.0', 'if-none-match': `W/${etag}` });
    expect(weak.status).toBe(304);
  });

  it('changes the ETag when a flag changes', async () => {
    const before = (await features({ 'unleash-client-spec': '5.2.0' })).headers.get('etag')!;
    const flag = await bodyOf<Flag>(
      await p.call('GET', '/api/admin/flags/gold-offers', { token: p.tokens.admin }),
    );
    await p.call('PUT', '/api/admin/flags/gold-offers/environments/development/channels/wechat', {
      token: p.tokens.admin,
      body: { version: flag.version, enabled: true },
    });
    const after = await features({ 'unleash-client-spec': '5.2.0', 'if-none-match': before });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
  });

  it('returns segments separately from client spec 4.2.0 on, inlined before', async () => {
    const modern = await bodyOf<ClientFeaturesDocument>(await features({ 'unleash-client-spec': '4.2.0' }));
    expect(modern.segments).toHaveLength(1);
    expect(modern.features[0].strategies![0].segments).toEqual([modern.segments![0].id]);
    const old = await bodyOf<ClientFeaturesDocument>(await features({ 'unleash-client-spec': '4.1.0' }));
    expect(old.segments).toBeUndefined();
    const strategy = old.features[0].strategies![0];
    expect(strategy.segments).toBeUndefined();
    expect(strategy.constraints).toContainEqual({ contextName: 'tier', operator: 'IN', values: ['gold'] });
    const none = await bodyOf<ClientFeaturesDocument>(await features());
    expect(none.segments).toBeUndefined();
  });

  it('serves each environment its own state', async () => {
    const prod = await bodyOf<ClientFeaturesDocument>(
      await features({ 'unleash-client-spec': '5.2.0' }, p.tokens.productionClient),
    );
    expect(prod.features.find((f) => f.name === 'gold-offers')!.enabled).toBe(false);
  });

  it('filters by namePrefix as Unleash does', async () => {
    const doc = await bodyOf<ClientFeaturesDocument>(
      await p.call('GET', '/api/client/features?namePrefix=nothing', { token: p.tokens.client }),
    );
    expect(doc.features).toEqual([]);
  });
});

describe('POST /api/client/register and /api/client/metrics', () => {
  it('keeps yes/no/variant counts per flag, app and channel, readable in the admin API', async () => {
    const register = await p.call('POST', '/api/client/register', {
      token: p.tokens.client,
      headers: { 'omnilab-channel': 'mobile' },
      body: {
        appName: 'mobile-banking',
        instanceId: 'i-1',
        sdkVersion: 'unleash-node-sdk:6.12.1',
        strategies: ['default'],
        started: new Date().toISOString(),
        interval: 15000,
      },
    });
    expect(register.status).toBe(202);
    const bucket = (yes: number, no: number) => ({
      start: new Date().toISOString(),
      stop: new Date().toISOString(),
      toggles: { 'gold-offers': { yes, no, variants: { disabled: no, blue: yes } } },
    });
    for (const [channel, yes, no] of [
      ['mobile', 3, 1],
      ['mobile', 2, 0],
      ['web', 1, 5],
    ] as const) {
      const res = await p.call('POST', '/api/client/metrics', {
        token: p.tokens.client,
        headers: { 'omnilab-channel': channel },
        body: { appName: 'mobile-banking', instanceId: 'i-1', bucket: bucket(yes, no), platformName: 'node' },
      });
      expect(res.status).toBe(202);
    }
    await p.call('POST', '/api/client/metrics', {
      token: p.tokens.client,
      body: { appName: 'web-banking', channel: 'web', bucket: bucket(1, 1) },
    });
    const { metrics } = await bodyOf<{ metrics: ClientMetricsRow[] }>(
      await p.call('GET', '/api/admin/flags/gold-offers/metrics', { token: p.tokens.productOwner }),
    );
    const row = (app: string, channel: string) =>
      metrics.find((m) => m.appName === app && m.channel === channel);
    expect(row('mobile-banking', 'mobile')).toMatchObject({
      environment: 'development',
      yes: 5,
      no: 1,
      variants: { blue: 5, disabled: 1 },
    });
    expect(row('mobile-banking', 'web')).toMatchObject({ yes: 1, no: 5 });
    expect(row('web-banking', 'web')).toMatchObject({ yes: 1, no: 1 });
    const apps = await bodyOf<{ applications: { appName: string; channel: string }[] }>(
      await p.call('GET', '/api/admin/environments/development/applications', { token: p.tokens.admin }),
    );
    expect(apps.applications).toContainEqual(
      expect.objectContaining({ appName: 'mobile-banking', channel: 'mobile' }),
    );
  });
});
