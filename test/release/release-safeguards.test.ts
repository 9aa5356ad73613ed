// Release safeguards: the hash split the served flag makes is the one exposures are filed by, and exposed vs held-back (events) and flag-on vs flag-off (impact metrics) comparisons trip on harm only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, DEFAULT_CHANNELS, evaluate, type Flag, toClientFeaturesDocument } from '../../shared';
import { cellKey, type StatsVector } from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';
import { impactCells, impactMetricsSchema } from '../../shared/release/impact-metrics';
import { createPlan, type ReleasePlan } from '../../shared/release/release-plan';
import { armOf, environmentStateFor } from '../../shared/release/release-rollout';
import {
  EXPOSED,
  exposedUnits,
  HELD_BACK,
  milestoneKey,
  releaseExposures,
  safeguardChecks,
} from '../../shared/release/release-safeguards';

const CHANNELS = [...DEFAULT_CHANNELS];

function flagWith(state: ReturnType<typeof environmentStateFor>): Flag {
  return {
    name: 'new-transfer',
    description: '',
    squad: 'payments',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: { production: state },
    archived: false,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

function servingPlan(channels: Record<string, number>, safeguards: ReleasePlan['safeguards']): ReleasePlan {
  const plan = createPlan(
    {
      flag: 'new-transfer',
      environment: 'production',
      milestones: [{ name: 'm', channels, minHoldMinutes: 0, gates: {} }],
      safeguards,
      rollback: { channel: 'off' },
      alpha: 0.05,
      skipped: [],
    },
    {
      template: 't',
      templateVersion: 1,
      author: 'a',
      squad: 'payments',
      protectedEnvironment: false,
      now: new Date(0),
    },
  );
  return {
    ...plan,
    current: 0,
    enteredAt: '2026-12-01T00:00:00.000Z',
    applied: { channels, audiences: [] },
  };
}

const complaints: MetricDefinition = {
  key: 'complaints',
  name: 'complaints',
  kind: 'conversion',
  direction: 'lower-is-better',
  unit: '%',
};

/** A cell of n units of which k converted. */
function conversion(n: number, k: number): StatsVector {
  return new Map([
    ['n', BigInt(n)],
    ['complaints:sum', BigInt(k) * 10_000n],
    ['complaints:sumSquares', BigInt(k) * 100_000_000n],
  ]);
}

describe('release safeguards', () => {
  it('files each unit in the arm the served flag gives it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99 }),
        fc.constantFrom(...CHANNELS),
        fc.array(fc.uuid(), { minLength: 1, maxLength: 30 }),
        (percent, channel, users) => {
          const rollout = { channels: { [channel]: percent }, audiences: [] };
          const config = compile(
            toClientFeaturesDocument([flagWith(environmentStateFor('new-transfer', rollout, CHANNELS))], [], {
              environment: 'production',
              channels: CHANNELS,
            }),
          );
          const plan = servingPlan({ [channel]: percent }, [
            { kind: 'metric', metric: 'complaints', tolerance: 0 },
          ]);
          const events = users.map((u, i) => ({
            id: `e${i}`,
            type: 'metric',
            userId: u,
            channel,
            metric: 'complaints',
          }));
          const exposures = releaseExposures([plan], events, new Set(events.map((e) => e.id)), 'production');
          for (const x of exposures) {
            const user = x.units[0].split('#')[1];
            const served = evaluate(config, 'new-transfer', { userId: user, channel }).enabled;
            expect(x.exposure?.variant).toBe(served ? EXPOSED : HELD_BACK);
            expect(armOf('new-transfer', user, percent)).toBe(x.exposure?.variant);
            expect(x.exposure?.experiment).toBe(milestoneKey(plan));
          }
          expect(new Set(exposures.map((x) => x.id)).size).toBe(new Set(users).size);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('counts a unit by any accepted event, once, and leaves out channels at 0%', () => {
    const plan = servingPlan({ mobile: 5 }, [{ kind: 'metric', metric: 'complaints', tolerance: 0 }]);
    const events = [
      { id: 'a', type: 'metric', userId: 'u1', channel: 'mobile', metric: 'other' },
      { id: 'b', type: 'metric', userId: 'u2', channel: 'web', metric: 'complaints' },
      { id: 'c', type: 'metric', userId: 'u3', channel: 'mobile', metric: 'complaints' },
      { id: 'd', type: 'metric', userId: 'u4', channel: 'mobile', metric: 'complaints' },
    ];
    const out = releaseExposures(
      [plan],
      [...events, { ...events[0], id: 'e' }],
      new Set(['a', 'b', 'c', 'e']),
      'production',
    );
    expect(out.map((x) => x.units[0])).toEqual(['production:customer#u1', 'production:customer#u3']);
  });

  it('degrades on a harmed channel only, with its evidence', () => {
    const plan = servingPlan({ mobile: 50, web: 50 }, [
      { kind: 'metric', metric: 'complaints', tolerance: 0.05 },
    ]);
    const key = milestoneKey(plan);
    const cells = new Map<string, StatsVector>([
      [cellKey(key, HELD_BACK, 'mobile'), conversion(5000, 250)],
      [cellKey(key, EXPOSED, 'mobile'), conversion(5000, 250)],
      [cellKey(key, HELD_BACK, 'web'), conversion(5000, 250)],
      [cellKey(key, EXPOSED, 'web'), conversion(5000, 600)],
    ]);
    const checks = safeguardChecks(plan, [complaints], cells, [], CHANNELS);
    const byChannel = Object.fromEntries(checks.map((c) => [c.channel ?? 'all', c.status]));
    expect(byChannel.mobile).toBe('ok');
    expect(byChannel.web).toBe('degraded');
    expect(checks.some((c) => c.channel === 'atm')).toBe(false);
    const web = checks.find((c) => c.channel === 'web');
    expect(web?.evidence.exposedUnits).toBe(5000);
    expect(Number(web?.evidence.pValue)).toBeLessThan(Number(web?.evidence.alpha));
    expect(exposedUnits(plan, cells)).toBe(10_000);
  });

  it('compares flag-on and flag-off impact counters, and judges thresholds on flag-on traffic', () => {
    const plan = servingPlan({ mobile: 50 }, [
      {
        kind: 'impact-compare',
        impactMetric: 'errors',
        denominator: 'requests',
        direction: 'lower-is-better',
        tolerance: 0,
      },
      { kind: 'impact-threshold', impactMetric: 'latency', max: 300, minSamples: 100 },
    ]);
    const labels = (state: string) => ({ appName: 'app', environment: 'production', 'new-transfer': state });
    const payload = impactMetricsSchema.parse([
      {
        name: 'requests',
        help: 'r',
        type: 'counter',
        samples: [
          { value: 10_000, labels: labels('enabled') },
          { value: 10_000, labels: labels('disabled') },
        ],
      },
      {
        name: 'errors',
        help: 'e',
        type: 'counter',
        samples: [
          { value: 900, labels: labels('enabled') },
          { value: 300, labels: labels('disabled') },
        ],
      },
      {
        name: 'latency',
        help: 'l',
        type: 'histogram',
        samples: [
          {
            labels: labels('enabled'),
            count: 200,
            sum: 200 * 420,
            buckets: [
              { le: 100, count: 0 },
              { le: 500, count: 200 },
              { le: '+Inf', count: 200 },
            ],
          },
        ],
      },
    ]);
    const cells = impactCells(
      payload,
      [{ flag: 'new-transfer', milestone: milestoneKey(plan) }],
      'mobile',
      CHANNELS,
    );
    const checks = safeguardChecks(plan, [], new Map(), cells, CHANNELS);
    expect(checks.find((c) => c.safeguard === 'impact-compare:errors')?.status).toBe('degraded');
    const latency = checks.find((c) => c.safeguard === 'impact-threshold:latency');
    expect(latency?.status).toBe('degraded');
    expect(latency?.evidence.value).toBe(420);
  });
});
