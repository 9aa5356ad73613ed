// The regularized incomplete beta function (both tails, by continued fraction), which Student's t
// distribution is computed from; callers may pass 1 - x and the logarithms exactly.

import { logBeta } from './log-gamma';

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 1_000_000;

export interface BetaTails {
  /** Regularized incomplete beta I_x(a, b). */
  lower: number;
  /** 1 - I_x(a, b), computed directly so small upper tails keep their precision. */
  upper: number;
}

/** Optional exact forms of 1 - x, ln x and ln(1 - x), for callers that know them better. */
export interface BetaArgument {
  y?: number;
  logX?: number;
  logY?: number;
}

/**
 * Both tails of the regularized incomplete beta function I_x(a, b).
 * A t statistic small next to its degrees of freedom puts x within rounding of 1, and with
 * a = dof / 2 in the millions, x^a amplifies that rounding; so callers may pass 1 - x, ln x and
 * ln(1 - x) computed directly.
 */
export function incompleteBeta(x: number, a: number, b: number, exact: BetaArgument = {}): BetaTails {
  const y = exact.y ?? 1 - x;
  if (!(a > 0) || !(b > 0) || Number.isNaN(x) || Number.isNaN(y)) {
    return { lower: Number.NaN, upper: Number.NaN };
  }
  if (x < 0 || (x === 0 && exact.logX === undefined)) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  // The continued fraction converges quickly only below the distribution's bulk, so evaluate
  // whichever tail lies on that side and get the other by symmetry I_x(a, b) = 1 - I_y(b, a).
  const logX = exact.logX ?? Math.log(x);
  const logY = exact.logY ?? Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) {
    const lower = clamp01(Math.exp(logFront(logX, logY, a, b)) * (betaContinuedFraction(x, a, b) / a));
    return { lower, upper: 1 - lower };
  }
  const upper = clamp01(Math.exp(logFront(logY, logX, b, a)) * (betaContinuedFraction(y, b, a) / b));
  return { lower: 1 - upper, upper };
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  return incompleteBeta(x, a, b).lower;
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

// ln[x^a y^b / B(a, b)] from ln x and ln y.
function logFront(logX: number, logY: number, a: number, b: number): number {
  return a * logX + b * logY - logBeta(a, b);
}

// Modified Lentz evaluation of the standard continued fraction for I_x(a, b) (even and odd
// steps unrolled), valid for x < (a + 1) / (a + b + 2).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}
