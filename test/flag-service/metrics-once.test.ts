/**
 * A client-metrics batch counts once, whatever fails: a resent batch adds nothing; unleash-client,
 * whose send failed or whose answer was lost, resends the same bucket with newer counts added and
 * only those are counted; a batch that failed half-way and is resent ends with exact totals. Read
 * back through the admin API, as a product owner would.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransactWriteCommand } from '../../functions/aws/dynamodb-document';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import { createDynamoClientMetricsStore } from '../../functions/stores/dynamo-client-metrics-store';
import type { ClientMetricsCount, ClientMetricsRow } from '../../shared/store/client-metrics-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const FLAGS = ['count-a', 'count-b', 'count-c'];

beforeAll(async () => {
  p = await startTestPlatform();
  for (const name of FLAGS) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'payments' },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await p.close();
});

async function reported(flag: string, appName: string) {
  const { metrics } = await bodyOf<{ metrics: ClientMetricsRow[] }>(
    await p.call('GET', `/api/admin/flags/${flag}/metrics`, { token: p.tokens.productOwner }),
  );
  const rows = metrics.filter((m) => m.appName === appName);
  const variants: Record<string, number> = {};
  for (const r of rows) for (const [v, n] of Object.entries(r.variants)) variants[v] = (variants[v] ?? 0) + n;
  return {
    yes: rows.reduce((s, r) => s + r.yes, 0),
    no: rows.reduce((s, r) => s + r.no, 0),
    variants,
  };
}

describe('POST /api/client/metrics counts a batch once', () => {
  it('an identical batch sent again (any number of times) adds nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (yes, no, sends, withConnection) => {
          const appName = `resend-${randomBytes(4).toString('hex')}`;
          const body = {
            appName,
            instanceId: 'i-1',
            bucket: {
              start: new Date().toISOString(),
              stop: new Date().toISOString(),
              toggles: { 'count-a': { yes, no, variants: { blue: yes } } },
            },
          };
          const headers: Record<string, string> = { 'omnilab-channel': 'mobile' };
          if (withConnection) headers['unleash-connection-id'] = randomBytes(8).toString('hex');
          for (let i = 0; i < sends; i++) {
            const res = await p.call('POST', '/api/client/metrics', {
              token: p.tokens.client,
              headers,
              body,
            });
            expect(res.status).toBe(202);
          }
          const got = await reported('count-a', appName);
          expect({ yes: got.yes, no: got.no }).toEqual({ yes, no });
          expect(got.variants.blue ?? 0).toBe(yes);
        },
      ),
      { numRuns: 15, seed: 1402 },
    );
  });

  it("unleash-client's resend of a kept bucket (same start, newer counts added) counts only the new ones", async () => {
    const appName = 'kept-bucket';
    const connection = randomBytes(8).toString('hex');
    const start = new Date().toISOString();
    const send = async (yes: number, no: number) =>
      p.call('POST', '/api/client/metrics', {
        token: p.tokens.client,
        headers: { 'unleash-connection-id': connection, 'omnilab-channel': 'web' },
        body: {
          appName,
          instanceId: 'host-1',
          connectionId: connection,
          bucket: {
            start,
            stop: new Date().toISOString(),
            toggles: { 'count-b': { yes, no, variants: {} } },
          },
        },
      });
    expect((await send(3, 1)).status).toBe(202);
    // The answer was lost: the SDK keeps the bucket (3, 1), counts 2 more yes, and sends (5, 1).
    expect((await send(5, 1)).status).toBe(202);
    expect((await send(5, 1)).status).toBe(202);
    const got = await reported('count-b', appName);
    expect({ yes: got.yes, no: got.no }).toEqual({ yes: 5, no: 1 });
  });

  it('unleash-client, unmodified, whose first metrics answer is lost, ends with exact totals', async () => {
    // A proxy that forwards everything, and for the first metrics request forwards it (so it is
    // stored) and then drops the connection instead of answering.
    let dropped = 0;
    const target = new URL(p.url);
    const proxy: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const forward = request(
          {
            host: target.hostname,
            port: target.port,
            path: req.url,
            method: req.method,
            headers: req.headers,
          },
          (up) => {
            const body: Buffer[] = [];
            up.on('data', (c: Buffer) => body.push(c));
            up.on('end', () => {
              if (req.url?.endsWith('/client/metrics') && dropped === 0) {
                dropped++;
                req.socket.destroy();
                return;
              }
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(Buffer.concat(body));
            });
          },
        );
        forward.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as AddressInfo).port;
    const unleash = new Unleash({
      url: `http://127.0.0.1:${port}/api/`,
      appName: 'lost-answer-app',
      customHeaders: { Authorization: p.tokens.client, 'omnilab-channel': 'branch' },
      refreshInterval: 60_000,
      metricsInterval: 200,
      storageProvider: new InMemStorageProvider(),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        unleash.once('synchronized', () => resolve());
        unleash.once('error', reject);
      });
      let calls = 0;
      const evaluateSome = (n: number) => {
        for (let i = 0; i < n; i++, calls++)
          unleash.isEnabled('count-c', { userId: `u${i}`, channel: 'branch' });
      };
      evaluateSome(7);
      await vi.waitFor(() => expect(dropped).toBe(1), { timeout: 5000, interval: 20 });
      evaluateSome(11);
      await vi.waitFor(
        async () => {
          const got = await reported('count-c', 'lost-answer-app');
          expect(got.yes + got.no).toBe(calls);
        },
        { timeout: 5000, interval: 100 },
      );
      // And it stays exact: nothing more arrives later.
      await new Promise((r) => setTimeout(r, 600));
      const got = await reported('count-c', 'lost-answer-app');
      expect(got.yes + got.no).toBe(18);
    } finally {
      unleash.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe('the store: a batch that fails half-way, sent again, ends with exact totals', () => {
  it('for any batch size and any transaction that fails, the resend makes the totals exact', async () => {
    const clients = createDynamoClients({
      dynamodbEndpoint: p.runtime.config.dynamodbEndpoint,
      region: 'local',
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 160 }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 5 }),
          async (flags, failAt, extra) => {
            let sent = 0;
            let armed = true;
            const flaky = new Proxy(clients.doc, {
              get(target, prop, receiver) {
                if (prop !== 'send') return Reflect.get(target, prop, receiver);
                return (command: unknown) => {
                  if (armed && command instanceof TransactWriteCommand && sent++ === failAt)
                    return Promise.reject(new Error('connection reset mid-batch'));
                  return target.send(command as TransactWriteCommand);
                };
              },
            });
            const store = createDynamoClientMetricsStore(flaky, p.runtime.tables, 1);
            const hour = '2026-01-01T10:00:00.000Z';
            const env = `env-${randomBytes(4).toString('hex')}`;
            const counts = (add: number): ClientMetricsCount[] =>
              Array.from({ length: flags }, (_, i) => ({
                flag: `f${i}`,
                appName: 'app',
                channel: 'web',
                yes: i + add,
                no: 1,
                variants: { v: i + add },
              }));
            const first = await store.record(env, hour, 'batch-1', counts(0)).then(
              () => 'stored',
              () => 'failed',
            );
            // One transaction holds 50 flags: a failure before the last stored nothing of its part.
            const transactions = Math.ceil(flags / 50);
            expect(first).toBe(failAt < transactions ? 'failed' : 'stored');
            armed = false;
            // The SDK sends the same batch again, with `extra` more yes counts on each flag.
            await store.record(env, hour, 'batch-1', counts(extra));
            for (const i of [0, flags - 1, Math.floor(flags / 2)]) {
              const rows = await store.listByFlag(env, `f${i}`);
              expect(rows.map((r) => ({ yes: r.yes, no: r.no, v: r.variants.v ?? 0 }))).toEqual([
                { yes: i + extra, no: 1, v: i + extra },
              ]);
            }
          },
        ),
        { numRuns: 12, seed: 1403 },
      );
    } finally {
      clients.client.destroy();
    }
  });

  it('a batch of at most 50 flags that fails stores nothing', async () => {
    const clients = createDynamoClients({
      dynamodbEndpoint: p.runtime.config.dynamodbEndpoint,
      region: 'local',
    });
    try {
      const failing = new Proxy(clients.doc, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver);
          return (command: unknown) =>
            command instanceof TransactWriteCommand
              ? Promise.reject(new Error('throttled'))
              : target.send(command as TransactWriteCommand);
        },
      });
      const env = `env-${randomBytes(4).toString('hex')}`;
      const counts = Array.from({ length: 50 }, (_, i) => ({
        flag: `g${i}`,
        appName: 'app',
        channel: 'web',
        yes: 1,
        no: 1,
        variants: {},
      }));
      await expect(
        createDynamoClientMetricsStore(failing, p.runtime.tables, 1).record(
          env,
          '2026-01-01T10:00:00.000Z',
          'b',
          counts,
        ),
      ).rejects.toThrow();
      const store = createDynamoClientMetricsStore(clients.doc, p.runtime.tables, 1);
      for (const c of counts) expect(await store.listByFlag(env, c.flag)).toEqual([]);
    } finally {
      clients.client.destroy();
    }
  });
});

describe('channels', () => {
  it('an omnilab-channel header that is not a configured channel is a 400 naming the header, and counts nothing', async () => {
    for (const channel of ['fax', 'x'.repeat(2000), 'Mobile']) {
      const res = await p.call('POST', '/api/client/metrics', {
        token: p.tokens.client,
        headers: { 'omnilab-channel': channel },
        body: { appName: 'bad-channel', bucket: { toggles: { 'count-a': { yes: 1, no: 0 } } } },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ field: 'omnilab-channel' });
    }
    expect(await reported('count-a', 'bad-channel')).toEqual({ yes: 0, no: 0, variants: {} });
  });
});

describe('a flood of variant names', () => {
  it('batches naming thousands of distinct variants for one flag never answer 5xx, and yes/no stay exact', async () => {
    const appName = 'variant-flood';
    const name = (b: number, i: number) => `${'v'.repeat(90)}-${b}-${i}`;
    let statuses = new Set<number>();
    for (let b = 0; b < 24; b++) {
      const variants = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [name(b, i), 1]));
      const res = await p.call('POST', '/api/client/metrics', {
        token: p.tokens.client,
        headers: { 'omnilab-channel': 'atm' },
        body: { appName, bucket: { start: `b${b}`, toggles: { 'count-a': { yes: 2, no: 1, variants } } } },
      });
      statuses = statuses.add(res.status);
    }
    expect([...statuses]).toEqual([202]);
    const got = await reported('count-a', appName);
    expect({ yes: got.yes, no: got.no }).toEqual({ yes: 48, no: 24 });
  }, 60_000);
});
