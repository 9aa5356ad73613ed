/**
 * Percentile intervals in simulation: over many seeds, the interval for the difference of two arms'
 * quantiles (Deng, Knoblich & Lu 2018, shared/experiments/quantile.ts) must cover the true
 * difference at about the nominal 95% (quantile-simulation.ts). Pure core only.
 */
import { describe, expect, it } from 'vitest';
import { coverage, SCENARIOS } from './quantile-simulation';

const RUNS = 1000;

describe('quantile difference intervals', () => {
  it.each(SCENARIOS)('cover the true difference at about 95% (P$p, $units units per arm)', (s) => {
    const share = coverage(s, RUNS);
    // 1,000 runs: a binomial standard error of 0.7 points around 95%.
    expect(share).toBeGreaterThan(0.93);
    expect(share).toBeLessThan(0.97);
  });
});
