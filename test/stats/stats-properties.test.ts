// Checks of the statistics engine derived independently of gbstats: closed forms and textbook
// values of the distributions, seeded simulations (coverage, uniform A/A p-values, sequential
// validity under peeking, CUPED variance reduction, SRM power), and edge cases.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ArmStats,
  adjustPValues,
  analyzeTwoArm,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  srmTest,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  type TwoArmInput,
  type TwoArmResult,
} from '../../shared/stats';

// ---------- helpers ----------

/** mulberry32: a small seeded PRNG, so every simulation is reproducible. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): () => number {
  return () => {
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

function meanArm(values: number[]): ArmStats {
  return {
    n: values.length,
    sum: values.reduce((s, x) => s + x, 0),
    sumSquares: values.reduce((s, x) => s + x * x, 0),
  };
}

function binomialArm(n: number, p: number, random: () => number): ArmStats {
  let sum = 0;
  for (let i = 0; i < n; i++) if (random() < p) sum++;
  return { n, sum };
}

function close(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}

function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

function expectWellFormed(result: TwoArmResult): void {
  for (const x of numbersIn(result)) expect(Number.isFinite(x)).toBe(true);
  for (const effect of [result.absolute, result.relative]) {
    expect(effect.pValue).toBeGreaterThanOrEqual(0);
    expect(effect.pValue).toBeLessThanOrEqual(1);
    expect(effect.se).toBeGreaterThanOrEqual(0);
    expect(effect.ciLower).toBeLessThanOrEqual(effect.ciUpper);
  }
  for (const bayes of [result.bayesian.absolute, result.bayesian.relative]) {
    expect(bayes.chanceToWin).toBeGreaterThanOrEqual(0);
    expect(bayes.chanceToWin).toBeLessThanOrEqual(1);
    expect(bayes.riskControl).toBeGreaterThanOrEqual(0);
    expect(bayes.riskTreatment).toBeGreaterThanOrEqual(0);
    expect(bayes.ciLower).toBeLessThanOrEqual(bayes.ciUpper);
  }
  expect([null, 'ZERO_VARIANCE', 'BASELINE_ZERO']).toContain(result.error);
}

function expectUninformative(result: TwoArmResult): void {
  const effect = { estimate: 0, se: 0, dof: 0, ciLower: 0, ciUpper: 0, pValue: 1 };
  const bayes = { chanceToWin: 0.5, ciLower: 0, ciUpper: 0, riskControl: 0, riskTreatment: 0 };
  expect(result.absolute).toEqual(effect);
  expect(result.relative).toEqual(effect);
  expect(result.bayesian).toEqual({ absolute: bayes, relative: bayes });
}

/** Kolmogorov–Smirnov distance of a sample from Uniform(0, 1). */
function ksUniform(sample: number[]): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const n = sorted.length;
  return sorted.reduce((d, x, i) => Math.max(d, (i + 1) / n - x, x - i / n), 0);
}

// ---------- distributions ----------

