/**
 * Unleash's streaming and delta APIs as their callers see them: the official unleash-client in
 * streaming mode learns a change within a second; a resume with Last-Event-ID gets what it missed
 * as a delta; a key never hears of another environment's changes; an app key's stream carries the
 * same hidden document as its polling route; delta polls rebuild the polled document.
 */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../functions/services/tokens';
import { applyDelta } from '../../shared/evaluation/delta';
import type { ClientFeaturesDocument, DeltaDocument, DeltaEvent } from '../../shared/model/client-features';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';
import { openSse, type SseReader } from './sse-reader';

let p: TestPlatform;
let appKey: string;
const SPEC = { 'unleash-client-spec': '5.2.0' };
const open: SseReader[] = [];

const mobile = { properties: { channel: 'mobile' } };
const on = { enabled: true, channels: { mobile: true, web: true }, strategies: [] };

beforeAll(async () => {
  p = await startTestPlatform();
  for (const name of ['stream-banner', 'stream-rates', 'stream-quiet']) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'lending', environments: { development: on } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  // A flag whose targeting names customers: an app key must only ever see it hashed.
  const vip = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: {
      name: 'stream-vip',
      squad: 'lending',
      environments: {
        development: {
          ...on,
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: '100', stickiness: 'default', groupId: 'stream-vip' },
              constraints: [{ contextName: 'userId', operator: 'IN', values: ['CUST-4242'] }],
            },
          ],
        },
      },
    },
  });
  expect(vip.status, await vip.clone().text()).toBe(201);
  appKey = generateToken('client', 'development');
  await p.runtime.tokens.seed([
    {
      hash: hashToken(appKey),
      name: 'stream-app',
      kind: 'client',
      environment: 'development',
      audience: 'app',
      createdAt: new Date().toISOString(),
    },
  ]);
});
afterAll(async () => {
  for (const r of open) r.close();
  await p.close();
});

