/**
 * The SDK's OpenFeature providers for the server and web SDKs: typed resolution with reasons and
 * variants, errors, tracking and exposures, and configuration change events.
 */
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClientFeaturesDocument } from '../../sdk/src';
import { OmnilabProvider as ServerProvider } from '../../sdk/src/openfeature-server';
import { OmnilabProvider as WebProvider } from '../../sdk/src/openfeature-web';
import { FlagServer, until } from './flag-server';

/** Flags that exercise every value type, reason and error code the providers map. */
const document: ClientFeaturesDocument = {
  version: 2,
  features: [
    { name: 'static-on', enabled: true, strategies: [{ name: 'default' }] },
    { name: 'off', enabled: false, strategies: [{ name: 'default' }] },
    {
      name: 'vip-only',
      enabled: true,
      strategies: [
        { name: 'default', constraints: [{ contextName: 'tier', operator: 'IN', values: ['vip'] }] },
      ],
    },
    {
      name: 'branch-only',
      enabled: true,
      strategies: [
        { name: 'default', constraints: [{ contextName: 'channel', operator: 'IN', values: ['branch'] }] },
      ],
    },
    {
      name: 'limits',
      type: 'experiment',
      enabled: true,
      strategies: [
        { name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: 'limits' } },
      ],
      variants: [
        { name: 'low', weight: 500, payload: { type: 'number', value: '1000' } },
        { name: 'high', weight: 500, payload: { type: 'number', value: '5000' } },
      ],
    },
    {
      name: 'banner',
      enabled: true,
      strategies: [{ name: 'default' }],
      variants: [
        {
          name: 'spring',
          weight: 1000,
          payload: { type: 'json', value: '{"title":"Spring offer","rate":3.5}' },
        },
      ],
    },
    {
      name: 'greeting',
      enabled: true,
      strategies: [{ name: 'default' }],
      variants: [{ name: 'formal', weight: 1000, payload: { type: 'string', value: 'Dear customer' } }],
    },
    {
      name: 'theme',
      enabled: true,
      strategies: [{ name: 'default' }],
      variants: [{ name: 'dark', weight: 1000 }],
    },
    {
      name: 'broken-json',
      enabled: true,
      strategies: [{ name: 'default' }],
      variants: [{ name: 'x', weight: 1000, payload: { type: 'json', value: '{nope' } }],
    },
  ],
};

let server: FlagServer;
beforeAll(async () => {
  server = await new FlagServer(document).start();
});
afterAll(async () => {
  await server.stop();
});

const options = () => ({
  url: server.url,
  clientKey: 'client-key',
  appName: 'bff',
  channel: 'web',
  refreshIntervalMs: 0,
  events: { flushIntervalMs: 60_000 },
});

