// Sample-ratio mismatch: exposures lost for one variant (the usual real cause) are flagged, and
// the verdict is `invalid` whatever the lift says; correct unequal weights are not flagged.

import { describe, expect, it } from 'vitest';
import { buildResults } from '../../shared/experiments/results';
import { catalogue, experiment, simulate } from './fixtures';

const loanOnly = { loan_application_submitted: { kind: 'conversion' as const, rate: 0.2 } };

describe('a planted sample-ratio mismatch', () => {
  const e = experiment();

  it('is detected in nearly all of 50 experiments that lose 20% of the treatment exposures', () => {
    let detected = 0;
    let invalid = 0;
    for (let seed = 0; seed < 50; seed++) {
      const s = simulate(50_000 + seed, {
        experiment: e,
        units: 3000,
        metrics: loanOnly,
        srm: { variant: 'banner', lossRate: 0.2 },
        effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.5 }],
      });
      expect(s.summary.lostToSrm).toBeGreaterThan(0);
      const results = buildResults({ experiment: e, catalogue, cells: s.cells });
      expect(results.srm.units).toEqual([s.summary.exposed.control, s.summary.exposed.banner]);
      if (results.srm.detected) detected++;
      if (results.verdict.decision === 'invalid') invalid++;
    }
    // Measured: 49 of 50 (the one miss had drawn 1569 treatment units to 1431 before the loss).
    expect(detected).toBeGreaterThanOrEqual(47);
    expect(invalid).toBe(detected);
  });

  it('makes the verdict invalid with a plain reason, even with a large planted win', () => {
    const s = simulate(50_100, {
      experiment: e,
      units: 4000,
      metrics: loanOnly,
      srm: { variant: 'banner', lossRate: 0.2 },
      effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.5 }],
    });
    const results = buildResults({ experiment: e, catalogue, cells: s.cells });
    expect(results.srm.detected).toBe(true);
    expect(results.srm.pValue).toBeLessThan(1e-6);
    expect(results.verdict).toEqual({
      decision: 'invalid',
      variant: null,
      reason: expect.stringMatching(
        /^Sample ratio mismatch \(p = \de-\d+\): assignment is broken, do not trust these numbers\.$/,
      ),
    });
  });

  it('on one channel only: flags that channel, and the experiment as a whole', () => {
    const s = simulate(50_200, {
      experiment: e,
      units: 6000,
      metrics: loanOnly,
      srm: { variant: 'banner', lossRate: 0.4, channel: 'wechat' },
    });
    // wechat is not one of the experiment's channels: the loss does nothing.
    expect(s.summary.lostToSrm).toBe(0);
    const branch = simulate(50_201, {
      experiment: e,
      units: 6000,
      metrics: loanOnly,
      srm: { variant: 'banner', lossRate: 0.4, channel: 'branch' },
    });
    const results = buildResults({ experiment: e, catalogue, cells: branch.cells });
    const byChannel = Object.fromEntries(results.breakdown.map((b) => [b.channel, b.srm.detected]));
    expect(byChannel).toEqual({ mobile: false, web: false, branch: true });
    expect(results.verdict.decision).toBe('invalid');
    expect(results.verdict.reason).toMatch(/^Sample ratio mismatch (\(p|on branch \(p)/);
    const lines = Object.fromEntries(results.channelVerdicts.map((v) => [v.channel, v.decision]));
    expect(lines.branch).toBe('invalid');
    expect(lines.mobile).not.toBe('invalid');
    expect(lines.web).not.toBe('invalid');
  });

  it('is not flagged when unequal weights are followed', () => {
    const weighted = experiment({
      variants: [
        { name: 'control', weight: 3 },
        { name: 'banner', weight: 1 },
      ],
    });
    const s = simulate(50_300, { experiment: weighted, units: 4000, metrics: loanOnly });
    const results = buildResults({ experiment: weighted, catalogue, cells: s.cells });
    expect(results.srm.expectedShares).toEqual([0.75, 0.25]);
    expect(results.srm.detected).toBe(false);
    expect(results.variants[0].share).toBeCloseTo(0.75, 1);
    // The same counts judged against equal weights would be a glaring mismatch.
    const equal = buildResults({ experiment: experiment(), catalogue, cells: s.cells });
    expect(equal.srm.detected).toBe(true);
  });
});
