// Point estimate and standard error of the treatment - control difference (gbstats'
// EffectMoments), shared by the frequentist, sequential and Bayesian analyses.

import { cupedRatioRelativeVariance, cupedRelativeVariance } from './cuped';
import {
  statisticMean,
  statisticVariance,
  type TestStatistic,
  unadjustedMean,
  varianceOfRatio,
} from './statistic';
import type { StatsError } from './types';

export interface EffectMoments {
  estimate: number;
  se: number;
  error: StatsError | null;
}

export const NO_EFFECT_MOMENTS: EffectMoments = { estimate: 0, se: 0, error: null };

function meanVariance(stat: TestStatistic): number {
  if (stat.n <= 0) return 0;
  return statisticVariance(stat) / stat.n;
}

/** Variance of the estimated difference, absolute or relative to the control mean. */
export function effectVariance(control: TestStatistic, treatment: TestStatistic, relative: boolean): number {
  if (!relative) return meanVariance(treatment) + meanVariance(control);
  if (control.kind === 'cuped' && treatment.kind === 'cuped')
    return cupedRelativeVariance(control, treatment);
  if (control.kind === 'cupedRatio' && treatment.kind === 'cupedRatio') {
    return cupedRatioRelativeVariance(control, treatment);
  }
  // Delta method for treatment mean / control mean, the two arms being independent.
  return varianceOfRatio(
    unadjustedMean(treatment),
    meanVariance(treatment),
    unadjustedMean(control),
    meanVariance(control),
    0,
  );
}

/**
 * Estimate and standard error, or the error that makes them meaningless. Relative lift is
 * (treatment - control) / |unadjusted control mean|, so a negative baseline keeps the sign of
 * "treatment is higher".
 */
export function effectMoments(
  control: TestStatistic,
  treatment: TestStatistic,
  relative: boolean,
): EffectMoments {
  const variance = effectVariance(control, treatment, relative);
  // Written as !(x > 0) so NaN counts as no variance.
  if (!(statisticVariance(control) > 0) || !(statisticVariance(treatment) > 0) || !(variance > 0)) {
    return { ...NO_EFFECT_MOMENTS, error: 'ZERO_VARIANCE' };
  }
  const controlMean = statisticMean(control);
  const baseline = unadjustedMean(control);
  if (controlMean === 0 || baseline === 0) return { ...NO_EFFECT_MOMENTS, error: 'BASELINE_ZERO' };
  const difference = statisticMean(treatment) - controlMean;
  return {
    estimate: relative ? difference / Math.abs(baseline) : difference,
    se: Math.sqrt(variance),
    error: null,
  };
}