describe('distributions against closed forms and textbook values', () => {
  it('normal', () => {
    close(normalQuantile(0.975), 1.959963984540054);
    close(normalQuantile(0.5), 0 + 0);
    close(normalCdf(1), 0.8413447460685429);
    close(normalSf(8), 6.22096057427174e-16);
    close(normalSf(20), 2.7536241186061556e-89);
    close(normalCdf(-37), 5.7255712225239266e-300, 1e-8);
  });

  it('Student t: Cauchy (1 dof) and 2 dof closed forms', () => {
    // Upper tails written without cancellation: atan(1/t)/pi and 1 / (r (r + t)), r = sqrt(2 + t^2).
    const cauchySf = (t: number) => (t > 0 ? Math.atan(1 / t) / Math.PI : 0.5 - Math.atan(t) / Math.PI);
    const twoDofSf = (t: number) => {
      const r = Math.sqrt(2 + t * t);
      return t > 0 ? 1 / (r * (r + t)) : 0.5 - t / (2 * r);
    };
    for (const t of [-50, -3, -0.5, 0, 0.2, 1, 4, 1e6]) {
      close(studentTSf(t, 1), cauchySf(t), 1e-12);
      close(studentTSf(t, 2), twoDofSf(t), 1e-12);
    }
    close(studentTQuantile(0.975, 1), Math.tan(Math.PI * 0.475), 1e-12);
    close(studentTQuantile(0.9, 2), 0.8 / Math.sqrt(2 * 0.9 * 0.1), 1e-12);
  });

  it('Student t: table values', () => {
    close(studentTQuantile(0.975, 10), 2.228138851986274);
    close(studentTQuantile(0.995, 3), 5.840909309733355);
    close(studentTSf(2.5, 7), 0.020496109292876444);
    close(studentTQuantile(0.025, 10), -2.228138851986274);
  });

  it('Student t tends to the normal as dof grows', () => {
    close(studentTSf(1.96, 1e13), normalSf(1.96), 1e-12);
    close(studentTQuantile(0.975, 1e13), normalQuantile(0.975), 1e-12);
    expect(studentTQuantile(0.975, 30)).toBeGreaterThan(studentTQuantile(0.975, 300));
  });

  it('chi-square: closed forms for 2 and 4 dof', () => {
    close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-12);
    close(chiSquareSf(7, 2), Math.exp(-3.5), 1e-12);
    close(chiSquareSf(10, 4), Math.exp(-5) * (1 + 5), 1e-12);
    expect(chiSquareSf(0, 3)).toBe(1);
  });

  it('quantile and CDF invert each other (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        fc.double({ min: 1, max: 1e8, noNaN: true }),
        (p, dof) => {
          const t = studentTQuantile(p, dof);
          // Compare in the smaller tail, where the probability is represented exactly.
          if (p < 0.5) close(studentTCdf(t, dof), p, 1e-8);
          else close(studentTSf(t, dof), 1 - p, 1e-8);
          const z = normalQuantile(p);
          if (p < 0.5) close(normalCdf(z), p, 1e-10);
          else close(normalSf(z), 1 - p, 1e-10);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------- frequentist ----------

describe('Welch t-test against an independent implementation', () => {
  // scipy.stats.ttest_ind(b, a, equal_var=False) on these data: t 3.857174956983694,
  // p 0.0010434807062444772, df 19.216694591564615, 95% CI (1.0521367747817143, 3.544529891884939).
  const a = [12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 16.1, 13.3, 12.9, 14.8];
  const b = [15.4, 13.9, 17.2, 16.8, 14.1, 18.3, 15.9, 16.6, 17.7, 15.1, 16.2, 14.9];

  it('matches scipy for the absolute difference', () => {
    const result = analyzeTwoArm({
      metricType: 'mean',
      control: meanArm(a),
      treatment: meanArm(b),
      prior: null,
    });
    expect(result.error).toBeNull();
    close(result.absolute.pValue, 0.0010434807062444772, 1e-8);
    close(result.absolute.dof, 19.216694591564615, 1e-10);
    close(result.absolute.ciLower, 1.0521367747817143, 1e-9);
    close(result.absolute.ciUpper, 3.544529891884939, 1e-9);
    close(result.absolute.estimate / result.absolute.se, 3.857174956983694, 1e-10);
  });

  it('binomial variance is p(1 - p) without the n/(n - 1) factor', () => {
    const result = analyzeTwoArm({
      metricType: 'binomial',
      control: { n: 50, sum: 10 },
      treatment: { n: 40, sum: 12 },
    });
    close(result.absolute.se, Math.sqrt((0.2 * 0.8) / 50 + (0.3 * 0.7) / 40), 1e-12);
  });
});

describe('simulation: coverage of a planted effect', () => {
  it('mean metric: ~95% of absolute and relative CIs cover the truth', () => {
    const random = rng(1);
    const normal = gaussian(random);
    const reps = 1000;
    let absoluteCovered = 0;
    let relativeCovered = 0;
    for (let r = 0; r < reps; r++) {
      const control = Array.from({ length: 200 }, () => 10 + 2 * normal());
      const treatment = Array.from({ length: 200 }, () => 10.5 + 2 * normal());
      const result = analyzeTwoArm({
        metricType: 'mean',
        control: meanArm(control),
        treatment: meanArm(treatment),
      });
      if (result.absolute.ciLower <= 0.5 && 0.5 <= result.absolute.ciUpper) absoluteCovered++;
      if (result.relative.ciLower <= 0.05 && 0.05 <= result.relative.ciUpper) relativeCovered++;
    }
    expect(absoluteCovered / reps).toBeGreaterThan(0.93);
    expect(absoluteCovered / reps).toBeLessThan(0.97);
    expect(relativeCovered / reps).toBeGreaterThan(0.93);
    expect(relativeCovered / reps).toBeLessThan(0.97);
  });

  it('binomial metric: ~95% coverage of the difference in rates', () => {
    const random = rng(2);
    const reps = 500;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const result = analyzeTwoArm({
        metricType: 'binomial',
        control: binomialArm(2000, 0.1, random),
        treatment: binomialArm(2000, 0.12, random),
      });
      if (result.absolute.ciLower <= 0.02 && 0.02 <= result.absolute.ciUpper) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.92);
    expect(covered / reps).toBeLessThan(0.98);
  });

  it('ratio metric: ~95% coverage of the difference in ratios', () => {
    const random = rng(3);
    const normal = gaussian(random);
    const arm = (rate: number): ArmStats => {
      const stats = {
        n: 400,
        sum: 0,
        sumSquares: 0,
        denominatorSum: 0,
        denominatorSumSquares: 0,
        mainDenominatorSumProduct: 0,
      };
      for (let i = 0; i < stats.n; i++) {
        const d = 1 + Math.floor(random() * 5);
        const m = d * rate + Math.sqrt(d) * normal();
        stats.sum += m;
        stats.sumSquares += m * m;
        stats.denominatorSum += d;
        stats.denominatorSumSquares += d * d;
        stats.mainDenominatorSumProduct += m * d;
      }
      return stats;
    };
    const reps = 500;
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const result = analyzeTwoArm({ metricType: 'ratio', control: arm(2), treatment: arm(2.1) });
      if (result.absolute.ciLower <= 0.1 && 0.1 <= result.absolute.ciUpper) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.92);
    expect(covered / reps).toBeLessThan(0.98);
  });
});

describe('simulation: A/A tests', () => {
  const random = rng(4);
  const normal = gaussian(random);
  const reps = 1500;
  const pValues: number[] = [];
  const chances: number[] = [];
  for (let r = 0; r < reps; r++) {
    const control = Array.from({ length: 100 }, () => 5 + normal());
    const treatment = Array.from({ length: 100 }, () => 5 + normal());
    const result = analyzeTwoArm({
      metricType: 'mean',
      control: meanArm(control),
      treatment: meanArm(treatment),
      prior: null,
    });
    pValues.push(result.absolute.pValue);
    chances.push(result.bayesian.absolute.chanceToWin);
  }

  it('p-values are roughly uniform', () => {
    expect(ksUniform(pValues)).toBeLessThan(0.04);
    const falsePositives = pValues.filter((p) => p < 0.05).length / reps;
    expect(falsePositives).toBeGreaterThan(0.035);
    expect(falsePositives).toBeLessThan(0.065);
  });

  it('chance to win (flat prior) is roughly uniform', () => {
    expect(ksUniform(chances)).toBeLessThan(0.04);
  });
});

describe('simulation: sequential testing under peeking', () => {
  it('keeps the A/A error rate at alpha when peeking, unlike the fixed-horizon test', () => {
    const random = rng(5);
    const normal = gaussian(random);
    const reps = 300;
    const looks = 20;
    const perLook = 100;
    let fixedRejected = 0;
    let sequentialRejected = 0;
    for (let r = 0; r < reps; r++) {
      const control: ArmStats = { n: 0, sum: 0, sumSquares: 0 };
      const treatment: ArmStats = { n: 0, sum: 0, sumSquares: 0 };
      let fixedHit = false;
      let sequentialHit = false;
      for (let look = 0; look < looks; look++) {
        for (const arm of [control, treatment]) {
          for (let i = 0; i < perLook; i++) {
            const x = normal();
            arm.n++;
            arm.sum += x;
            arm.sumSquares = (arm.sumSquares ?? 0) + x * x;
          }
        }
        // A mean metric around 0 has no relative lift; shift both arms so the baseline is not 0.
        const shifted = (arm: ArmStats): ArmStats => ({
          n: arm.n,
          sum: arm.sum + 10 * arm.n,
          sumSquares: (arm.sumSquares ?? 0) + 20 * arm.sum + 100 * arm.n,
        });
        const input: TwoArmInput = {
          metricType: 'mean',
          control: shifted(control),
          treatment: shifted(treatment),
        };
        if (analyzeTwoArm(input).absolute.pValue < 0.05) fixedHit = true;
        if (analyzeTwoArm({ ...input, sequentialTuning: 2000 }).absolute.pValue < 0.05) sequentialHit = true;
      }
      if (fixedHit) fixedRejected++;
      if (sequentialHit) sequentialRejected++;
    }
    expect(sequentialRejected / reps).toBeLessThanOrEqual(0.05);
    expect(fixedRejected / reps).toBeGreaterThan(0.1);
  });

  it('the confidence sequence is wider than the fixed-horizon interval', () => {
    const input: TwoArmInput = {
      metricType: 'binomial',
      control: { n: 5000, sum: 500 },
      treatment: { n: 5000, sum: 560 },
    };
    const fixed = analyzeTwoArm(input);
    for (const tuning of [100, 1000, 5000, 10000, 100000]) {
      const sequential = analyzeTwoArm({ ...input, sequentialTuning: tuning });
      expect(sequential.absolute.estimate).toBe(fixed.absolute.estimate);
      expect(sequential.absolute.ciLower).toBeLessThan(fixed.absolute.ciLower);
      expect(sequential.absolute.ciUpper).toBeGreaterThan(fixed.absolute.ciUpper);
      expect(sequential.absolute.pValue).toBeGreaterThanOrEqual(fixed.absolute.pValue);
    }
  });
});

describe('simulation: CUPED', () => {
  it('estimates theta, shrinks the standard error and keeps coverage', () => {
    const random = rng(6);
    const normal = gaussian(random);
    const arm = (lift: number): ArmStats => {
      const stats = {
        n: 500,
        sum: 0,
        sumSquares: 0,
        covariateSum: 0,
        covariateSumSquares: 0,
        mainCovariateSumProduct: 0,
      };
      for (let i = 0; i < stats.n; i++) {
        const pre = 10 + 2 * normal();
        const post = 2 + 0.8 * pre + normal() + lift;
        stats.sum += post;
        stats.sumSquares += post * post;
        stats.covariateSum += pre;
        stats.covariateSumSquares += pre * pre;
        stats.mainCovariateSumProduct += post * pre;
      }
      return stats;
    };
    const reps = 400;
    let covered = 0;
    let seRatio = 0;
    let thetaTotal = 0;
    for (let r = 0; r < reps; r++) {
      const input: TwoArmInput = { metricType: 'mean', control: arm(0), treatment: arm(0.3) };
      const cuped = analyzeTwoArm({ ...input, cuped: true });
      const plain = analyzeTwoArm(input);
      if (cuped.absolute.ciLower <= 0.3 && 0.3 <= cuped.absolute.ciUpper) covered++;
      seRatio += cuped.absolute.se / plain.absolute.se / reps;
      thetaTotal += (cuped.theta ?? 0) / reps;
      expect(plain.theta).toBeUndefined();
    }
    // Var(post) = 0.64 * 4 + 1, residual variance 1: se shrinks by sqrt(1 / 3.56) ≈ 0.53.
    expect(seRatio).toBeGreaterThan(0.5);
    expect(seRatio).toBeLessThan(0.56);
    expect(thetaTotal).toBeGreaterThan(0.78);
    expect(thetaTotal).toBeLessThan(0.82);
    expect(covered / reps).toBeGreaterThan(0.92);
    expect(covered / reps).toBeLessThan(0.98);
  });

  it('falls back to the plain analysis when the covariate has no variance', () => {
    const control: ArmStats = {
      n: 100,
      sum: 40,
      sumSquares: 60,
      covariateSum: 100,
      covariateSumSquares: 100,
      mainCovariateSumProduct: 40,
    };
    const treatment: ArmStats = {
      n: 100,
      sum: 50,
      sumSquares: 70,
      covariateSum: 100,
      covariateSumSquares: 100,
      mainCovariateSumProduct: 50,
    };
    const cuped = analyzeTwoArm({ metricType: 'mean', control, treatment, cuped: true });
    const plain = analyzeTwoArm({ metricType: 'mean', control, treatment });
    expect(cuped.theta).toBe(0);
    expect({ ...cuped, theta: undefined }).toEqual({ ...plain, theta: undefined });
  });

  it('falls back to the plain ratio analysis when the ratio pre-period is empty', () => {
    const arm = (sum: number): ArmStats => ({
      n: 100,
      sum,
      sumSquares: 3 * sum,
      denominatorSum: 150,
      denominatorSumSquares: 300,
      mainDenominatorSumProduct: 1.2 * sum,
    });
    const cuped = analyzeTwoArm({ metricType: 'ratio', control: arm(80), treatment: arm(90), cuped: true });
    const plain = analyzeTwoArm({ metricType: 'ratio', control: arm(80), treatment: arm(90) });
    expect(cuped.theta).toBe(0);
    expect({ ...cuped, theta: undefined }).toEqual({ ...plain, theta: undefined });
  });
});

// ---------- Bayesian ----------

describe('Bayesian', () => {
  const input: TwoArmInput = {
    metricType: 'binomial',
    control: { n: 1000, sum: 100 },
    treatment: { n: 1000, sum: 120 },
  };

  it('with a flat prior the posterior is the likelihood', () => {
    const result = analyzeTwoArm({ ...input, prior: null });
    for (const scale of ['absolute', 'relative'] as const) {
      const { estimate, se } = result[scale];
      const bayes = result.bayesian[scale];
      close(bayes.chanceToWin, normalCdf(estimate / se), 1e-12);
      close((bayes.ciLower + bayes.ciUpper) / 2, estimate, 1e-12);
      close(bayes.ciUpper - bayes.ciLower, 2 * normalQuantile(0.975) * se, 1e-12);
      // E[max(X, 0)] - E[max(-X, 0)] = E[X].
      close(bayes.riskControl - bayes.riskTreatment, estimate, 1e-9);
    }
  });

  it('the default prior N(0, 0.3²) shrinks towards 0; null is flat; an object is used as given', () => {
    const flat = analyzeTwoArm({ ...input, prior: null }).bayesian.relative;
    const byDefault = analyzeTwoArm(input).bayesian.relative;
    const explicit = analyzeTwoArm({ ...input, prior: { mean: 0, variance: 0.09 } }).bayesian.relative;
    expect(byDefault).toEqual(explicit);
    const mid = (b: { ciLower: number; ciUpper: number }) => (b.ciLower + b.ciUpper) / 2;
    expect(Math.abs(mid(byDefault))).toBeLessThan(Math.abs(mid(flat)));
    expect(byDefault.ciUpper - byDefault.ciLower).toBeLessThan(flat.ciUpper - flat.ciLower);
    const optimistic = analyzeTwoArm({ ...input, prior: { mean: 0.5, variance: 0.001 } }).bayesian.relative;
    expect(mid(optimistic)).toBeGreaterThan(mid(flat));
  });

  it('overwhelming evidence gives chance to win 1 and finite risks', () => {
    const result = analyzeTwoArm({
      metricType: 'binomial',
      control: { n: 1e7, sum: 1e6 },
      treatment: { n: 1e7, sum: 2e6 },
    });
    expectWellFormed(result);
    expect(result.bayesian.relative.chanceToWin).toBe(1);
    expect(result.bayesian.relative.riskTreatment).toBe(0);
  });
});

// ---------- SRM ----------

describe('sample-ratio mismatch', () => {
  it('detects a 52/48 split at large n', () => {
    const result = srmTest([10400, 9600], [0.5, 0.5]);
    expect(result.detected).toBe(true);
    expect(result.pValue).toBeLessThan(1e-6);
  });

  it('two arms: the chi-square p-value equals the two-sided z-test', () => {
    const z = (1200 - 1100) / Math.sqrt(2200 * 0.25);
    close(srmTest([1000, 1200], [1, 1]).pValue, 2 * normalSf(z), 1e-10);
  });

  it('does not flag an exact split, or fair random splits (false-positive rate ~0.1%)', () => {
    expect(srmTest([10000, 10000], [0.5, 0.5])).toEqual({ pValue: 1, detected: false });
    expect(srmTest([5000, 2500, 2500], [50, 25, 25]).detected).toBe(false);
    const random = rng(7);
    let flagged = 0;
    for (let r = 0; r < 300; r++) {
      let a = 0;
      for (let i = 0; i < 10000; i++) if (random() < 0.5) a++;
      if (srmTest([a, 10000 - a], [0.5, 0.5]).detected) flagged++;
    }
    expect(flagged).toBeLessThanOrEqual(2);
  });

  it('needs at least 8 units expected per arm and well-formed input', () => {
    expect(srmTest([3, 12], [0.5, 0.5])).toEqual({ pValue: 1, detected: false });
    expect(srmTest([4, 12], [0.5, 0.5]).pValue).toBeLessThan(1);
    expect(srmTest([7, 30], [0.5, 0.5]).pValue).toBeLessThan(1);
    expect(srmTest([0, 0], [0.5, 0.5])).toEqual({ pValue: 1, detected: false });
    expect(srmTest([100, 100], [1])).toEqual({ pValue: 1, detected: false });
    expect(srmTest([100], [1])).toEqual({ pValue: 1, detected: false });
    expect(srmTest([Number.NaN, 100], [1, 1])).toEqual({ pValue: 1, detected: false });
  });

  it('flags an arm that receives nobody, the worst mismatch of all', () => {
    expect(srmTest([0, 100], [0.5, 0.5]).detected).toBe(true);
    expect(srmTest([200, 200, 0], [1, 1, 1]).detected).toBe(true);
    expect(srmTest([0, 20], [0.5, 0.5]).detected).toBe(true);
    // Too few expected in the starved arm to say anything yet.
    expect(srmTest([0, 10], [0.1, 0.9]).detected).toBe(false);
  });

  it('ignores arms with zero weight, as gbstats does', () => {
    expect(srmTest([1000, 1000, 0], [0.5, 0.5, 0])).toEqual({ pValue: 1, detected: false });
  });
});

// ---------- multiple comparisons ----------

describe('adjustPValues', () => {
  it('hand-computed examples', () => {
    expect(adjustPValues([0.01, 0.02, 0.03], 'holm').map((p) => +p.toFixed(12))).toEqual([0.03, 0.04, 0.04]);
    expect(adjustPValues([0.01, 0.02, 0.03], 'bh').map((p) => +p.toFixed(12))).toEqual([0.03, 0.03, 0.03]);
    expect(adjustPValues([], 'holm')).toEqual([]);
    expect(adjustPValues([0.2], 'bh')).toEqual([0.2]);
    expect(adjustPValues([Number.NaN, 0.01], 'holm')).toEqual([1, 0.02]);
  });

  it('is monotone, at least the raw p, capped at 1, order-preserving, and Holm ≥ BH (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (raw) => {
        const holm = adjustPValues(raw, 'holm');
        const bh = adjustPValues(raw, 'bh');
        expect(holm).toHaveLength(raw.length);
        raw.forEach((p, i) => {
          for (const adjusted of [holm, bh]) {
            expect(adjusted[i]).toBeGreaterThanOrEqual(p);
            expect(adjusted[i]).toBeLessThanOrEqual(1);
          }
          expect(holm[i]).toBeGreaterThanOrEqual(bh[i] - 1e-15);
          raw.forEach((q, j) => {
            if (p <= q) {
              expect(holm[i]).toBeLessThanOrEqual(holm[j]);
              expect(bh[i]).toBeLessThanOrEqual(bh[j]);
            }
          });
        });
        const reversed = [...raw].reverse();
        expect(adjustPValues(reversed, 'bh')).toEqual([...bh].reverse());
      }),
      { numRuns: 200 },
    );
  });
});

