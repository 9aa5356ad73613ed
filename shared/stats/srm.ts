// Sample-ratio mismatch: Pearson's chi-square test of the observed units per arm against the
// configured traffic weights (gbstats' check_srm).

import { chiSquareSf } from './chi-square';
import type { SrmResult } from './types';

/** Flag a mismatch below this p-value, as GrowthBook does. */
export const SRM_THRESHOLD = 0.001;
/**
 * Below this many units *expected* in an arm the chi-square approximation is too rough to alarm
 * anyone. The rule is on expected counts, as the approximation's validity is: a rule on observed
 * counts would hide the worst mismatch of all, an arm that receives nobody.
 */
export const SRM_MIN_UNITS_PER_ARM = 8;

const NO_SRM: SrmResult = { pValue: 1, detected: false };

/**
 * Chi-square test of `users` against `weights` (any positive scale; they are normalized).
 * Arms with weight <= 0 are left out, as gbstats does, and so do not count towards the degrees
 * of freedom. Malformed input (length mismatch, negative or non-finite numbers) gives no SRM.
 */
export function srmTest(users: number[], weights: number[]): SrmResult {
  if (users.length !== weights.length) return NO_SRM;
  if (users.some((u) => !Number.isFinite(u) || u < 0) || weights.some((w) => !Number.isFinite(w)))
    return NO_SRM;
  const arms = users.map((observed, i) => ({ observed, weight: weights[i] })).filter((arm) => arm.weight > 0);
  if (arms.length < 2) return NO_SRM;
  const totalObserved = arms.reduce((total, arm) => total + arm.observed, 0);
  const totalWeight = arms.reduce((total, arm) => total + arm.weight, 0);
  if (arms.some((arm) => (arm.weight / totalWeight) * totalObserved < SRM_MIN_UNITS_PER_ARM)) return NO_SRM;
  let statistic = 0;
  for (const arm of arms) {
    const expected = (arm.weight / totalWeight) * totalObserved;
    statistic += (arm.observed - expected) ** 2 / expected;
  }
  const pValue = chiSquareSf(statistic, arms.length - 1);
  if (!Number.isFinite(pValue)) return NO_SRM;
  return { pValue, detected: pValue < SRM_THRESHOLD };
}
