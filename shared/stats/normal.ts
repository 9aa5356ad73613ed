// The standard normal distribution: density, CDF and survival function (far tails keep their
// relative precision), and the quantile.

import { incompleteGamma } from './incomplete-gamma';

const INV_SQRT_TWO_PI = 0.3989422804014327;
const SQRT_TWO_PI = 2.5066282746310002;

/** Standard normal density. */
export function normalPdf(z: number): number {
  return INV_SQRT_TWO_PI * Math.exp(-0.5 * z * z);
}

/**
 * Standard normal survival function P(Z > z). Uses erfc(t) = Q(1/2, t^2), so far tails keep
 * their relative precision instead of becoming 1 - 1.
 */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tails = incompleteGamma(0.5, 0.5 * z * z);
  return z >= 0 ? 0.5 * tails.upper : 0.5 + 0.5 * tails.lower;
}

/** Standard normal CDF P(Z <= z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return normalSf(-z);
}

// Acklam's rational approximation (relative error about 1e-9), refined below by one Halley step.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Standard normal quantile Φ⁻¹(p); ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Work in the lower half, where 1 - p is exact and normalCdf is computed directly.
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklam(p);
  const error = normalCdf(x) - p;
  const u = error * SQRT_TWO_PI * Math.exp(0.5 * x * x);
  const refined = x - u / (1 + 0.5 * x * u);
  return Number.isFinite(refined) ? refined : x;
}

function acklam(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}
