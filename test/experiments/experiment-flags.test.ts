/**
 * The flags an experiment is served as: traffic split by weight on the channels in scope, layers
 * exclusive, halted channels and shipped winners, cluster units as stickiness; and the experiment
 * schema's errors.
 */
import { describe, expect, it } from 'vitest';
import { compile, DEFAULT_CHANNELS, evaluate, type Flag, toClientFeaturesDocument } from '../../shared';
import { experimentFlags } from '../../shared/experiments/experiment-flags';
import type { Experiment } from '../../shared/model/experiment';
import { experimentSchema } from '../../shared/model/experiment-schema';

const NOW = '2026-11-01T00:00:00.000Z';

function experiment(overrides: Partial<Experiment> & { key: string }): Experiment {
  return experimentSchema.parse({
    name: overrides.key,
    hypothesis: 'It helps customers',
    squad: 'lending',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'loan_submitted',
    status: 'running',
    ...overrides,
  }) as Experiment;
}

function serve(flags: Flag[]) {
  return compile(
    toClientFeaturesDocument(flags, [], { environment: 'production', channels: DEFAULT_CHANNELS }),
  );
}

describe('experiment flags', () => {
  it('split the traffic share by weight, the same on every channel in scope, and nothing elsewhere', () => {
    const e = experiment({ key: 'loan-banner', trafficPercent: 50, channels: ['mobile', 'wechat'] });
    const config = serve(experimentFlags(e, { allChannels: DEFAULT_CHANNELS, now: NOW }));
    const counts: Record<string, number> = {};
    for (let i = 0; i < 4000; i++) {
      const userId = `customer-${i}`;
      const mobile = evaluate(config, 'loan-banner', { userId, channel: 'mobile' });
      const wechat = evaluate(config, 'loan-banner', { userId, channel: 'wechat' });
      expect(wechat.variant.name).toBe(mobile.variant.name);
      expect(evaluate(config, 'loan-banner', { userId, channel: 'branch' }).enabled).toBe(false);
      counts[mobile.variant.name] = (counts[mobile.variant.name] ?? 0) + 1;
    }
    expect(counts.disabled / 4000).toBeCloseTo(0.5, 1);
    expect(counts.control / 4000).toBeCloseTo(0.25, 1);
    expect(counts.treatment / 4000).toBeCloseTo(0.25, 1);
  });

  it('never put one customer in two experiments of a layer, on any channel', () => {
    const a = experiment({
      key: 'exp-a',
      layer: 'home-page',
      trafficPercent: 30,
      startedAt: '2026-10-01T00:00:00Z',
    });
    const b = experiment({
      key: 'exp-b',
      layer: 'home-page',
      trafficPercent: 40,
      startedAt: '2026-10-02T00:00:00Z',
      channels: ['mobile', 'web'],
    });
    const mates = [a, b];
    const flags = [a, b].flatMap((e) =>
      experimentFlags(e, { layerMates: mates, allChannels: DEFAULT_CHANNELS, now: NOW }),
    );
    const config = serve(flags);
    let inA = 0;
    let inB = 0;
    for (let i = 0; i < 5000; i++) {
      for (const channel of ['mobile', 'web']) {
        const userId = `c-${i}`;
        const ea = evaluate(config, 'exp-a', { userId, channel }).enabled;
        const eb = evaluate(config, 'exp-b', { userId, channel }).enabled;
        expect(ea && eb).toBe(false);
        if (channel === 'mobile') {
          if (ea) inA++;
          if (eb) inB++;
        }
      }
    }
    expect(inA / 5000).toBeCloseTo(0.3, 1);
    expect(inB / 5000).toBeCloseTo(0.4, 1);
  });

  it('stop serving a halted channel, and serve the winner to everyone once shipped', () => {
    const e = experiment({ key: 'queue-sms', channels: ['branch', 'atm'] });
    const halted = serve(
      experimentFlags(e, { haltedChannels: ['atm'], allChannels: DEFAULT_CHANNELS, now: NOW }),
    );
    expect(evaluate(halted, 'queue-sms', { userId: 'x', channel: 'atm' }).enabled).toBe(false);
    expect(evaluate(halted, 'queue-sms', { userId: 'x', channel: 'branch' }).enabled).toBe(true);
    const shipped = serve(
      experimentFlags(
        { ...e, status: 'shipped', shippedVariant: 'treatment' },
        { allChannels: DEFAULT_CHANNELS, now: NOW },
      ),
    );
    for (let i = 0; i < 50; i++) {
      expect(evaluate(shipped, 'queue-sms', { userId: `u${i}`, channel: 'branch' }).variant.name).toBe(
        'treatment',
      );
    }
    const draft = serve(
      experimentFlags({ ...e, status: 'draft' }, { allChannels: DEFAULT_CHANNELS, now: NOW }),
    );
    expect(evaluate(draft, 'queue-sms', { userId: 'x', channel: 'branch' }).enabled).toBe(false);
  });

  it('use the cluster unit as stickiness: one household, one variant', () => {
    const e = experiment({ key: 'household-offer', unit: 'household' });
    const config = serve(experimentFlags(e, { allChannels: DEFAULT_CHANNELS, now: NOW }));
    for (let h = 0; h < 50; h++) {
      const names = new Set(
        Array.from(
          { length: 5 },
          (_, i) =>
            evaluate(config, 'household-offer', {
              userId: `member-${h}-${i}`,
              channel: 'web',
              properties: { household: `h${h}` },
            }).variant.name,
        ),
      );
      expect(names.size).toBe(1);
    }
  });
});

describe('experiment schema', () => {
  it('names the field of a bad experiment', () => {
    const r = experimentSchema.safeParse({
      key: 'Bad Key',
      name: 'x',
      hypothesis: 'y',
      squad: 'lending',
      variants: [{ name: 'only', weight: 1 }],
      primaryMetric: 'm',
    });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('key');
    expect(paths).toContain('variants');
  });
});
