/**
 * The percentile-interval simulation: two arms of log-normal unit values (login seconds, a long
 * right tail) with a known true quantile difference, and the share of seeded runs whose interval
 * (shared/experiments/quantile.ts) covers it. Pure; used by the coverage test and to report figures.
 */
import { compareQuantiles, estimateQuantile } from '../../shared/experiments/quantile';
import { normalQuantile } from '../../shared/stats';

/** mulberry32: a small seeded generator, so each run is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormal(random: () => number, mu: number, sigma: number): number {
  const u = 1 - random();
  const v = random();
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

export interface Scenario {
  p: number;
  units: number;
  control: { mu: number; sigma: number };
  treatment: { mu: number; sigma: number };
}

/** Share of runs whose interval for treatment − control covers the true quantile difference. */
export function coverage(s: Scenario, runs: number, alpha = 0.05): number {
  const trueQ = (a: { mu: number; sigma: number }) => Math.exp(a.mu + a.sigma * normalQuantile(s.p));
  const truth = trueQ(s.treatment) - trueQ(s.control);
  let covered = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const random = rng(seed * 7919 + Math.round(s.p * 1000));
    const c = Array.from({ length: s.units }, () => logNormal(random, s.control.mu, s.control.sigma));
    const t = Array.from({ length: s.units }, () => logNormal(random, s.treatment.mu, s.treatment.sigma));
    const d = compareQuantiles(estimateQuantile(c, s.p, alpha), estimateQuantile(t, s.p, alpha), alpha);
    if (d && d.absolute.ciLower <= truth && truth <= d.absolute.ciUpper) covered++;
  }
  return covered / runs;
}

/** The scenarios the test checks: P95 10% faster; P50 with less spread; P99 under no effect. */
export const SCENARIOS: Scenario[] = [
  {
    p: 0.95,
    units: 500,
    control: { mu: 0.5, sigma: 0.6 },
    treatment: { mu: 0.5 + Math.log(0.9), sigma: 0.6 },
  },
  { p: 0.5, units: 300, control: { mu: 1, sigma: 1 }, treatment: { mu: 1, sigma: 0.8 } },
  { p: 0.99, units: 1000, control: { mu: 0, sigma: 0.5 }, treatment: { mu: 0, sigma: 0.5 } },
];
