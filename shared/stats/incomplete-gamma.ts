// The regularized incomplete gamma functions P and Q (both tails, by series or continued fraction),
// which the normal and chi-square tails are computed from.

import { logGamma } from './log-gamma';

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

export interface GammaTails {
  /** Regularized lower incomplete gamma P(a, x). */
  lower: number;
  /** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), computed without cancellation. */
  upper: number;
}

/**
 * Both tails of the regularized incomplete gamma function. Whichever tail is computed directly
 * keeps full relative precision, so tiny p-values (chi-square, normal tails) do not round to 0
 * before they underflow.
 */
export function incompleteGamma(a: number, x: number): GammaTails {
  if (!(a > 0) || Number.isNaN(x)) return { lower: Number.NaN, upper: Number.NaN };
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Number.POSITIVE_INFINITY) return { lower: 1, upper: 0 };
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  // The series converges fast below a + 1, the continued fraction above it.
  if (x < a + 1) {
    const lower = Math.min(1, Math.exp(logPrefix) * lowerSeries(a, x));
    return { lower, upper: 1 - lower };
  }
  const upper = Math.min(1, Math.exp(logPrefix) * upperContinuedFraction(a, x));
  return { lower: 1 - upper, upper };
}

/** Regularized upper incomplete gamma Q(a, x). */
export function regularizedGammaQ(a: number, x: number): number {
  return incompleteGamma(a, x).upper;
}

/** Regularized lower incomplete gamma P(a, x). */
export function regularizedGammaP(a: number, x: number): number {
  return incompleteGamma(a, x).lower;
}

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  let denominator = a;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    denominator += 1;
    term *= x / denominator;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum;
}

// Modified Lentz evaluation of the Legendre continued fraction for Γ(a, x) e^x x^-a.
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}