// ---------- edge cases ----------

describe('edge cases', () => {
  it('zero variance: every control unit converted', () => {
    const result = analyzeTwoArm({
      metricType: 'binomial',
      control: { n: 100, sum: 100 },
      treatment: { n: 100, sum: 90 },
    });
    expect(result.error).toBe('ZERO_VARIANCE');
    expectUninformative(result);
    expect(result.controlMean).toBe(1);
    expect(result.treatmentMean).toBe(0.9);
  });

  it('zero baseline: a mean metric whose control averages 0', () => {
    const result = analyzeTwoArm({
      metricType: 'mean',
      control: { n: 100, sum: 0, sumSquares: 50 },
      treatment: { n: 100, sum: 10, sumSquares: 60 },
    });
    expect(result.error).toBe('BASELINE_ZERO');
    expectUninformative(result);
  });

  it('zero baseline of a binomial metric has zero variance (gbstats checks variance first)', () => {
    const result = analyzeTwoArm({
      metricType: 'binomial',
      control: { n: 100, sum: 0 },
      treatment: { n: 100, sum: 5 },
    });
    expect(result.error).toBe('ZERO_VARIANCE');
  });

  it('n = 0 and n = 1', () => {
    for (const n of [0, 1]) {
      for (const metricType of ['binomial', 'mean', 'ratio'] as const) {
        const arm: ArmStats = { n, sum: n, sumSquares: 2 * n, denominatorSum: n, denominatorSumSquares: n };
        const result = analyzeTwoArm({
          metricType,
          control: arm,
          treatment: arm,
          cuped: true,
          sequentialTuning: 5000,
        });
        expect(result.error).toBe('ZERO_VARIANCE');
        expectUninformative(result);
        expectWellFormed(result);
      }
    }
  });

  it('tiny n: two units per arm still gives a finite, wide result', () => {
    const result = analyzeTwoArm({
      metricType: 'mean',
      control: meanArm([1, 2]),
      treatment: meanArm([2, 4]),
    });
    expect(result.error).toBeNull();
    expectWellFormed(result);
    expect(result.absolute.dof).toBeGreaterThanOrEqual(1);
    expect(result.absolute.ciUpper - result.absolute.ciLower).toBeGreaterThan(5);
  });

  it('huge n: a billion units per arm', () => {
    const input: TwoArmInput = {
      metricType: 'binomial',
      control: { n: 1e9, sum: 1e8 },
      treatment: { n: 1e9, sum: 1.001e8 },
    };
    for (const sequentialTuning of [null, 5000]) {
      const result = analyzeTwoArm({ ...input, sequentialTuning });
      expect(result.error).toBeNull();
      expectWellFormed(result);
      close(result.relative.estimate, 1e-3, 1e-6);
    }
    expect(analyzeTwoArm(input).absolute.pValue).toBeLessThan(0.05);
  });

  it('malformed numbers give ZERO_VARIANCE, never NaN', () => {
    const good: ArmStats = { n: 100, sum: 10 };
    for (const bad of [
      { n: Number.NaN, sum: 10 },
      { n: -5, sum: 10 },
      { n: 100, sum: Number.POSITIVE_INFINITY },
      { n: 100, sum: 10, sumSquares: Number.NaN },
    ]) {
      const result = analyzeTwoArm({ metricType: 'mean', control: bad, treatment: good });
      expect(result.error).toBe('ZERO_VARIANCE');
      expectWellFormed(result);
    }
  });

  it('no NaN or Infinity for arbitrary input (property)', () => {
    const number = fc.oneof(
      fc.double(),
      fc.integer({ min: -5, max: 1000 }),
      fc.constantFrom(0, 1, 2, 1e-300, 1e300, -1e300, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY),
    );
    const arm = fc.record(
      {
        n: fc.oneof(fc.integer({ min: 0, max: 1e9 }), number),
        sum: number,
        sumSquares: number,
        denominatorSum: number,
        denominatorSumSquares: number,
        mainDenominatorSumProduct: number,
        covariateSum: number,
        covariateSumSquares: number,
        mainCovariateSumProduct: number,
        denominatorPreSum: number,
        denominatorPreSumSquares: number,
        mainPostDenominatorPreSumProduct: number,
        mainPreDenominatorPostSumProduct: number,
        mainPreDenominatorPreSumProduct: number,
        denominatorPostDenominatorPreSumProduct: number,
      },
      { requiredKeys: ['n', 'sum'] },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('binomial', 'mean', 'ratio' as const),
        arm,
        arm,
        fc.boolean(),
        fc.option(fc.oneof(fc.double({ min: 1, max: 1e6, noNaN: true }), number), { nil: undefined }),
        fc.option(fc.record({ mean: number, variance: number })),
        fc.option(fc.oneof(fc.double({ min: 0.001, max: 0.5, noNaN: true }), number), { nil: undefined }),
        (metricType, control, treatment, cuped, sequentialTuning, prior, alpha) => {
          const result = analyzeTwoArm({
            metricType: metricType as TwoArmInput['metricType'],
            control,
            treatment,
            cuped,
            sequentialTuning,
            prior,
            alpha,
          });
          expectWellFormed(result);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('realistic data: the interval contains the estimate in every mode (property)', () => {
    const values = fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(values, values, fc.boolean(), (a, b, sequential) => {
        const result = analyzeTwoArm({
          metricType: 'mean',
          control: meanArm(a),
          treatment: meanArm(b),
          sequentialTuning: sequential ? 1000 : null,
        });
        expectWellFormed(result);
        if (result.error !== null) return;
        for (const effect of [result.absolute, result.relative]) {
          expect(effect.ciLower).toBeLessThanOrEqual(effect.estimate);
          expect(effect.ciUpper).toBeGreaterThanOrEqual(effect.estimate);
        }
      }),
      { numRuns: 200 },
    );
  });
});
