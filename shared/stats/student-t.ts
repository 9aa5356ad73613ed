// Student's t distribution for real degrees of freedom: survival function, CDF, density and
// quantile, accurate up to the millions of degrees of freedom a Welch test can have.

import { incompleteBeta } from './incomplete-beta';
import { logBeta } from './log-gamma';
import { normalPdf, normalQuantile, normalSf } from './normal';

// With many degrees of freedom and a modest t, x = dof / (dof + t^2) sits within t^2/dof of 1
// while a = dof/2 is huge, and the incomplete beta continued fraction loses about
// log10(dof / t^2) digits to cancellation. There the survival function uses the normal
// transform z = sqrt((dof - 1/2) ln(1 + t^2/dof)), the leading term of the large-a expansion
// of I_x(a, 1/2), whose relative error is below 1e-9 in that region.
const LARGE_DOF = 4e5;
const MAX_CANCELLATION = 3e5;
// Where even the density is indistinguishable from the normal one.
const NORMAL_LIMIT_DOF = 1e15;

function isNormalLimit(dof: number): boolean {
  return dof >= NORMAL_LIMIT_DOF;
}

/** Survival function P(T > t) of Student's t with `dof` (real, > 0) degrees of freedom. */
export function studentTSf(t: number, dof: number): number {
  if (Number.isNaN(t) || !(dof > 0)) return Number.NaN;
  if (isNormalLimit(dof)) return normalSf(t);
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t > 0 ? 0 : 1;
  if (dof > LARGE_DOF && dof / t / t > MAX_CANCELLATION) {
    const z = Math.sqrt((dof - 0.5) * Math.log1p((t * t) / dof));
    return normalSf(t > 0 ? z : -z);
  }
  // P(|T| > |t|) = I_x(dof/2, 1/2) with x = dof / (dof + t^2) = r / (1 + r), r = dof / t^2.
  // r is formed without squaring t (which could overflow), and ln x, ln(1 - x) through log1p.
  const absT = Math.abs(t);
  const r = dof / absT / absT;
  const x = r / (1 + r);
  const y = 1 / (1 + r);
  // For astronomically large t, r underflows; only then take ln x from the logs directly.
  const logX = r < 1e-200 ? Math.log(dof) - 2 * Math.log(absT) - Math.log1p(r) : -Math.log1p(1 / r);
  const logY = -Math.log1p(r);
  const tails = incompleteBeta(x, 0.5 * dof, 0.5, { y, logX, logY });
  return t > 0 ? 0.5 * tails.lower : 0.5 + 0.5 * tails.upper;
}

/** CDF P(T <= t) of Student's t. */
export function studentTCdf(t: number, dof: number): number {
  return studentTSf(-t, dof);
}

/** Density of Student's t. */
export function studentTPdf(t: number, dof: number): number {
  if (Number.isNaN(t) || !(dof > 0)) return Number.NaN;
  if (isNormalLimit(dof)) return normalPdf(t);
  if (!Number.isFinite(t)) return 0;
  const absT = Math.abs(t);
  // ln(1 + t^2/dof) without overflowing t^2 for huge t.
  const t2 = t * t;
  const logKernel = Number.isFinite(t2)
    ? Math.log1p(t2 / dof)
    : 2 * Math.log(absT) - Math.log(dof) + Math.log1p(dof / absT / absT);
  return Math.exp(-0.5 * (dof + 1) * logKernel - 0.5 * Math.log(dof) - logBeta(0.5 * dof, 0.5));
}

/** Quantile of Student's t: the t with P(T <= t) = p. */
export function studentTQuantile(p: number, dof: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(dof > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  // Solve in the upper tail, where the survival function keeps small probabilities exact.
  return p < 0.5 ? -upperQuantile(p, dof) : upperQuantile(1 - p, dof);
}

/** The t > 0 with P(T > t) = q, for 0 < q < 1/2. */
function upperQuantile(q: number, dof: number): number {
  if (isNormalLimit(dof)) return -normalQuantile(q);
  const guess = hillStart(2 * q, dof);
  let t = Number.isFinite(guess) && guess > 0 ? guess : Math.max(-normalQuantile(q), 1e-3);

  // Bracket the root: sf falls monotonically from 1/2 at t = 0.
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2000 && hi === Number.POSITIVE_INFINITY; i++) {
    if (studentTSf(t, dof) > q) {
      lo = t;
      t *= 2;
    } else {
      hi = t;
    }
  }
  if (hi === Number.POSITIVE_INFINITY) return lo;

  // Newton on ln sf(t) - ln q (nearly linear in the tails), kept inside the bracket by bisection.
  const logQ = Math.log(q);
  for (let i = 0; i < 200; i++) {
    const sf = studentTSf(t, dof);
    if (sf === q) return t;
    if (sf > q) lo = t;
    else hi = t;
    const density = studentTPdf(t, dof);
    let next = t + ((Math.log(sf) - logQ) * sf) / density;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.abs(next) || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

/**
 * Hill's (1970, CACM algorithm 396) approximation to the t quantile for a two-sided tail
 * probability p; good to a few digits, which is all the Newton refinement above needs.
 */
function hillStart(p: number, n: number): number {
  if (n === 1) {
    const angle = 0.5 * p * Math.PI;
    return Math.cos(angle) / Math.sin(angle);
  }
  if (n === 2) return Math.sqrt(2 / (p * (2 - p)) - 2);
  const a = 1 / (n - 0.5);
  const b = 48 / (a * a);
  let c = (((20700 * a) / b - 98) * a - 16) * a + 96.36;
  const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * n;
  let x = d * p;
  let y = x ** (2 / n);
  if (y > 0.05 + a) {
    x = normalQuantile(0.5 * p);
    y = x * x;
    if (n < 5) c += 0.3 * (n - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
    y = a * y * y;
    y = y > 0.002 ? Math.exp(y) - 1 : 0.5 * y * y + y;
  } else {
    y =
      ((1 / (((n + 6) / (n * y) - 0.089 * d - 0.822) * (n + 2) * 3) + 0.5 / (n + 4)) * y - 1) *
        ((n + 1) / (n + 2)) +
      1 / y;
  }
  return Math.sqrt(n * y);
}
