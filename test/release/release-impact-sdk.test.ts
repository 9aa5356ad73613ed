/**
 * The omnilab SDK's impact metrics (`@omnilab/sdk/impact`, counters as Unleash's SDKs have them)
 * reach a release plan's safeguard: the samples, labelled by the flag's state for each customer
 * as the client evaluates it, are filed per flag state on the client's channel, and a flag that
 * raises checkout errors for flag-on traffic on mobile is rolled back there by the scheduler. A
 * resent batch (its answer lost) counts once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import type { Runtime } from '../../functions/runtime/composition-root';
import { createLogNotifier } from '../../functions/services/notifier';
import { createImpactMetrics } from '../../sdk/src/impact';
import { createClient } from '../../sdk/src/index';
import type { FetchLike } from '../../sdk/src/types';
import { parseImpactCellKey } from '../../shared/release/impact-metrics';
import type { ReleasePlan } from '../../shared/release/release-plan';
import { seededRandom } from '../../shared/simulation/simulation';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let clock = Date.now() - 3 * 86_400_000;
let rt: Runtime;
const FLAG = 'checkout-sdk';
const plan = `/api/admin/flags/${FLAG}/environments/development/release-plan`;

const run = () =>
  createGuardrailCheckHandler(
    rt,
    createLogNotifier(() => {}),
  )();

beforeAll(async () => {
  p = await startTestPlatform();
  rt = { ...p.runtime, now: () => new Date(clock) };
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe('impact metrics from the omnilab SDK', () => {
  it('reach the safeguard, labelled by flag state, and roll the harmed channel back', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await p.call(method, path, { token: p.tokens.admin, body });
      return { status: res.status, json: await bodyOf<Record<string, unknown>>(res) };
    };
    const flag = await call('POST', '/api/admin/flags', { name: FLAG, squad: 'payments' });
    expect(flag.status).toBe(201);
    const template = await call('POST', '/api/admin/release-templates', {
      id: 'checkout-sdk',
      name: 'checkout via the omnilab SDK',
      milestones: [
        { name: 'half of mobile', channels: { mobile: 50 }, minHoldMinutes: 60 },
        { name: 'everyone', channels: { mobile: 100, web: 100 }, minHoldMinutes: 0 },
      ],
      safeguards: [
        {
          kind: 'impact-compare',
          impactMetric: 'checkout_errors',
          denominator: 'checkout_requests',
          direction: 'lower-is-better',
          tolerance: 0,
        },
      ],
    });
    expect(template.status).toBe(201);
    const started = await call('PUT', plan, { template: 'checkout-sdk', version: flag.json.version });
    expect(started.json.status).toBe('active');
    await run();

    const client = createClient({
      url: p.url,
      clientKey: p.tokens.client,
      appName: 'checkout-app',
      channel: 'mobile',
      refreshIntervalMs: 60_000,
    });
    await client.ready();
    // The first send's answer is lost: the SDK sends the same batch again.
    let posts = 0;
    const losing: FetchLike = async (url, init) => {
      const res = await fetch(url, init);
      posts++;
      return posts === 1 ? { status: 503, headers: res.headers, text: () => res.text() } : res;
    };
    const impact = createImpactMetrics(client, {
      url: p.url,
      clientKey: p.tokens.client,
      appName: 'checkout-app',
      channel: 'mobile',
      intervalMs: 0,
      fetch: losing,
    });
    const sent = { on: { requests: 0, errors: 0 }, off: { requests: 0, errors: 0 } };
    try {
      impact.defineCounter('checkout_requests', 'Checkouts started');
      impact.defineCounter('checkout_errors', 'Checkouts that failed');
      const random = seededRandom(11);
      for (let i = 0; i < 4000; i++) {
        const context = { userId: `customer-${i}`, channel: 'mobile' };
        const on = client.isEnabled(FLAG, context);
        const arm = on ? sent.on : sent.off;
        impact.incrementCounter('checkout_requests', 1, { flagNames: [FLAG], context });
        arm.requests++;
        if (random() < (on ? 0.12 : 0.05)) {
          impact.incrementCounter('checkout_errors', 1, { flagNames: [FLAG], context });
          arm.errors++;
        }
      }
      await expect(impact.flush()).rejects.toThrow();
      await impact.flush();
    } finally {
      impact.close();
      client.close();
    }
    expect(posts).toBe(2);
    expect(sent.on.requests).toBeGreaterThan(1500);
    expect(sent.off.requests).toBeGreaterThan(1500);

    // Stored as the SDK counted them, once, per flag state, on mobile.
    const cells = await p.runtime.releases.readImpact('development', FLAG);
    const stored = Object.fromEntries(
      cells.map((c) => {
        const k = parseImpactCellKey(c.key);
        expect(k.channel).toBe('mobile');
        return [`${k.metric}:${k.state}`, c.sum];
      }),
    );
    expect(stored).toEqual({
      'checkout_requests:on': sent.on.requests,
      'checkout_requests:off': sent.off.requests,
      'checkout_errors:on': sent.on.errors,
      'checkout_errors:off': sent.off.errors,
    });

    clock += 30 * 60_000;
    const result = await run();
    expect(result.releases?.rolledBack).toEqual([
      { flag: FLAG, environment: 'development', channels: ['mobile'] },
    ]);
    const current = (await call('GET', plan)).json as unknown as ReleasePlan;
    expect(current.status).toBe('paused');
    expect(current.applied?.channels.mobile).toBe(0);
    const check = current.events.at(-1)?.evidence?.[0];
    expect(check?.safeguard).toBe('impact-compare:checkout_errors');
    expect(check?.evidence.flagOnMean).toBeCloseTo(sent.on.errors / sent.on.requests, 6);
    expect(check?.evidence.flagOffMean).toBeCloseTo(sent.off.errors / sent.off.requests, 6);
  }, 120_000);
});
