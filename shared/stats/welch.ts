// Fixed-horizon two-sided Welch t-test (gbstats' TwoSidedTTest).

import type { EffectMoments } from './effect-moments';
import { statisticVariance, type TestStatistic } from './statistic';
import { studentTQuantile, studentTSf } from './student-t';

export interface TestOutcome {
  ciLower: number;
  ciUpper: number;
  pValue: number;
}

/**
 * Welch–Satterthwaite degrees of freedom from the arms' per-unit variances. gbstats uses the
 * same dof for the absolute and the relative lift. 0 when it is undefined (n < 2 or no variance).
 */
export function welchDof(control: TestStatistic, treatment: TestStatistic): number {
  const nA = control.n;
  const nB = treatment.n;
  if (nA <= 1 || nB <= 1) return 0;
  const vA = statisticVariance(control);
  const vB = statisticVariance(treatment);
  const numerator = (vB / nB + vA / nA) ** 2;
  const denominator = (vB * vB) / (nB * nB * (nB - 1)) + (vA * vA) / (nA * nA * (nA - 1));
  if (!(denominator > 0) || !Number.isFinite(numerator)) return 0;
  return numerator / denominator;
}

/**
 * Two-sided t interval and p-value. The p-value is 2 P(T > |t|) from the survival function, so
 * it stays exact far into the tail where gbstats' 2 (1 - cdf) would round to 0.
 */
export function welchTTest(moments: EffectMoments, dof: number, alpha: number): TestOutcome {
  const { estimate, se } = moments;
  // The lower-tail quantile, negated, avoids rounding in 1 - alpha/2.
  const halfWidth = -studentTQuantile(alpha / 2, dof) * se;
  const pValue = Math.min(1, 2 * studentTSf(Math.abs(estimate / se), dof));
  return { ciLower: estimate - halfWidth, ciUpper: estimate + halfWidth, pValue };
}
