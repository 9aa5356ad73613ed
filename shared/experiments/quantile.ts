/**
 * Percentile metrics: the quantile across units of each unit's value, per arm, and the interval for
 * the difference of two arms' quantiles. The standard error of a sample quantile comes from the
 * order statistics that bound its distribution-free confidence interval (the binomial ranks
 * n·p ± z·√(n·p·(1−p))), as in Deng, Knoblich & Lu, "Applying the Delta Method in Metric Analytics"
 * (KDD 2018, section on quantile metrics); the two arms are independent, so the difference's
 * variance is the sum, and the relative difference takes the delta method. Pure and synchronous.
 */
import { normalQuantile, normalSf } from '../stats';

/** The p-quantile of sorted values, by linear interpolation between order statistics (Hyndman & Fan type 7). */
export function sampleQuantile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface QuantileEstimate {
  units: number;
  estimate: number;
  /** Standard error from the order statistics at the binomial ranks around n·p. */
  se: number;
  /** The distribution-free (1 − alpha) interval for the quantile: the order statistics at those ranks. */
  ciLower: number;
  ciUpper: number;
}

/** One arm's quantile with its standard error (Deng et al. 2018), from its units' values. */
export function estimateQuantile(values: readonly number[], p: number, alpha: number): QuantileEstimate {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { units: 0, estimate: 0, se: 0, ciLower: 0, ciUpper: 0 };
  const z = -normalQuantile(alpha / 2);
  const half = z * Math.sqrt(n * p * (1 - p));
  // Ranks 1..n; the interval [x(L), x(U)] covers the quantile with probability about 1 − alpha.
  const lowerRank = Math.min(n, Math.max(1, Math.floor(n * p - half)));
  const upperRank = Math.min(n, Math.max(1, Math.ceil(n * p + half)));
  const ciLower = sorted[lowerRank - 1];
  const ciUpper = sorted[upperRank - 1];
  // The standard error reads the same ranks unrounded (interpolated): rounding them outwards
  // widens the interval, which over-covers in the tails (measured in the coverage test).
  const spread = z * Math.sqrt((p * (1 - p)) / n);
  const high = sampleQuantile(sorted, Math.min(1, p + spread));
  const low = sampleQuantile(sorted, Math.max(0, p - spread));
  return { units: n, estimate: sampleQuantile(sorted, p), se: (high - low) / (2 * z), ciLower, ciUpper };
}

export interface QuantileDifference {
  /** treatment − control, in the metric's unit. */
  absolute: { estimate: number; se: number; ciLower: number; ciUpper: number; pValue: number };
  /** treatment / control − 1, by the delta method. */
  relative: { estimate: number; se: number; ciLower: number; ciUpper: number; pValue: number };
}

function normalInterval(estimate: number, se: number, z: number) {
  const pValue = se > 0 ? Math.min(1, 2 * normalSf(Math.abs(estimate) / se)) : estimate === 0 ? 1 : 0;
  return { estimate, se, ciLower: estimate - z * se, ciUpper: estimate + z * se, pValue };
}

/**
 * The difference of two independent arms' quantiles with its (1 − alpha) normal interval, or null
 * when either arm has fewer than two units or no spread (no standard error to speak of).
 */
export function compareQuantiles(
  control: QuantileEstimate,
  treatment: QuantileEstimate,
  alpha: number,
): QuantileDifference | null {
  if (control.units < 2 || treatment.units < 2) return null;
  const z = -normalQuantile(alpha / 2);
  const diff = treatment.estimate - control.estimate;
  const se = Math.sqrt(control.se ** 2 + treatment.se ** 2);
  if (!(se > 0)) return null;
  const absolute = normalInterval(diff, se, z);
  if (control.estimate === 0) return { absolute, relative: normalInterval(0, 0, z) };
  // Delta method for t/c − 1: Var ≈ (se_t/c)² + (t·se_c/c²)².
  const ratio = treatment.estimate / control.estimate;
  const relSe = Math.sqrt(
    (treatment.se / control.estimate) ** 2 + ((ratio * control.se) / control.estimate) ** 2,
  );
  return { absolute, relative: normalInterval(ratio - 1, relSe, z) };
}
