// Sequential testing with the asymptotic confidence sequence of Waudby-Smith et al.
// ("Time-uniform central limit theory", arXiv:2103.06476v7), as gbstats' SequentialTwoSidedTTest.

import type { EffectMoments } from './effect-moments';
import type { TestOutcome } from './welch';

/** gbstats' default tuning parameter N*: the sample size at which the sequence is tightest. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/** rho that makes the two-sided sequence tightest at N* units (eq. 161). */
export function sequentialRho(alpha: number, tuning: number): number {
  const logTerm = -2 * Math.log(alpha);
  return Math.sqrt((logTerm + Math.log(logTerm + 1)) / tuning);
}

/**
 * Half-width of the two-sided confidence sequence (eq. 9) after n units in total, where
 * s2 = n * se^2 is the per-unit variance of the estimate.
 */
export function sequentialHalfWidth(s2: number, n: number, rho: number, alpha: number): number {
  const nRho2 = n * rho * rho;
  const nRho = n * rho;
  return (
    Math.sqrt(s2) * Math.sqrt((2 * (nRho2 + 1) * Math.log(Math.sqrt(nRho2 + 1) / alpha)) / (nRho * nRho))
  );
}

/**
 * Confidence sequence and always-valid p-value for the estimate after n units in both arms.
 * The p-value is 1 / e-value (eq. 155), capped at 1; it is computed in logs so a huge e-value
 * gives a tiny p-value rather than overflowing.
 */
export function sequentialTTest(
  moments: EffectMoments,
  n: number,
  alpha: number,
  tuning: number,
): TestOutcome {
  const { estimate, se } = moments;
  const rho = sequentialRho(alpha, tuning);
  const s2 = se * se * n;
  const halfWidth = sequentialHalfWidth(s2, n, rho, alpha);
  const rho2 = rho * rho;
  const st2 = (estimate * estimate * n) / (se * se);
  const tr2p1 = n * rho2 + 1;
  const logEValue = (rho2 * st2) / (2 * tr2p1) - 0.5 * Math.log(tr2p1);
  return {
    ciLower: estimate - halfWidth,
    ciUpper: estimate + halfWidth,
    pValue: Math.min(1, Math.exp(-logEValue)),
  };
}
