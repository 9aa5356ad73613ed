// The heterogeneity test across channels (Cochran's Q, Holm across metrics × treatments) and the channel-fit recommendation: exact against scipy, its false-positive rate on A/A data, its power on a planted one-channel effect, and on which channels it says to ship.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildResults } from '../../shared/experiments/results';
import { cochranQ } from '../../shared/stats';
import { catalogue, experiment, simulate } from './fixtures';

describe("Cochran's Q", () => {
  it('agrees with scipy (stats.chi2.sf) on a worked example', () => {
    // numpy/scipy: w = 1/se², pooled = Σwy/Σw = 0.09, Q = 5.449999999999998, p = 0.0655462027180244.
    const q = cochranQ([
      { estimate: 0.1, se: 0.05 },
      { estimate: 0.05, se: 0.04 },
      { estimate: 0.3, se: 0.1 },
    ]);
    expect(q?.pooled).toBeCloseTo(0.09, 12);
    expect(q?.q).toBeCloseTo(5.449999999999998, 12);
    expect(q?.pValue).toBeCloseTo(0.0655462027180244, 12);
    expect(q?.dof).toBe(2);
    expect(q?.i2).toBeCloseTo((5.45 - 2) / 5.45, 12);
  });

  it('needs two estimates with a standard error', () => {
    expect(cochranQ([{ estimate: 0.1, se: 0.05 }])).toBeNull();
    expect(
      cochranQ([
        { estimate: 0.1, se: 0.05 },
        { estimate: 0.2, se: 0 },
      ]),
    ).toBeNull();
  });
});

const SEEDS = 200;

describe('A/A: the effect never differs by channel, so "differs" is a false positive', () => {
  const aa = experiment();
  let tests = 0;
  let rawRejections = 0;
  let familyRejections = 0;
  beforeAll(() => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const s = simulate(50_000 + seed, { experiment: aa, units: 1500 });
      const results = buildResults({ experiment: aa, catalogue, cells: s.cells });
      const tested = results.channelAnalysis.heterogeneity.filter((h) => h.error === null);
      tests += tested.length;
      rawRejections += tested.filter((h) => h.pValue < 0.05).length;
      if (tested.some((h) => h.differs)) familyRejections++;
    }
    console.log(
      `heterogeneity A/A: ${SEEDS} experiments, ${tests} tests; raw p < 0.05 in ${rawRejections} ` +
        `(${((100 * rawRejections) / tests).toFixed(2)}%); any "differs" after Holm in ${familyRejections} ` +
        `experiments (${((100 * familyRejections) / SEEDS).toFixed(2)}%)`,
    );
  }, 300_000);

  it('rejects each test at about alpha, and the family at most at about alpha', () => {
    expect(tests).toBe(SEEDS * 4);
    expect(rawRejections / tests).toBeGreaterThan(0.02);
    expect(rawRejections / tests).toBeLessThan(0.08);
    // Holm keeps the family-wise rate at or below alpha; the binomial sd at 200 is 1.5%.
    expect(familyRejections / SEEDS).toBeLessThan(0.08);
  });
});

describe('a planted one-channel effect', () => {
  const RUNS = 60;
  const e = experiment();
  let detected = 0;
  let fitShipsOthers = 0;
  beforeAll(() => {
    for (let seed = 0; seed < RUNS; seed++) {
      const s = simulate(60_000 + seed, {
        experiment: e,
        units: 4000,
        effects: [
          { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.5, channel: 'branch' },
        ],
      });
      const results = buildResults({ experiment: e, catalogue, cells: s.cells });
      const primary = results.channelAnalysis.heterogeneity.find(
        (h) => h.metric === 'loan_application_submitted' && h.variant === 'banner',
      );
      if (primary?.differs) detected++;
      const fit = results.channelAnalysis.fit;
      const branch = fit.channels.find((c) => c.channel === 'branch');
      const others = fit.channels.filter((c) => c.channel !== 'branch');
      if (primary?.differs && branch?.advice === 'ship' && others.every((c) => c.advice !== 'ship'))
        fitShipsOthers++;
    }
    console.log(
      `heterogeneity power: +50% loan applications on branch only, 4000 units over 3 channels, ${RUNS} runs: ` +
        `"differs" in ${detected} (${((100 * detected) / RUNS).toFixed(1)}%); channel fit ships on branch only in ${fitShipsOthers}`,
    );
  }, 300_000);

  it('is found most of the time', () => {
    expect(detected / RUNS).toBeGreaterThan(0.6);
  });

  it('and when found, the fit ships on that channel and no other', () => {
    expect(fitShipsOthers).toBeGreaterThan(0);
  });
});

describe('channel fit with harm on one channel', () => {
  it('ships where the lift holds and holds the channel whose guardrail is degraded, in plain codes', () => {
    const e = experiment();
    const s = simulate(7, {
      experiment: e,
      units: 30_000,
      effects: [
        { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.15 },
        { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
      ],
    });
    const results = buildResults({ experiment: e, catalogue, cells: s.cells });
    expect(results.verdict.decision).toBe('do-not-ship');
    const fit = results.channelAnalysis.fit;
    expect(fit.variant).toBe('banner');
    expect(fit.summary).toBe('ship-on-some');
    expect(fit.channels.map((c) => [c.channel, c.advice, c.because])).toEqual([
      ['mobile', 'ship', 'consistent-win'],
      ['web', 'ship', 'consistent-win'],
      ['branch', 'hold', 'guardrail-harm'],
    ]);
    expect(fit.channels[2].metrics).toContain('complaint_filed');
    const complaints = results.channelAnalysis.heterogeneity.find((h) => h.metric === 'complaint_filed');
    expect(complaints?.channels.map((c) => c.channel)).toEqual(['mobile', 'web', 'branch']);
  });

  it('within one channel there is nothing to compare across', () => {
    const e = experiment();
    const s = simulate(8, { experiment: e, units: 2000 });
    const results = buildResults({ experiment: e, catalogue, cells: s.cells, channel: 'web' });
    expect(results.channelAnalysis.heterogeneity).toEqual([]);
    expect(results.channelAnalysis.fit.channels).toEqual([]);
  });
});
