/**
 * The quantile core's properties: the sample quantile lies within the data and grows with p, an
 * arm's distribution-free interval holds its estimate, and a difference is refused (null) when an
 * arm cannot carry a standard error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareQuantiles, estimateQuantile, sampleQuantile } from '../../shared/experiments/quantile';

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 });
const level = fc.double({ min: 0.01, max: 0.99, noNaN: true });

describe('quantiles', () => {
  it('lie within the data, grow with p, and the interval holds the estimate', () => {
    fc.assert(
      fc.property(values, level, level, (xs, p, q) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const [lo, hi] = p <= q ? [p, q] : [q, p];
        expect(sampleQuantile(sorted, lo)).toBeGreaterThanOrEqual(sorted[0]);
        expect(sampleQuantile(sorted, hi)).toBeLessThanOrEqual(sorted[sorted.length - 1]);
        expect(sampleQuantile(sorted, lo)).toBeLessThanOrEqual(sampleQuantile(sorted, hi) + 1e-9);
        const e = estimateQuantile(xs, p, 0.05);
        expect(e.units).toBe(xs.length);
        expect(e.se).toBeGreaterThanOrEqual(0);
        expect(e.ciLower).toBeLessThanOrEqual(e.ciUpper);
        if (xs.length >= 30) {
          expect(e.ciLower).toBeLessThanOrEqual(e.estimate + 1e-9);
          expect(e.estimate).toBeLessThanOrEqual(e.ciUpper + 1e-9);
        }
      }),
    );
  });

  it('give no difference for an arm of one unit or no spread', () => {
    const one = estimateQuantile([3], 0.95, 0.05);
    const flat = estimateQuantile([2, 2, 2, 2], 0.95, 0.05);
    const spread = estimateQuantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 0.05);
    expect(compareQuantiles(one, spread, 0.05)).toBeNull();
    expect(compareQuantiles(flat, flat, 0.05)).toBeNull();
    const d = compareQuantiles(spread, flat, 0.05);
    expect(d?.absolute.estimate).toBeCloseTo(2 - 5.5, 12);
    expect(d?.absolute.ciLower).toBeLessThan(d?.absolute.ciUpper ?? Number.NaN);
    expect(d?.relative.estimate).toBeCloseTo(2 / 5.5 - 1, 12);
  });
});
