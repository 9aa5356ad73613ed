/**
 * The SDK client's events against a real HTTP server: ids, batching, one exposure per customer,
 * retries with the same ids, offline storage, a bounded queue, and a hung endpoint costing nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  createClient,
  memoryStorage,
  type OmnilabClient,
  type SdkError,
} from '../../sdk/src';
import type { OmnilabClientInternals } from '../../sdk/src/create-client';
import type { ExposureEvent } from '../../shared/model/event';
import { FlagServer, sampleDocument, sleep, until } from './flag-server';

const open: OmnilabClient[] = [];
const servers: FlagServer[] = [];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function server(): Promise<FlagServer> {
  const s = await new FlagServer(sampleDocument()).start();
  servers.push(s);
  return s;
}

function client(options: Partial<ClientOptions>) {
  const errors: SdkError[] = [];
  const c = createClient({
    appName: 'mobile-app',
    channel: 'mobile',
    clientKey: 'client-key',
    refreshIntervalMs: 0,
    bootstrap: sampleDocument(),
    onError: (e) => errors.push(e),
    ...options,
    events: { flushIntervalMs: 60_000, ...options.events },
  }) as OmnilabClientInternals;
  open.push(c);
  return { c, errors };
}

afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.stop();
});

describe('events against a real HTTP server', () => {
  it('sends metric events with unique ids, the client channel and app, on flush', async () => {
    const s = await server();
    const { c, errors } = client({ url: s.url });
    c.track('transfer_completed', 1, { userId: 'u1' });
    c.track('transfer_amount', 250.5, { userId: 'u1', channel: 'branch' });
    c.track('login');
    await c.flush();
    expect(s.received).toHaveLength(2);
    const [a, b] = s.received;
    expect(a).toMatchObject({
      type: 'metric',
      metric: 'transfer_completed',
      value: 1,
      userId: 'u1',
      channel: 'mobile',
    });
    expect(b).toMatchObject({
      metric: 'transfer_amount',
      value: 250.5,
      channel: 'branch',
      appName: 'mobile-app',
    });
    expect(a.id).toMatch(UUID);
    expect(a.id).not.toBe(b.id);
    expect(Date.parse(a.timestamp)).toBeGreaterThan(Date.now() - 5000);
    expect(errors.map((e) => e.code)).toEqual(['INVALID_ARGUMENT']);
    expect(s.requestsTo('/api/events')[0].headers.authorization).toBe('client-key');
  });

  it('sends one exposure per customer, experiment and channel, carrying the variant', async () => {
    const s = await server();
    const { c } = client({ url: s.url });
    for (let i = 0; i < 50; i++) {
      c.getVariant('transfer-button', { userId: 'u1' });
      c.isEnabled('transfer-button', { userId: 'u1' });
    }
    c.getVariant('transfer-button', { userId: 'u1', channel: 'wechat' });
    c.getVariant('transfer-button', { userId: 'u2' });
    c.isEnabled('new-checkout', { userId: 'u1' });
    c.getVariant('closed-experiment', { userId: 'u1' });
    c.getVariant('transfer-button', {});
    await c.flush();
    const exposures = s.received as ExposureEvent[];
    expect(exposures.map((e) => [e.experiment, e.userId, e.channel])).toEqual([
      ['transfer-button', 'u1', 'mobile'],
      ['transfer-button', 'u1', 'wechat'],
      ['transfer-button', 'u2', 'mobile'],
    ]);
    expect(exposures[0].type).toBe('exposure');
    expect(exposures[0].variant).toBe(c.getVariant('transfer-button', { userId: 'u1' }).name);
    expect(['control', 'treatment']).toContain(exposures[2].variant);
  });

  it('sends a batch as soon as batchSize events are queued, and the rest on the timer', async () => {
    const s = await server();
    // Margins are wide: on a loaded machine a timer can be late, and the test must not flake.
    const { c } = client({ url: s.url, events: { batchSize: 3, flushIntervalMs: 3000 } });
    for (let i = 0; i < 3; i++) c.track('tap', 1, { userId: `u${i}` });
    const start = Date.now();
    await until(() => s.received.length === 3, 'the full batch', 2000);
    expect(Date.now() - start).toBeLessThan(2000);
    // The batch's answer settled first: an event queued while a batch is in flight rightly rides the
    // same drain (CI caught that race once), and this test is about the timer.
    await until(() => c.stats().sent === 3 && c.stats().queued === 0, 'the batch settled', 2000);
    c.track('tap', 1, { userId: 'u3' });
    await sleep(50);
    expect(s.received).toHaveLength(3);
    await until(() => s.received.length === 4, 'the timed batch', 6000);
    expect(s.requestsTo('/api/events')).toHaveLength(2);
  });

  it('splits a large queue into batches of at most 500 events', async () => {
    const s = await server();
    const { c } = client({ url: s.url, events: { batchSize: 500, maxQueueSize: 5000 } });
    for (let i = 0; i < 1200; i++) c.track('view', i, { userId: `u${i}` });
    await c.flush();
    await until(() => s.accepted.size === 1200, 'all events');
    const sizes = s.requestsTo('/api/events').length;
    expect(sizes).toBe(3);
    expect(c.stats()).toMatchObject({ sent: 1200, queued: 0, dropped: 0 });
  });

  it('retries a batch whose answer was lost with the same ids, so the server counts it once', async () => {
    const s = await server();
    s.loseResponses(1);
    const { c, errors } = client({ url: s.url, events: { flushIntervalMs: 50 } });
    c.track('transfer_completed', 1, { userId: 'u1' });
    c.track('transfer_completed', 1, { userId: 'u2' });
    await c.flush();
    expect(errors[0]?.code).toBe('EVENTS_FAILED');
    await until(() => c.stats().sent === 2, 'the retry', 3000);
    expect(s.received).toHaveLength(4);
    expect(s.received.slice(2).map((e) => e.id)).toEqual(s.received.slice(0, 2).map((e) => e.id));
    expect(s.accepted.size).toBe(2);
  });

  it('retries after 503 no sooner than Retry-After', async () => {
    const s = await server();
    s.script('/api/events', { status: 503, headers: { 'Retry-After': '1' } });
    const { c } = client({ url: s.url, events: { flushIntervalMs: 50 } });
    c.track('tap', 1, { userId: 'u1' });
    await c.flush();
    await until(() => s.accepted.size === 1, 'the retry', 3000);
    const [failed, retry] = s.requestsTo('/api/events');
    expect(retry.at - failed.at).toBeGreaterThanOrEqual(950);
  });

  it('reports events the server rejects and does not resend them', async () => {
    const s = await server();
    const { c, errors } = client({ url: s.url });
    c.track('a', 1, { userId: 'u1' });
    c.track('b', 1, { userId: 'u2' });
    s.reject = (e) => e.type === 'metric' && e.metric === 'b';
    await c.flush();
    await c.flush();
    expect(s.received).toHaveLength(2);
    expect(c.stats()).toMatchObject({ sent: 1, rejected: 1, queued: 0 });
    expect(errors).toEqual([expect.objectContaining({ code: 'EVENTS_REJECTED', count: 1 })]);
    expect(errors[0].message).toContain('userId: must be set');
  });

  it('keeps events in storage while offline and sends them from a later session', async () => {
    const s = await server();
    const url = s.url;
    await s.stop();
    const storage = memoryStorage();
    const { c, errors } = client({ url, storage });
    c.track('transfer_completed', 1, { userId: 'u1' });
    c.getVariant('transfer-button', { userId: 'u1' });
    await c.flush();
    expect(errors.some((e) => e.code === 'EVENTS_FAILED')).toBe(true);
    c.close();
    await sleep(10);
    const saved = JSON.parse(storage.data.get('omnilab:default:mobile-app:events')!);
    expect(saved.map((e: { type: string }) => e.type)).toEqual(['metric', 'exposure']);

    const back = await new FlagServer(sampleDocument()).start(s.port);
    servers.push(back);
    const { c: next } = client({ url, storage });
    await next.flush();
    expect([...back.accepted.values()].map((e) => e.id)).toEqual(saved.map((e: { id: string }) => e.id));
    await sleep(10);
    expect(JSON.parse(storage.data.get('omnilab:default:mobile-app:events')!)).toEqual([]);
  });

  it('bounds the queue, drops the oldest and counts them', async () => {
    const s = await server();
    const url = s.url;
    await s.stop();
    const { c, errors } = client({ url, events: { maxQueueSize: 5, batchSize: 100, flushIntervalMs: 50 } });
    for (let i = 0; i < 12; i++) c.track('tap', i, { userId: 'u' });
    expect(c.stats()).toMatchObject({ queued: 5, dropped: 7 });
    await until(() => errors.some((e) => e.code === 'EVENTS_DROPPED'), 'the drop report', 1000);
    expect(errors.find((e) => e.code === 'EVENTS_DROPPED')).toMatchObject({ count: 7 });
    const back = await new FlagServer(sampleDocument()).start(s.port);
    servers.push(back);
    await c.flush();
    expect([...back.accepted.values()].map((e) => (e as { value: number }).value)).toEqual([7, 8, 9, 10, 11]);
  });

  it('stops sending on 401 and keeps the events queued', async () => {
    const s = await server();
    s.token = 'other';
    const { c, errors } = client({ url: s.url, events: { flushIntervalMs: 50 } });
    c.track('tap', 1, { userId: 'u' });
    await c.flush();
    await sleep(200);
    expect(s.requestsTo('/api/events')).toHaveLength(1);
    expect(errors.find((e) => e.code === 'UNAUTHORIZED')).toMatchObject({ status: 401 });
    expect(c.stats().queued).toBe(1);
  });

  it('costs the customer path nothing when the endpoint hangs', async () => {
    const s = await server();
    s.script('/api/events', { status: 200, body: '{"results":[]}' });
    const { c } = client({ url: s.url, requestTimeoutMs: 100, events: { batchSize: 1 } });
    const start = performance.now();
    for (let i = 0; i < 1000; i++) c.track('tap', 1, { userId: `u${i}` });
    expect(performance.now() - start).toBeLessThan(100);
    await c.flush();
  });
});