async function setEnabled(name: string, env: string, enabled: boolean): Promise<void> {
  const flag = await bodyOf<{ version: number }>(
    await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }),
  );
  const res = await p.call('PUT', `/api/admin/flags/${name}/environments/${env}`, {
    token: p.tokens.admin,
    body: { version: flag.version, enabled },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function stream(token: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const reader = await openSse(`${p.url}/api/client/streaming`, {
    authorization: token,
    accept: 'text/event-stream',
    ...SPEC,
    ...headers,
  });
  open.push(reader);
  return reader;
}

const eventsOf = (data: string) => (JSON.parse(data) as DeltaDocument).events;
const polled = async (token: string) =>
  bodyOf<ClientFeaturesDocument>(await p.call('GET', '/api/client/features', { token, headers: SPEC }));

describe('GET /api/client/streaming, with the official unleash-client', () => {
  it('a connected SDK in streaming mode sees a change within a second', async () => {
    const unleash = new Unleash({
      url: `${p.url}/api/`,
      appName: 'streaming-test',
      customHeaders: { Authorization: p.tokens.client },
      refreshInterval: 60_000,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      experimentalMode: { type: 'streaming' },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        unleash.once('synchronized', () => resolve());
        unleash.once('error', reject);
      });
      expect(unleash.isEnabled('stream-banner', mobile)).toBe(true);
      for (const enabled of [false, true]) {
        const seen = new Promise<number>((resolve) => {
          const check = () => {
            if (unleash.isEnabled('stream-banner', mobile) === enabled) {
              unleash.off('changed', check);
              resolve(Date.now());
            }
          };
          unleash.on('changed', check);
        });
        await setEnabled('stream-banner', 'development', enabled);
        // From the moment the write is committed (its answer came back) to the SDK's change.
        const committed = Date.now();
        const latency = Math.max(0, (await seen) - committed);
        expect(latency).toBeLessThan(1000);
      }
      // The other flags were never touched by the deltas.
      expect(unleash.getFeatureToggleDefinitions().map((f) => f.name)).toEqual(
        expect.arrayContaining(['stream-rates', 'stream-quiet', 'stream-vip']),
      );
    } finally {
      unleash.destroy();
    }
  });
});

describe('GET /api/client/streaming, raw', () => {
  it('opens with the whole document as a hydration, then sends only what changed', async () => {
    const s = await stream(p.tokens.client);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const first = (await s.next(2000))!;
    expect(first.event).toBe('unleash-connected');
    const [hydration] = eventsOf(first.data);
    expect(hydration.type).toBe('hydration');
    expect(applyDelta({ events: [hydration] })).toEqual({
      version: 2,
      features: (await polled(p.tokens.client)).features,
      segments: (await polled(p.tokens.client)).segments ?? [],
    });
    await setEnabled('stream-rates', 'development', false);
    const update = (await s.next(2000))!;
    expect(update.event).toBe('unleash-updated');
    const events = eventsOf(update.data);
    expect(events.map((e) => e.type)).toEqual(['feature-updated']);
    expect(events[0].type === 'feature-updated' && events[0].feature).toMatchObject({
      name: 'stream-rates',
      enabled: false,
    });
    expect(update.id).not.toBe(first.id);
    s.close();
    await setEnabled('stream-rates', 'development', true);
  });

  it('Last-Event-ID: a reconnect gets what it missed as a delta, and nothing when it missed nothing', async () => {
    const s = await stream(p.tokens.client);
    const first = (await s.next(2000))!;
    s.close();
    await setEnabled('stream-quiet', 'development', false);
    const resumed = await stream(p.tokens.client, { 'last-event-id': first.id! });
    const connected = (await resumed.next(2000))!;
    expect(connected.event).toBe('unleash-connected');
    const missed = eventsOf(connected.data);
    expect(missed.map((e) => e.type)).toEqual(['feature-updated']);
    expect(missed[0].type === 'feature-updated' && missed[0].feature.name).toBe('stream-quiet');
    resumed.close();
    const again = await stream(p.tokens.client, { 'last-event-id': connected.id! });
    expect(eventsOf((await again.next(2000))!.data)).toEqual([]);
    again.close();
    // An id this server never served: the whole document again, never a guess.
    const unknown = await stream(p.tokens.client, { 'last-event-id': 'not-a-revision' });
    expect(eventsOf((await unknown.next(2000))!.data).map((e) => e.type)).toEqual(['hydration']);
    unknown.close();
    await setEnabled('stream-quiet', 'development', true);
  });

  it("a key for one environment never receives another environment's changes", async () => {
    const dev = await stream(p.tokens.client);
    const devFirst = (await dev.next(2000))!;
    const prod = await stream(p.tokens.productionClient);
    const prodFirst = (await prod.next(2000))!;
    await setEnabled('stream-banner', 'development', false);
    expect((await dev.next(2000))?.event).toBe('unleash-updated');
    expect(await prod.next(1200)).toBeUndefined();
    // Resuming with the development stream's revision on a production key: a hydration of
    // production only, never a delta that names development's state.
    const crossed = await stream(p.tokens.productionClient, { 'last-event-id': devFirst.id! });
    const [hydration, ...rest] = eventsOf((await crossed.next(2000))!.data);
    expect(rest).toEqual([]);
    expect(hydration.type === 'hydration' && hydration.features).toEqual(
      (await polled(p.tokens.productionClient)).features,
    );
    expect(prodFirst.id).not.toBe(devFirst.id);
    for (const r of [dev, prod, crossed]) r.close();
    await setEnabled('stream-banner', 'development', true);
  });

  it('an app key streams the same hidden document as it polls: no customer id in the stream', async () => {
    const s = await stream(appKey);
    const first = (await s.next(2000))!;
    expect(first.data).not.toContain('CUST-4242');
    const [hydration] = eventsOf(first.data);
    const doc = await polled(appKey);
    expect(hydration.type === 'hydration' && hydration.features).toEqual(doc.features);
    await setEnabled('stream-vip', 'development', false);
    const update = (await s.next(2000))!;
    expect(update.data).not.toContain('CUST-4242');
    const after = await polled(appKey);
    const vip = eventsOf(update.data).find(
      (e) => e.type === 'feature-updated' && e.feature.name === 'stream-vip',
    );
    expect(vip?.type === 'feature-updated' && vip.feature).toEqual(
      after.features.find((f) => f.name === 'stream-vip'),
    );
    s.close();
  });

  it('refuses a missing or wrong key before streaming anything', async () => {
    const none = await stream('');
    expect(none.status).toBe(401);
    const frontend = await stream(p.tokens.frontend);
    expect(frontend.status).toBe(403);
  });

  it('a plain GET (not an event-stream reader) gets the connected event and the end of the answer', async () => {
    const res = await p.call('GET', '/api/client/streaming', { token: p.tokens.client, headers: SPEC });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /^id: [^\n]+\nevent: unleash-connected\ndata: \{"events":\[\{"eventId":\d+,"type":"hydration"/,
    );
  });
});

describe('GET /api/client/delta', () => {
  it('the revision in the ETag; 304 when current; a delta from a known revision rebuilds the polled document', async () => {
    const first = await p.call('GET', '/api/client/delta', { token: p.tokens.client, headers: SPEC });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const events: DeltaEvent[] = (await bodyOf<DeltaDocument>(first)).events;
    expect(events.map((e) => e.type)).toEqual(['hydration']);
    const same = await p.call('GET', '/api/client/delta', {
      token: p.tokens.client,
      headers: { ...SPEC, 'if-none-match': etag },
    });
    expect(same.status).toBe(304);
    await setEnabled('stream-rates', 'development', false);
    const next = await p.call('GET', '/api/client/delta', {
      token: p.tokens.client,
      headers: { ...SPEC, 'if-none-match': etag },
    });
    expect(next.status).toBe(200);
    expect(next.headers.get('etag')).not.toBe(etag);
    const delta = (await bodyOf<DeltaDocument>(next)).events;
    expect(delta.map((e) => e.type)).toEqual(['feature-updated']);
    const rebuilt = applyDelta({ events: [...events, ...delta] });
    const doc = await polled(p.tokens.client);
    expect(rebuilt.features).toEqual(doc.features);
    // The revision is the polled document's own ETag: a client may switch routes freely.
    const features = await p.call('GET', '/api/client/features', { token: p.tokens.client, headers: SPEC });
    expect(features.headers.get('etag')).toBe(next.headers.get('etag'));
    await setEnabled('stream-rates', 'development', true);
  });
});

describe('OFREP eventStreams (ADR-0008)', () => {
  it('bulk evaluation offers the SSE stream; a change sends a refresh, after which bulk evaluation answers anew', async () => {
    const ctx = { context: { targetingKey: 'c1', channel: 'mobile' } };
    const bulk = await p.call('POST', '/ofrep/v1/evaluate/flags', { token: p.tokens.frontend, body: ctx });
    expect(bulk.status).toBe(200);
    const etag = bulk.headers.get('etag')!;
    const answer = await bodyOf<{ flags: { key: string }[]; eventStreams: unknown[] }>(bulk);
    expect(answer.eventStreams).toEqual([
      { type: 'sse', endpoint: { requestUri: '/ofrep/v1/sse' }, inactivityDelaySec: 120 },
    ]);
    expect(answer.flags.map((f) => f.key)).toContain('stream-quiet');
    const s = await openSse(`${p.url}/ofrep/v1/sse`, {
      authorization: `Bearer ${p.tokens.frontend}`,
      accept: 'text/event-stream',
    });
    open.push(s);
    const first = (await s.next(2000))!;
    expect(JSON.parse(first.data)).toMatchObject({ type: 'refresh' });
    await setEnabled('stream-quiet', 'development', false);
    const notice = (await s.next(2000))!;
    expect(JSON.parse(notice.data)).toEqual({ type: 'refresh', flagConfigEtag: `"${notice.id}"` });
    // A frontend key hears only that something changed, never what.
    expect(notice.data).not.toContain('stream-quiet');
    const again = await p.call('POST', '/ofrep/v1/evaluate/flags', {
      token: p.tokens.frontend,
      body: ctx,
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(200);
    const keys = (await bodyOf<{ flags: { key: string }[] }>(again)).flags.map((f) => f.key);
    expect(keys).not.toContain('stream-quiet');
    s.close();
    await setEnabled('stream-quiet', 'development', true);
  });
});
