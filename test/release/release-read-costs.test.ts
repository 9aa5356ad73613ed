// Read costs of lifecycle and release ingestion: GET /api/admin/flags reads client metrics once per environment however many flags there are (with the same lifecycles as reading each flag's rows), and events batches read the plans at most once per config cache period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../functions/runtime/composition-root';
import { protectedEnvironments } from '../../functions/services/governance';
import { releaseExposuresFor } from '../../functions/services/release-ingest';
import { withLifecycle } from '../../functions/services/release-lifecycle';
import type { PreparedEvent } from '../../shared/experiments/ingest-plan';
import { lifecycleOf } from '../../shared/release/flag-lifecycle';
import type { ReleaseStore } from '../../shared/release/release-store';
import type { ClientMetricsStore } from '../../shared/store/client-metrics-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

/** The store with every method call counted by name. */
function counting<T extends object>(store: T): { store: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { store: wrapped, calls };
}

const FLAGS = ['cost-a', 'cost-b', 'cost-c', 'cost-d', 'cost-e', 'cost-f'];

beforeAll(async () => {
  p = await startTestPlatform();
  for (const name of FLAGS) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'payments' },
    });
    expect(res.status).toBe(201);
  }
  // cost-a and cost-b evaluated in development, cost-b also in production; cost-c counted with no evaluation.
  const send = async (token: string, toggles: Record<string, { yes: number; no: number }>) => {
    const at = new Date().toISOString();
    const res = await p.call('POST', '/api/client/metrics', {
      token,
      headers: { 'omnilab-channel': 'mobile' },
      body: { appName: 'costs', instanceId: 'i-1', bucket: { start: at, stop: at, toggles } },
    });
    expect(res.status).toBe(202);
  };
  await send(p.tokens.client, {
    'cost-a': { yes: 2, no: 1 },
    'cost-b': { yes: 0, no: 3 },
    'cost-c': { yes: 0, no: 0 },
  });
  await send(p.tokens.productionClient, { 'cost-b': { yes: 1, no: 0 } });
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe('lifecycle read costs', () => {
  it('reads client metrics once per environment for every flag, with the lifecycles per-flag reads give', async () => {
    const { store, calls } = counting<ClientMetricsStore>(p.runtime.clientMetrics);
    const rt: Runtime = { ...p.runtime, clientMetrics: store };
    const flags = await p.runtime.flags.list();
    const envs = await p.runtime.environments.list();
    const got = await withLifecycle(rt, flags);
    expect(calls.get('listSeen')).toBe(envs.length);
    expect(calls.get('listByFlag')).toBeUndefined();
    // The same stages and times as reading every flag's rows in every environment.
    const [plans, prot] = await Promise.all([
      p.runtime.releases.listPlans(),
      protectedEnvironments(p.runtime),
    ]);
    for (const flag of flags) {
      const rows = (
        await Promise.all(envs.map((e) => p.runtime.clientMetrics.listByFlag(e.name, flag.name)))
      ).flat();
      const expected = lifecycleOf(flag, {
        metrics: rows,
        plans,
        protectedEnvironments: prot,
        channels: p.runtime.config.channels,
      });
      expect(got.find((f) => f.name === flag.name)?.lifecycle).toEqual(expected);
    }
    const stage = (name: string) => got.find((f) => f.name === name)?.lifecycle.stage;
    expect([stage('cost-a'), stage('cost-b'), stage('cost-c')]).toEqual(['pre-live', 'live', 'initial']);
  });

  it('answers GET /api/admin/flags with the lifecycles from those reads', async () => {
    const res = await p.call('GET', '/api/admin/flags', { token: p.tokens.admin });
    const body = await bodyOf<{ flags: { name: string; lifecycle: { stage: string } }[] }>(res);
    expect(body.flags.filter((f) => FLAGS.includes(f.name)).map((f) => [f.name, f.lifecycle.stage])).toEqual(
      FLAGS.map((f) => [f, f === 'cost-a' ? 'pre-live' : f === 'cost-b' ? 'live' : 'initial']),
    );
  });
});

describe('release ingestion read costs', () => {
  it('reads the plans once per config cache period, however many events batches come', async () => {
    const { store, calls } = counting<ReleaseStore>(p.runtime.releases);
    const rt: Runtime = {
      ...p.runtime,
      releases: store,
      config: { ...p.runtime.config, configCacheMs: 60_000 },
    };
    const accepted: PreparedEvent[] = [{ id: 'e-1', units: ['u-1'] }];
    const events = [{ id: 'e-1', type: 'metric', userId: 'u-1', metric: 'm', value: 1 }];
    for (let i = 0; i < 5; i++) await releaseExposuresFor(rt, 'production', events, accepted);
    expect(calls.get('listPlans')).toBe(1);
    // With the cache period at 0 (as tests configure it) every batch reads them again.
    const fresh = counting<ReleaseStore>(p.runtime.releases);
    const uncached: Runtime = {
      ...p.runtime,
      releases: fresh.store,
      config: { ...p.runtime.config, configCacheMs: 0 },
    };
    for (let i = 0; i < 3; i++) await releaseExposuresFor(uncached, 'production', events, accepted);
    expect(fresh.calls.get('listPlans')).toBe(3);
  });
});