describe('OmnilabProvider for @openfeature/server-sdk', () => {
  afterEach(async () => {
    await ServerOpenFeature.close();
  });

  it('resolves booleans, strings, numbers and objects with reasons and variants', async () => {
    await ServerOpenFeature.setProviderAndWait(new ServerProvider(options()));
    const client = ServerOpenFeature.getClient();
    const ctx = { targetingKey: 'customer-42' };

    expect(await client.getBooleanDetails('static-on', false, ctx)).toMatchObject({
      value: true,
      reason: 'STATIC',
    });
    expect(await client.getBooleanDetails('off', true, ctx)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });
    expect(await client.getBooleanValue('vip-only', false, { ...ctx, tier: 'vip' })).toBe(true);
    expect(await client.getBooleanDetails('vip-only', true, { ...ctx, tier: 'basic' })).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    });
    expect(await client.getBooleanValue('branch-only', false, ctx)).toBe(false);
    expect(await client.getBooleanValue('branch-only', false, { ...ctx, channel: 'branch' })).toBe(true);

    const limit = await client.getNumberDetails('limits', 0, ctx);
    expect(limit.reason).toBe('SPLIT');
    expect(limit.value).toBe(limit.variant === 'low' ? 1000 : 5000);
    expect(await client.getObjectDetails('banner', {}, ctx)).toMatchObject({
      value: { title: 'Spring offer', rate: 3.5 },
      variant: 'spring',
      reason: 'STATIC',
    });
    expect(await client.getStringDetails('greeting', 'Hi', ctx)).toMatchObject({
      value: 'Dear customer',
      variant: 'formal',
    });
    expect(await client.getStringValue('theme', 'light', ctx)).toBe('dark');
    expect(await client.getStringDetails('off', 'fallback', ctx)).toMatchObject({
      value: 'fallback',
      reason: 'DISABLED',
    });
    expect(await client.getStringDetails('static-on', 'fallback', ctx)).toMatchObject({
      value: 'fallback',
      reason: 'DEFAULT',
    });
  });

  it('answers errors with the default value and an OpenFeature error code', async () => {
    await ServerOpenFeature.setProviderAndWait(new ServerProvider(options()));
    const client = ServerOpenFeature.getClient();
    const ctx = { targetingKey: 'c1' };
    expect(await client.getBooleanDetails('missing', true, ctx)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getNumberDetails('theme', 7, ctx)).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(await client.getObjectDetails('greeting', { a: 1 }, ctx)).toMatchObject({
      value: { a: 1 },
      errorCode: 'TYPE_MISMATCH',
    });
    expect(await client.getObjectDetails('broken-json', { a: 1 }, ctx)).toMatchObject({
      value: { a: 1 },
      errorCode: 'PARSE_ERROR',
    });
  });

  it('maps client.track to a metric event and evaluations of experiments to one exposure', async () => {
    const before = server.received.length;
    const provider = new ServerProvider(options());
    await ServerOpenFeature.setProviderAndWait(provider);
    const client = ServerOpenFeature.getClient();
    const ctx = { targetingKey: 'customer-7', channel: 'mobile' };
    await client.getNumberValue('limits', 0, ctx);
    await client.getNumberValue('limits', 0, ctx);
    client.track('loan_applied', ctx, { value: 12000, product: 'personal-loan' });
    client.track('app_opened', { targetingKey: 'customer-7' });
    await provider.client.flush();
    const events = server.received.slice(before);
    expect(events.map((e) => e.type)).toEqual(['exposure', 'metric', 'metric']);
    expect(events[0]).toMatchObject({ experiment: 'limits', userId: 'customer-7', channel: 'mobile' });
    expect(events[1]).toMatchObject({
      metric: 'loan_applied',
      value: 12000,
      userId: 'customer-7',
      channel: 'mobile',
    });
    expect(events[2]).toMatchObject({ metric: 'app_opened', value: 1, channel: 'web' });
  });

  it('emits ConfigurationChanged when the server configuration changes', async () => {
    const { ProviderEvents } = await import('@openfeature/server-sdk');
    const provider = new ServerProvider({ ...options(), refreshIntervalMs: 50 });
    await ServerOpenFeature.setProviderAndWait(provider);
    let changes = 0;
    ServerOpenFeature.addHandler(ProviderEvents.ConfigurationChanged, () => {
      changes++;
    });
    server.document = { ...document, features: document.features.map((f) => ({ ...f, enabled: false })) };
    try {
      await until(() => changes > 0, 'a configuration change');
      expect(await ServerOpenFeature.getClient().getBooleanValue('static-on', true)).toBe(false);
    } finally {
      server.document = document;
    }
  });
});

describe('OmnilabProvider for @openfeature/web-sdk', () => {
  afterEach(async () => {
    await WebOpenFeature.close();
  });

  it('resolves synchronously against the static context and tracks', async () => {
    const before = server.received.length;
    const provider = new WebProvider({ ...options(), channel: 'wechat' });
    await WebOpenFeature.setContext({ targetingKey: 'customer-9', tier: 'vip' });
    await WebOpenFeature.setProviderAndWait(provider);
    const client = WebOpenFeature.getClient();
    expect(client.getBooleanDetails('vip-only', false)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    expect(client.getBooleanValue('branch-only', true)).toBe(false);
    expect(client.getObjectValue('banner', {})).toEqual({ title: 'Spring offer', rate: 3.5 });
    expect(client.getStringValue('greeting', '')).toBe('Dear customer');
    expect(client.getBooleanDetails('missing', true)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    const limit = client.getNumberDetails('limits', 0);
    expect([1000, 5000]).toContain(limit.value);

    await WebOpenFeature.setContext({ targetingKey: 'customer-9', tier: 'basic' });
    expect(client.getBooleanValue('vip-only', true)).toBe(false);

    client.track('card_activated', { value: 1 });
    await provider.client.flush();
    const events = server.received.slice(before);
    expect(events.map((e) => [e.type, e.userId, e.channel])).toEqual([
      ['exposure', 'customer-9', 'wechat'],
      ['metric', 'customer-9', 'wechat'],
    ]);
  });
});
