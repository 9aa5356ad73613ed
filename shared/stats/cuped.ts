// CUPED (regression adjustment on a pre-period covariate), as gbstats does it: one theta for
// both arms, estimated on the pooled data, and a fallback to the unadjusted analysis when the
// pooled data carry no usable covariate signal.

import {
  type BaseStatistic,
  baseMean,
  baseVariance,
  bilinearForm,
  type CupedRatioStatistic,
  type CupedStatistic,
  covariance,
  cupedCovariance,
  cupedRatioCovarianceMatrix,
  cupedRatioGradient,
  quadraticForm,
  type RatioStatistic,
  statisticMean,
  type TestStatistic,
  unadjustedMean,
} from './statistic';

// gbstats treats a ratio theta this small as no adjustment.
const RATIO_THETA_EPSILON = 1e-8;

function pool(a: BaseStatistic, b: BaseStatistic, n: number): BaseStatistic {
  if (a.kind === 'proportion' && b.kind === 'proportion')
    return { kind: 'proportion', n, sum: a.sum + b.sum };
  const squares = (s: BaseStatistic) => (s.kind === 'proportion' ? s.sum : s.sumSquares);
  return { kind: 'sampleMean', n, sum: a.sum + b.sum, sumSquares: squares(a) + squares(b) };
}

/** theta = Cov(post, pre) / Var(pre) on both arms pooled; 0 when either pooled variance is 0. */
export function cupedTheta(a: CupedStatistic, b: CupedStatistic): number {
  const n = a.n + b.n;
  const post = pool(a.post, b.post, n);
  const pre = pool(a.pre, b.pre, n);
  const preVariance = baseVariance(pre);
  if (preVariance === 0 || baseVariance(post) === 0) return 0;
  return covariance(n, post, pre, a.postPreSumProduct + b.postPreSumProduct) / preVariance;
}

// With theta = 1 the gradient's pre-period half is that of the pre-period ratio itself, so these
// are the variance of mPre/dPre and its covariance with mPost/dPost (up to sign).
function ratioPrePeriodMoments(stat: CupedRatioStatistic): { variancePre: number; covariance: number } {
  const gradient = cupedRatioGradient(stat, 1);
  const matrix = cupedRatioCovarianceMatrix(stat);
  return {
    variancePre: bilinearForm(gradient, matrix, gradient, [2, 3], [2, 3]),
    covariance: bilinearForm(gradient, matrix, gradient, [2, 3], [0, 1]),
  };
}

/** theta for a ratio metric: minus the summed pre/post covariance over the summed pre variance. */
export function cupedRatioTheta(a: CupedRatioStatistic, b: CupedRatioStatistic): number {
  const momentsA = ratioPrePeriodMoments(a);
  const momentsB = ratioPrePeriodMoments(b);
  const variancePre = momentsA.variancePre + momentsB.variancePre;
  if (variancePre === 0) return 0;
  return -(momentsA.covariance + momentsB.covariance) / variancePre;
}

function unadjustedRatio(stat: CupedRatioStatistic): RatioStatistic {
  return {
    kind: 'ratio',
    n: stat.n,
    numerator: stat.mPost,
    denominator: stat.dPost,
    numeratorDenominatorSumProduct: stat.mPostDPostSumProduct,
  };
}

export interface AdjustedPair {
  control: TestStatistic;
  treatment: TestStatistic;
  /** The theta applied; 0 when the pair fell back to the unadjusted statistics. */
  theta: number;
}

/** Sets the pooled theta on a CUPED pair, or strips the adjustment when theta is (near) 0. */
export function applyCupedTheta(control: TestStatistic, treatment: TestStatistic): AdjustedPair {
  if (control.kind === 'cuped' && treatment.kind === 'cuped') {
    const theta = cupedTheta(control, treatment);
    if (theta === 0) return { control: control.post, treatment: treatment.post, theta: 0 };
    return { control: { ...control, theta }, treatment: { ...treatment, theta }, theta };
  }
  if (control.kind === 'cupedRatio' && treatment.kind === 'cupedRatio') {
    const theta = cupedRatioTheta(control, treatment);
    if (Math.abs(theta) < RATIO_THETA_EPSILON) {
      return { control: unadjustedRatio(control), treatment: unadjustedRatio(treatment), theta: 0 };
    }
    return { control: { ...control, theta }, treatment: { ...treatment, theta }, theta };
  }
  return { control, treatment, theta: 0 };
}

/**
 * Variance of the relative lift under CUPED, gbstats' approximation: the treatment term is the
 * adjusted variance over n_b * mean_a^2, the control term the delta-method variance of the
 * adjusted control mean in the denominator, both taken around the unadjusted control mean.
 */
export function cupedRelativeVariance(a: CupedStatistic, b: CupedStatistic): number {
  const baseline = baseMean(a.post);
  const denominatorTreatment = b.n * baseline * baseline;
  const denominatorControl = a.n * baseline * baseline;
  if (denominatorTreatment === 0 || denominatorControl === 0) return 0;
  const theta = a.theta;
  const numeratorTreatment =
    baseVariance(b.post) + theta * theta * baseVariance(b.pre) - 2 * theta * cupedCovariance(b);
  const scale = -baseMean(b.post);
  const numeratorControl =
    (baseVariance(a.post) * scale * scale) / (baseline * baseline) +
    (2 * theta * cupedCovariance(a) * scale) / baseline +
    theta * theta * baseVariance(a.pre);
  return numeratorTreatment / denominatorTreatment + numeratorControl / denominatorControl;
}

/**
 * Variance of the relative lift of a CUPED ratio metric by the delta method on both arms'
 * four means; the control gradient includes the baseline in the denominator, with its sign
 * folded in so a negative baseline is handled like gbstats.
 */
export function cupedRatioRelativeVariance(a: CupedRatioStatistic, b: CupedRatioStatistic): number {
  const baseline = unadjustedMean(a);
  const dPostMean = baseMean(a.dPost);
  if (baseline === 0 || dPostMean === 0 || a.n <= 0 || b.n <= 0) return 0;
  const absBaseline = Math.abs(baseline);
  const sign = Math.sign(baseline);
  const gAbs = (statisticMean(b) - statisticMean(a)) * sign;
  const mPostMean = baseMean(a.mPost);
  const gradientA = cupedRatioGradient(a, a.theta);
  const controlGradient = [
    -(absBaseline + gAbs) / dPostMean / (absBaseline * absBaseline),
    ((mPostMean * absBaseline) / (dPostMean * dPostMean) + (mPostMean * gAbs) / (dPostMean * dPostMean)) /
      (absBaseline * absBaseline),
    -gradientA[2] / absBaseline,
    -gradientA[3] / absBaseline,
  ];
  const treatmentGradient = cupedRatioGradient(b, b.theta).map((g) => g / absBaseline);
  return (
    quadraticForm(controlGradient, cupedRatioCovarianceMatrix(a)) / a.n +
    quadraticForm(treatmentGradient, cupedRatioCovarianceMatrix(b)) / b.n
  );
}
