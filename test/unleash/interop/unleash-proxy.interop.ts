/**
 * The real Unleash Proxy with omnilab as its upstream: unleash-proxy-client against the Proxy answers
 * what unleash-proxy-client against omnilab's own frontend API answers, flag by flag, over generated
 * contexts (ASCII ids); and the official unleash-client in streaming mode against omnilab hears of a
 * change within a second.
 */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { InMemoryStorageProvider, UnleashClient } from 'unleash-proxy-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flag } from '../../../shared/model/flag';
import { bodyOf, startTestPlatform, type TestPlatform } from '../../support/platform';
import { contexts, createScenario } from '../../support/scenario';
import { type RunningProxy, startUnleashProxy } from './unleash-proxy';

let p: TestPlatform;
let proxy: RunningProxy;
let names: string[];
const PROXY_PORT = 4345;

function frontendClient(url: string, clientKey: string): UnleashClient {
  return new UnleashClient({
    url,
    clientKey,
    appName: 'web-banking',
    refreshInterval: 0,
    disableMetrics: true,
    storageProvider: new InMemoryStorageProvider(),
  });
}

/** What a browser app sees for every flag: on or off, the variant and its payload. */
function answers(c: UnleashClient): string {
  return JSON.stringify(
    names.map((name) => {
      const v = c.getVariant(name);
      return [name, c.isEnabled(name), v.name, v.enabled, v.payload ?? null];
    }),
  );
}

beforeAll(async () => {
  p = await startTestPlatform();
  names = await createScenario(p);
  proxy = await startUnleashProxy({
    upstream: `${p.url}/api/`,
    token: p.tokens.client,
    port: PROXY_PORT,
    refreshIntervalMs: 1000,
  });
});
afterAll(async () => {
  proxy?.stop();
  await p?.close();
});

describe('the Unleash Proxy with omnilab upstream', () => {
  it("unleash-proxy-client through the Proxy answers what it answers from omnilab's frontend API", async () => {
    const viaProxy = frontendClient(proxy.url, proxy.clientKey);
    const direct = frontendClient(`${p.url}/api/frontend`, p.tokens.frontend);
    await Promise.all([viaProxy.start(), direct.start()]);
    try {
      let agree = 0;
      let total = 0;
      let on = 0;
      const first: string[] = [];
      for (const ctx of contexts(300)) {
        await Promise.all([viaProxy.updateContext(ctx), direct.updateContext(ctx)]);
        const a = JSON.parse(answers(viaProxy)) as unknown[];
        const b = JSON.parse(answers(direct)) as unknown[];
        a.forEach((x, i) => {
          total++;
          if ((b[i] as [string, boolean])[1]) on++;
          if (JSON.stringify(x) === JSON.stringify(b[i])) agree++;
          else if (first.length < 5)
            first.push(`${JSON.stringify(ctx)}: Proxy ${JSON.stringify(x)}, omnilab ${JSON.stringify(b[i])}`);
        });
      }
      console.log(
        `Unleash Proxy vs omnilab frontend API: ${agree} of ${total} evaluations agree (${on} on, ${total - on} off)`,
        first,
      );
      expect(first).toEqual([]);
      // The comparison saw flags on and off, so it compared something.
      expect(on).toBeGreaterThan(total / 10);
      expect(total - on).toBeGreaterThan(total / 10);
    } finally {
      viaProxy.stop();
      direct.stop();
    }
  });

  it('a change in omnilab reaches the Proxy within its refresh interval', async () => {
    const viaProxy = frontendClient(proxy.url, proxy.clientKey);
    await viaProxy.start();
    try {
      const ctx = { userId: 'user-1', sessionId: 's1', properties: { channel: 'mobile', age: '30' } };
      await viaProxy.updateContext(ctx);
      const name = 'mobile-web-only';
      const before = viaProxy.isEnabled(name);
      const flag = await bodyOf<Flag>(
        await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }),
      );
      const res = await p.call('PUT', `/api/admin/flags/${name}/environments/development/channels/mobile`, {
        token: p.tokens.admin,
        body: { enabled: !before, version: flag.version },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const started = Date.now();
      while (viaProxy.isEnabled(name) === before && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 100));
        await viaProxy.updateContext({ ...ctx, sessionId: `s1-${Date.now()}` });
      }
      console.log(
        `a change reached the Proxy's answers after ${Date.now() - started} ms (refresh every 1000 ms)`,
      );
      expect(viaProxy.isEnabled(name)).toBe(!before);
    } finally {
      viaProxy.stop();
    }
  });
});

describe('the official unleash-client streaming from omnilab', () => {
  it('hears of each change within a second, without polling', async () => {
    const sdk = new Unleash({
      url: `${p.url}/api/`,
      appName: 'interop-streaming',
      customHeaders: { Authorization: p.tokens.client },
      refreshInterval: 600_000,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      experimentalMode: { type: 'streaming' },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        sdk.once('synchronized', () => resolve());
        sdk.once('error', reject);
      });
      const name = 'mobile-web-only';
      const ctx = { userId: 'user-2', properties: { channel: 'web' } };
      const latencies: number[] = [];
      for (let i = 0; i < 4; i++) {
        const want = !sdk.isEnabled(name, ctx);
        const seen = new Promise<number>((resolve) => {
          const check = () => {
            if (sdk.isEnabled(name, ctx) === want) {
              sdk.off('changed', check);
              resolve(Date.now());
            }
          };
          sdk.on('changed', check);
        });
        const flag = await bodyOf<Flag>(
          await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }),
        );
        const res = await p.call('PUT', `/api/admin/flags/${name}/environments/development/channels/web`, {
          token: p.tokens.admin,
          body: { enabled: want, version: flag.version },
        });
        expect(res.status, await res.clone().text()).toBe(200);
        const committed = Date.now();
        latencies.push(Math.max(0, (await seen) - committed));
      }
      console.log(`unleash-client streaming: change seen after ${latencies.join(', ')} ms`);
      expect(Math.max(...latencies)).toBeLessThan(1000);
    } finally {
      sdk.destroy();
    }
  });
});
