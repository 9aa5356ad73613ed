/**
 * Power and duration (shared/stats/power.ts) against textbook closed-form numbers worked out by
 * hand, and again by simulation with a seeded PRNG: at the sample size it gives, the test the
 * platform runs rejects about `power` of the time, and about `alpha` of the time with no lift.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/simulation/simulation';
import { normalSf } from '../../shared/stats';
import {
  daysToReach,
  minimumDetectableEffect,
  powerAt,
  sampleSizePerArm,
  sequentialSampleSizePerArm,
} from '../../shared/stats/power';
import { sequentialTTest } from '../../shared/stats/sequential';

const SETTINGS = { alpha: 0.05, power: 0.8 };
const CONVERSION = { kind: 'conversion', rate: 0.1 } as const;

/** Rejections of the two-sided z-test (unpooled) on Bernoulli arms, `reps` times. */
function simulateConversion(
  p: number,
  q: number,
  n: number,
  reps: number,
  seed: number,
  test: (diff: number, se: number) => boolean,
): number {
  const random = seededRandom(seed);
  let rejected = 0;
  for (let r = 0; r < reps; r += 1) {
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i += 1) {
      if (random() < p) a += 1;
      if (random() < q) b += 1;
    }
    const pa = a / n;
    const pb = b / n;
    const se = Math.sqrt((pa * (1 - pa) + pb * (1 - pb)) / n);
    if (se > 0 && test(pb - pa, se)) rejected += 1;
  }
  return rejected / reps;
}

function zTest(alpha: number) {
  return (diff: number, se: number) => 2 * normalSf(Math.abs(diff / se)) < alpha;
}

describe('sample size and MDE, fixed horizon', () => {
  it('matches the textbook number for p = 0.1, +10% relative, alpha 0.05, power 0.8', () => {
    // By hand: z(0.975) = 1.959964, z(0.8) = 0.841621, (1.959964 + 0.841621)² = 7.848879;
    // p1q1 + p2q2 = 0.1·0.9 + 0.11·0.89 = 0.1879; δ² = 0.01² → 7.848879 · 0.1879 / 1e-4 = 14748.0.
    const n = sampleSizePerArm(CONVERSION, 0.1, SETTINGS);
    expect(n).toBe(14749);
    // The MDE of that sample is the lift it was sized for.
    expect(minimumDetectableEffect(CONVERSION, 14749, SETTINGS)).toBeCloseTo(0.1, 4);
    expect(powerAt(CONVERSION, 0.1, 14749, 0.05)).toBeCloseTo(0.8, 3);
  });

  it('matches the textbook number for a mean metric: mean 10, sd 5, +5%', () => {
    // (1.959964 + 0.841621)² · 2 · 25 / 0.5² = 7.848879 · 200 = 1569.78 → 1570.
    expect(sampleSizePerArm({ kind: 'mean', mean: 10, variance: 25 }, 0.05, SETTINGS)).toBe(1570);
    // The MDE of n units is (z + z)·√(2σ²/n)/mean: at 1570 units, 0.05.
    expect(minimumDetectableEffect({ kind: 'mean', mean: 10, variance: 25 }, 1570, SETTINGS)).toBeCloseTo(
      0.05,
      4,
    );
  });

  it('second method: simulated Bernoulli arms reject about 80% of the time at that size, 5% with no lift', () => {
    const reps = 1500;
    const power = simulateConversion(0.1, 0.11, 14749, reps, 11, zTest(0.05));
    // 1500 runs: the standard error of a rate near 0.8 is 0.010; allow four of them.
    expect(Math.abs(power - 0.8)).toBeLessThan(0.042);
    const size = simulateConversion(0.1, 0.1, 14749, reps, 12, zTest(0.05));
    expect(Math.abs(size - 0.05)).toBeLessThan(0.023);
  });

  it('second method for a mean: simulated normal customers reject about 80% of the time', () => {
    const random = seededRandom(5);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const n = 1570;
    const reps = 1500;
    let rejected = 0;
    for (let r = 0; r < reps; r += 1) {
      const arm = (mean: number) => {
        let sum = 0;
        let squares = 0;
        for (let i = 0; i < n; i += 1) {
          const x = mean + 5 * normal();
          sum += x;
          squares += x * x;
        }
        return { mean: sum / n, variance: (squares - (sum * sum) / n) / (n - 1) };
      };
      const a = arm(10);
      const b = arm(10.5);
      if (zTest(0.05)(b.mean - a.mean, Math.sqrt((a.variance + b.variance) / n))) rejected += 1;
    }
    expect(Math.abs(rejected / reps - 0.8)).toBeLessThan(0.042);
  });

  it('round-trips: the sample size of the MDE of n units is n (within rounding), for any baseline', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.005, max: 0.6, noNaN: true }),
        fc.integer({ min: 200, max: 2_000_000 }),
        (rate, n) => {
          const mde = minimumDetectableEffect({ kind: 'conversion', rate }, n, SETTINGS);
          expect(mde).not.toBeNull();
          if (mde === null || rate * (1 + mde) > 1) return;
          const back = sampleSizePerArm({ kind: 'conversion', rate }, mde, SETTINGS);
          expect(Math.abs((back ?? 0) - n)).toBeLessThanOrEqual(Math.max(2, n * 1e-6));
        },
      ),
    );
  });

  it('needs more units for a smaller lift, lower alpha or higher power; says null when nothing can', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.5, noNaN: true }), (lift) => {
        const n = sampleSizePerArm(CONVERSION, lift, SETTINGS) ?? 0;
        expect(sampleSizePerArm(CONVERSION, lift / 2, SETTINGS) ?? 0).toBeGreaterThan(n);
        expect(sampleSizePerArm(CONVERSION, lift, { alpha: 0.01, power: 0.8 }) ?? 0).toBeGreaterThan(n);
        expect(sampleSizePerArm(CONVERSION, lift, { alpha: 0.05, power: 0.9 }) ?? 0).toBeGreaterThan(n);
      }),
    );
    expect(sampleSizePerArm(CONVERSION, 0, SETTINGS)).toBeNull();
    expect(sampleSizePerArm({ kind: 'conversion', rate: 0.6 }, 1, SETTINGS)).toBeNull();
    expect(sampleSizePerArm({ kind: 'mean', mean: 0, variance: 1 }, 0.1, SETTINGS)).toBeNull();
    expect(sampleSizePerArm({ kind: 'mean', mean: 3, variance: 0 }, 0.1, SETTINGS)).toBeNull();
    expect(minimumDetectableEffect(CONVERSION, 0, SETTINGS)).toBeNull();
    expect(sampleSizePerArm(CONVERSION, 0.1, { alpha: 0, power: 0.8 })).toBeNull();
  });
});

