/**
 * Client metrics count only flags the token's environment serves: made-up toggle names (thousands of
 * them) are dropped before anything is stored, counted and listed in the 202 that SDKs ignore, and
 * answered at once; a batch naming more toggles than any document holds is a 400 naming
 * `bucket.toggles` and stores nothing. An unmodified unleash-client asking for unknown toggles
 * keeps reporting its known ones, never refused.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_METRICS_TOGGLES } from '../../functions/schemas/client-schemas';
import { MAX_UNKNOWN_LISTED } from '../../functions/services/client-metrics';
import type { ClientMetricsRow } from '../../shared/store/client-metrics-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const KNOWN = ['mortgage-calc', 'fx-alerts', 'card-limits'];

beforeAll(async () => {
  p = await startTestPlatform();
  for (const name of KNOWN) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'payments' },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => p.close());

interface MetricsAnswer {
  counted: number;
  unknownToggles: number;
  unknownToggleNames?: string[];
}

async function rows(environment: string, flag: string, appName: string): Promise<ClientMetricsRow[]> {
  return (await p.runtime.clientMetrics.listByFlag(environment, flag)).filter((r) => r.appName === appName);
}

async function yesNo(flag: string, appName: string, environment = 'development') {
  const found = await rows(environment, flag, appName);
  return { yes: found.reduce((s, r) => s + r.yes, 0), no: found.reduce((s, r) => s + r.no, 0) };
}

const made = (i: number) => `made-up-${i.toString(36)}`;

describe('POST /api/client/metrics with toggles the environment does not serve', () => {
  it('5000 made-up names beside known ones: answered at once, known counted, made-up ones stored nowhere', async () => {
    const appName = `flood-${randomBytes(3).toString('hex')}`;
    const toggles: Record<string, { yes: number; no: number; variants?: Record<string, number> }> = {};
    for (let i = 0; i < 5000; i++) toggles[made(i)] = { yes: 1, no: 2, variants: { x: 1 } };
    toggles['mortgage-calc'] = { yes: 4, no: 1 };
    toggles['fx-alerts'] = { yes: 0, no: 3 };
    const started = performance.now();
    const res = await p.call('POST', '/api/client/metrics', {
      token: p.tokens.client,
      headers: { 'omnilab-channel': 'web' },
      body: { appName, instanceId: 'i-1', bucket: { start: new Date().toISOString(), toggles } },
    });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(202);
    const answer = await bodyOf<MetricsAnswer>(res);
    expect(answer.counted).toBe(2);
    expect(answer.unknownToggles).toBe(5000);
    expect(answer.unknownToggleNames).toHaveLength(MAX_UNKNOWN_LISTED);
    expect(answer.unknownToggleNames?.every((n) => n.startsWith('made-up-'))).toBe(true);
    // Far below the 28 s the tester measured; a bound loose enough for a loaded test machine.
    expect(elapsed).toBeLessThan(5000);
    console.info(`5000 made-up toggles and 2 known: answered in ${Math.round(elapsed)} ms`);
    expect(await yesNo('mortgage-calc', appName)).toEqual({ yes: 4, no: 1 });
    expect(await yesNo('fx-alerts', appName)).toEqual({ yes: 0, no: 3 });
    for (const i of [0, 1, 2500, 4999]) expect(await rows('development', made(i), appName)).toEqual([]);
    expect(
      (await p.call('GET', `/api/admin/flags/${made(0)}/metrics`, { token: p.tokens.admin })).status,
    ).toBe(404);
  });

  it(`more than ${MAX_METRICS_TOGGLES} toggles: a 400 naming bucket.toggles, nothing stored`, async () => {
    const appName = `too-many-${randomBytes(3).toString('hex')}`;
    const toggles: Record<string, { yes: number; no: number }> = { 'card-limits': { yes: 9, no: 0 } };
    for (let i = 0; i < MAX_METRICS_TOGGLES; i++) toggles[`x${i.toString(36)}`] = { yes: 0, no: 0 };
    const res = await p.call('POST', '/api/client/metrics', {
      token: p.tokens.client,
      body: { appName, bucket: { toggles } },
    });
    expect(res.status, await res.clone().text()).toBe(400);
    const body = await bodyOf<{ field: string; message: string }>(res);
    expect(body.field).toBe('bucket.toggles');
    expect(body.message).toContain(String(MAX_METRICS_TOGGLES));
    expect(await rows('development', 'card-limits', appName)).toEqual([]);
  });

  it('the frontend API drops unknown names the same way', async () => {
    const appName = `frontend-${randomBytes(3).toString('hex')}`;
    const res = await p.call('POST', '/api/frontend/client/metrics', {
      token: p.tokens.frontend,
      body: {
        appName,
        bucket: { toggles: { 'card-limits': { yes: 2, no: 0 }, 'no-such-flag': { yes: 5, no: 5 } } },
      },
    });
    expect(res.status).toBe(202);
    expect(await bodyOf<MetricsAnswer>(res)).toEqual({
      counted: 1,
      unknownToggles: 1,
      unknownToggleNames: ['no-such-flag'],
    });
    expect(await yesNo('card-limits', appName)).toEqual({ yes: 2, no: 0 });
    expect(await rows('development', 'no-such-flag', appName)).toEqual([]);
  });

  it('property: any mix of known and unknown names stores exactly the known counts', async () => {
    const count = fc.record({ yes: fc.nat(20), no: fc.nat(20) });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...KNOWN), count, { maxKeys: 3 }),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), count, { maxKeys: 30 }),
        async (known, others) => {
          const unknown = Object.fromEntries(Object.entries(others).filter(([n]) => !KNOWN.includes(n)));
          const appName = `mix-${randomBytes(4).toString('hex')}`;
          const res = await p.call('POST', '/api/client/metrics', {
            token: p.tokens.client,
            body: { appName, bucket: { toggles: { ...unknown, ...known } } },
          });
          expect(res.status).toBe(202);
          const answer = await bodyOf<MetricsAnswer>(res);
          const nonZero = Object.values(known).filter((c) => c.yes > 0 || c.no > 0).length;
          expect(answer.counted).toBe(nonZero);
          expect(answer.unknownToggles).toBe(Object.keys(unknown).length);
          for (const flag of KNOWN)
            expect(await yesNo(flag, appName)).toEqual(known[flag] ?? { yes: 0, no: 0 });
          for (const flag of Object.keys(unknown).slice(0, 3))
            expect(await rows('development', flag, appName)).toEqual([]);
        },
      ),
      { numRuns: 15, seed: 2023 },
    );
  });
});

describe('an unmodified unleash-client', () => {
  it('asking for unknown toggles too keeps reporting its known ones, never refused', async () => {
    const appName = `sdk-${randomBytes(3).toString('hex')}`;
    const warnings: string[] = [];
    const unleash = new Unleash({
      url: `${p.url}/api/`,
      appName,
      customHeaders: { Authorization: p.tokens.client, 'omnilab-channel': 'mobile' },
      refreshInterval: 60_000,
      metricsInterval: 200,
      storageProvider: new InMemStorageProvider(),
    });
    unleash.on('warn', (w: unknown) => warnings.push(String(w)));
    try {
      await new Promise<void>((resolve, reject) => {
        unleash.once('synchronized', () => resolve());
        unleash.once('error', reject);
      });
      for (let i = 0; i < 6; i++) {
        unleash.isEnabled('fx-alerts', { userId: `u${i}` });
        unleash.isEnabled(`typo-${i}`, { userId: `u${i}` });
      }
      await vi.waitFor(async () => expect(await yesNo('fx-alerts', appName)).toEqual({ yes: 0, no: 6 }), {
        timeout: 5000,
        interval: 100,
      });
      expect(await rows('development', 'typo-0', appName)).toEqual([]);
      expect(warnings.filter((w) => /metrics/i.test(w))).toEqual([]);
    } finally {
      unleash.destroy();
    }
  });
});
