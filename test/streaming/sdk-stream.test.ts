/**
 * The omnilab SDK follows the server's stream when given `sseStream()` (`@omnilab/sdk/streaming`):
 * a change reaches it within a second while it polls only every minute; against a server without
 * a stream it keeps polling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type OmnilabClientInternals } from '../../sdk/src/index';
import { sseStream } from '../../sdk/src/stream';
import { FlagServer, sampleDocument } from '../sdk/flag-server';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const on = { enabled: true, channels: { mobile: true, web: true }, strategies: [] };

beforeAll(async () => {
  p = await startTestPlatform();
  const res = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: { name: 'sdk-stream-banner', squad: 'lending', environments: { development: on } },
  });
  expect(res.status, await res.clone().text()).toBe(201);
});
afterAll(() => p.close());

async function setEnabled(enabled: boolean): Promise<void> {
  const flag = await bodyOf<{ version: number }>(
    await p.call('GET', '/api/admin/flags/sdk-stream-banner', { token: p.tokens.admin }),
  );
  const res = await p.call('PUT', '/api/admin/flags/sdk-stream-banner/environments/development', {
    token: p.tokens.admin,
    body: { version: flag.version, enabled },
  });
  expect(res.status).toBe(200);
}

describe('@omnilab/sdk/streaming', () => {
  it('a change reaches a streaming client within a second, with polling every minute', async () => {
    const client = createClient({
      url: p.url,
      clientKey: p.tokens.client,
      appName: 'sdk-stream',
      channel: 'mobile',
      refreshIntervalMs: 60_000,
      stream: sseStream(),
    });
    try {
      await client.ready();
      expect(client.isEnabled('sdk-stream-banner')).toBe(true);
      for (const enabled of [false, true]) {
        await setEnabled(enabled);
        const committed = Date.now();
        while (client.isEnabled('sdk-stream-banner') !== enabled && Date.now() - committed < 3000) {
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(client.isEnabled('sdk-stream-banner')).toBe(enabled);
        expect(Date.now() - committed).toBeLessThan(1000);
      }
    } finally {
      client.close();
    }
  });

  it('against a server that offers no stream, it keeps polling', async () => {
    const server = await new FlagServer(sampleDocument()).start();
    const client = createClient({
      url: server.url,
      clientKey: 'client-key',
      appName: 'sdk-stream',
      channel: 'web',
      refreshIntervalMs: 50,
      stream: sseStream({ retryMs: 10 }),
    }) as OmnilabClientInternals;
    try {
      await client.ready();
      expect(client.stats().source).toBe('server');
      const polls = () => server.requests.filter((r) => r.path.startsWith('/api/client/features')).length;
      const before = polls();
      await new Promise((r) => setTimeout(r, 400));
      expect(client.isEnabled('new-checkout', { userId: 'u1' })).toBe(true);
      expect(polls()).toBeGreaterThan(before + 2);
      // It asked for the stream, was refused (404), and went on polling.
      const asked = server.requests.filter((r) => r.path.startsWith('/api/client/streaming'));
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((r) => r.status === 404)).toBe(true);
    } finally {
      client.close();
      await server.stop();
    }
  });
});
