/** @openfeature/server-sdk with @openfeature/ofrep-provider, unmodified, against OFREP. */
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { ErrorCode, OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';
import { contexts, createScenario, toggleChannel } from '../support/scenario';

let p: TestPlatform;
let names: string[];

beforeAll(async () => {
  p = await startTestPlatform();
  names = await createScenario(p);
  await OpenFeature.setProviderAndWait(
    new OFREPProvider({ baseUrl: p.url, headers: [['Authorization', p.tokens.client]] }),
  );
});
afterAll(async () => {
  await OpenFeature.close();
  await p.close();
});

describe('OFREP with the official provider', () => {
  it('resolves flags without payloads to their boolean, agreeing with the core', async () => {
    const doc = await bodyOf<ClientFeaturesDocument>(
      await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin }),
    );
    const own = compile(doc);
    const client = OpenFeature.getClient();
    const booleanFlags = names.filter((n) => n !== 'new-home-screen' && n !== 'strategy-variants');
    for (const ctx of contexts(60)) {
      const { userId, ...rest } = ctx;
      const ofContext = {
        targetingKey: userId,
        ...rest.properties,
        ...(rest.channel ? { channel: rest.channel } : {}),
        sessionId: rest.sessionId,
      };
      for (const name of booleanFlags) {
        const expected = evaluate(own, name, { ...ctx, environment: 'development' });
        const details = await client.getBooleanDetails(name, !expected.enabled, ofContext);
        expect(details.value, `${name} ${JSON.stringify(ctx)}`).toBe(expected.enabled);
        expect(details.errorCode).toBeUndefined();
      }
    }
  });

  it('resolves payload variants by type: json to an object, number to a number, string to a string', async () => {
    const client = OpenFeature.getClient();
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const ctx = { targetingKey: `user-${i}`, channel: 'mobile' };
      const res = await p.call('POST', '/ofrep/v1/evaluate/flags/new-home-screen', {
        token: p.tokens.client,
        body: { context: ctx },
      });
      const body = await bodyOf<{ value: unknown; variant: string }>(res);
      if (body.variant === 'blue') {
        expect(await client.getObjectValue('new-home-screen', {}, ctx)).toEqual({ colour: 'blue', cards: 3 });
        seen.add('blue');
      }
      if (body.variant === 'green') {
        expect(await client.getStringValue('new-home-screen', 'none', ctx)).toBe('green');
        seen.add('green');
      }
    }
    expect([...seen].sort()).toEqual(['blue', 'green']);
    const numeric = await p.call('POST', '/ofrep/v1/evaluate/flags/strategy-variants', {
      token: p.tokens.client,
      body: { context: { targetingKey: 'user-1', channel: 'web' } },
    });
    const n = await bodyOf<{ value: unknown; variant: string }>(numeric);
    expect(n.variant === 'a' ? n.value === 12.5 : n.value === true).toBe(true);
  });

  it('answers FLAG_NOT_FOUND for an unknown flag, and the caller gets its default', async () => {
    const details = await OpenFeature.getClient().getBooleanDetails('no-such-flag', true, {
      targetingKey: 'u',
    });
    expect(details.value).toBe(true);
    expect(details.errorCode).toBe(ErrorCode.FLAG_NOT_FOUND);
    const res = await p.call('POST', '/ofrep/v1/evaluate/flags/no-such-flag', {
      token: p.tokens.client,
      body: {},
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ key: 'no-such-flag', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('sees a flag toggled for one channel through the admin API', async () => {
    const client = OpenFeature.getClient();
    const ctx = { targetingKey: 'user-9', channel: 'wechat' };
    expect(await client.getBooleanValue('mobile-web-only', true, ctx)).toBe(false);
    await toggleChannel(p, 'mobile-web-only', 'wechat', true);
    expect(await client.getBooleanValue('mobile-web-only', false, ctx)).toBe(true);
    expect(await client.getBooleanValue('mobile-web-only', true, { ...ctx, channel: 'branch' })).toBe(false);
  });

  it('bulk evaluation: an ETag that covers the context, so a changed context never gets a stale 304', async () => {
    const bulk = (context: object, etag?: string) =>
      p.call('POST', '/ofrep/v1/evaluate/flags', {
        token: p.tokens.client,
        body: { context },
        headers: etag ? { 'if-none-match': etag } : {},
      });
    const first = await bulk({ targetingKey: 'user-1', channel: 'mobile' });
    expect(first.status).toBe(200);
    const { flags } = await bodyOf<{ flags: { key: string; value: unknown }[] }>(first);
    expect(flags.map((f) => f.key).sort()).toEqual([...names].sort());
    const etag = first.headers.get('etag')!;
    expect((await bulk({ targetingKey: 'user-1', channel: 'mobile' }, etag)).status).toBe(304);
    // Same flags, same answers perhaps, but another context: never a 304.
    expect((await bulk({ targetingKey: 'user-1', channel: 'web' }, etag)).status).toBe(200);
    expect((await bulk({ targetingKey: 'user-2', channel: 'mobile' }, etag)).status).toBe(200);
    await toggleChannel(p, 'killed', 'mobile', false);
    expect((await bulk({ targetingKey: 'user-1', channel: 'mobile' }, etag)).status).toBe(200);
  });
});