describe('the sequential test costs more units', () => {
  it('sizes the always-valid test above the fixed one, and simulation confirms its power there', () => {
    const fixed = sampleSizePerArm(CONVERSION, 0.1, SETTINGS) ?? 0;
    const sequential = sequentialSampleSizePerArm(CONVERSION, 0.1, SETTINGS) ?? 0;
    expect(sequential).toBeGreaterThan(fixed * 1.5);
    expect(sequential).toBeLessThan(fixed * 3);
    // The engine's sequential test on simulated arms of that size rejects at least `power` of the
    // time (minus noise); at the fixed-horizon size it falls clearly short.
    const reps = 500;
    const rejects = (diff: number, se: number, n: number) =>
      sequentialTTest({ estimate: diff, se, error: null }, 2 * n, 0.05, 5000).pValue < 0.05;
    const atSequential = simulateConversion(0.1, 0.11, sequential, reps, 21, (d, se) =>
      rejects(d, se, sequential),
    );
    expect(atSequential).toBeGreaterThan(0.8 - 0.06);
    const atFixed = simulateConversion(0.1, 0.11, fixed, reps, 22, (d, se) => rejects(d, se, fixed));
    expect(atFixed).toBeLessThan(0.6);
  });
});

describe('days to a decision', () => {
  it('divides the units still missing by the daily rate, rounding up', () => {
    expect(daysToReach(14749, 10_000, 500)).toBe(10);
    expect(daysToReach(14749, 14_749, 500)).toBe(0);
    expect(daysToReach(14749, 20_000, 0)).toBe(0);
    expect(daysToReach(14749, 100, 0)).toBeNull();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e7 }),
        fc.integer({ min: 0, max: 1e7 }),
        fc.integer({ min: 1, max: 1e5 }),
        (req, cur, rate) => {
          const days = daysToReach(req, cur, rate) ?? -1;
          expect(cur + days * rate).toBeGreaterThanOrEqual(req);
          if (days > 0) expect(cur + (days - 1) * rate).toBeLessThan(req);
        },
      ),
    );
  });
});
