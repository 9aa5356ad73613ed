/**
 * The official Unleash Node SDK (node_modules/unleash-client, unmodified) reports impact metrics
 * inside its client metrics; they reach a release plan's safeguard unchanged, and a flag that
 * raises checkout errors for flag-on traffic on mobile is rolled back there by the scheduler.
 */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import type { Runtime } from '../../functions/runtime/composition-root';
import { createLogNotifier } from '../../functions/services/notifier';
import { parseImpactCellKey } from '../../shared/release/impact-metrics';
import type { ReleasePlan } from '../../shared/release/release-plan';
import { milestoneKey } from '../../shared/release/release-safeguards';
import { seededRandom } from '../../shared/simulation/simulation';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let clock = Date.now() - 3 * 86_400_000;
let rt: Runtime;
const FLAG = 'checkout-v2';
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

describe('impact metrics from an unmodified Unleash SDK', () => {
  it('reach the safeguard unchanged and roll the harmed channel back', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await p.call(method, path, { token: p.tokens.admin, body });
      return { status: res.status, json: await bodyOf(res) };
    };
    const flag = await call('POST', '/api/admin/flags', { name: FLAG, squad: 'payments' });
    expect(flag.status).toBe(201);
    const template = await call('POST', '/api/admin/release-templates', {
      id: 'checkout',
      name: 'checkout',
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
    const started = await call('PUT', plan, { template: 'checkout', version: flag.json.version });
    expect(started.status).toBe(201);
    // Development is not protected: the plan is active at once; the scheduler serves milestone 0.
    expect(started.json.status).toBe('active');
    await run();
    let current = (await call('GET', plan)).json as unknown as ReleasePlan;
    expect(current.current).toBe(0);

    const unleash = new Unleash({
      url: `${p.url}/api/`,
      appName: 'checkout-app',
      customHeaders: { Authorization: p.tokens.client, 'omnilab-channel': 'mobile' },
      refreshInterval: 60_000,
      metricsInterval: 60_000,
      storageProvider: new InMemStorageProvider(),
    });
    const sent = { on: { requests: 0, errors: 0 }, off: { requests: 0, errors: 0 } };
    try {
      await new Promise<void>((resolve, reject) => {
        unleash.once('synchronized', () => resolve());
        unleash.once('error', reject);
      });
      unleash.impactMetrics.defineCounter('checkout_requests', 'Checkouts started');
      unleash.impactMetrics.defineCounter('checkout_errors', 'Checkouts that failed');
      const random = seededRandom(7);
      for (let i = 0; i < 4000; i++) {
        const context = { userId: `customer-${i}`, channel: 'mobile' };
        const on = unleash.isEnabled(FLAG, context);
        const arm = on ? sent.on : sent.off;
        // The deprecated flagContext form is the one that labels samples with the flag's state.
        unleash.impactMetrics.incrementCounter('checkout_requests', 1, { flagNames: [FLAG], context });
        arm.requests++;
        if (random() < (on ? 0.12 : 0.05)) {
          unleash.impactMetrics.incrementCounter('checkout_errors', 1, { flagNames: [FLAG], context });
          arm.errors++;
        }
      }
      await unleash.flushMetrics();
    } finally {
      unleash.destroy();
    }
    expect(sent.on.requests).toBeGreaterThan(1500);
    expect(sent.off.requests).toBeGreaterThan(1500);

    // Stored exactly as the SDK counted them, per flag state, on mobile, for the plan's milestone.
    const cells = await p.runtime.releases.readImpact('development', FLAG);
    const stored = Object.fromEntries(
      cells.map((c) => {
        const k = parseImpactCellKey(c.key);
        expect(k.milestone).toBe(milestoneKey(current));
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
    current = (await call('GET', plan)).json as unknown as ReleasePlan;
    expect(current.status).toBe('paused');
    expect(current.applied?.channels.mobile).toBe(0);
    const check = current.events.at(-1)?.evidence?.[0];
    expect(check?.safeguard).toBe('impact-compare:checkout_errors');
    expect(check?.evidence.flagOnSamples).toBe(sent.on.requests);
    expect(check?.evidence.flagOnMean).toBeCloseTo(sent.on.errors / sent.on.requests, 6);
    expect(check?.evidence.flagOffMean).toBeCloseTo(sent.off.errors / sent.off.requests, 6);
    // What the SDK is served now: the flag off on mobile for everyone.
    const doc = await p.call('GET', '/api/client/features', { token: p.tokens.client });
    const feature = (
      (await doc.json()) as { features: { name: string; enabled: boolean; strategies: unknown[] }[] }
    ).features.find((f) => f.name === FLAG);
    expect(feature?.enabled !== true || feature.strategies.length === 0).toBe(true);
  }, 300_000);

  it('refuses a malformed impactMetrics list with a 400 naming the field, writing nothing', async () => {
    const before = await p.runtime.releases.readImpact('development', FLAG);
    const yes = async () =>
      (await p.runtime.clientMetrics.listByFlag('development', FLAG)).reduce((n, r) => n + r.yes, 0);
    const yesBefore = await yes();
    const res = await p.call('POST', '/api/client/metrics', {
      token: p.tokens.client,
      body: {
        appName: 'a',
        bucket: { start: 1, stop: 2, toggles: { [FLAG]: { yes: 1, no: 0 } } },
        impactMetrics: [{ name: 'x', help: 'h', type: 'counter', samples: [{ value: 'many' }] }],
      },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field?: string }).field).toBe('impactMetrics[0].samples[0].value');
    expect(await p.runtime.releases.readImpact('development', FLAG)).toEqual(before);
    expect(await yes()).toBe(yesBefore);
  });
});
