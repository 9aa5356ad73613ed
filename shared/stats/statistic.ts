// Per-arm statistics built from sufficient statistics, mirroring gbstats' models/statistics.py:
// ProportionStatistic, SampleMeanStatistic, RatioStatistic, RegressionAdjustedStatistic and
// RegressionAdjustedRatioStatistic. Variances are per unit (not divided by n).

import type { ArmStats, MetricType } from './types';

export interface ProportionStatistic {
  kind: 'proportion';
  n: number;
  sum: number;
}

export interface SampleMeanStatistic {
  kind: 'sampleMean';
  n: number;
  sum: number;
  sumSquares: number;
}

export type BaseStatistic = ProportionStatistic | SampleMeanStatistic;

export interface RatioStatistic {
  kind: 'ratio';
  n: number;
  numerator: BaseStatistic;
  denominator: BaseStatistic;
  numeratorDenominatorSumProduct: number;
}

export interface CupedStatistic {
  kind: 'cuped';
  n: number;
  post: BaseStatistic;
  pre: BaseStatistic;
  postPreSumProduct: number;
  theta: number;
}

export interface CupedRatioStatistic {
  kind: 'cupedRatio';
  n: number;
  mPost: BaseStatistic;
  dPost: BaseStatistic;
  mPre: BaseStatistic;
  dPre: BaseStatistic;
  mPostMPreSumProduct: number;
  dPostDPreSumProduct: number;
  mPreDPreSumProduct: number;
  mPostDPostSumProduct: number;
  mPostDPreSumProduct: number;
  mPreDPostSumProduct: number;
  theta: number;
}

export type TestStatistic = BaseStatistic | RatioStatistic | CupedStatistic | CupedRatioStatistic;

export function baseMean(stat: BaseStatistic): number {
  if (stat.n === 0) return 0;
  return stat.sum / stat.n;
}

export function baseSumSquares(stat: BaseStatistic): number {
  return stat.kind === 'proportion' ? stat.sum : stat.sumSquares;
}

/** Bernoulli variance p(1 - p) (no n/(n-1), as gbstats), or the sample variance. */
export function baseVariance(stat: BaseStatistic): number {
  if (stat.kind === 'proportion') {
    const p = baseMean(stat);
    return p * (1 - p);
  }
  if (stat.n <= 1) return 0;
  return (stat.sumSquares - (stat.sum * stat.sum) / stat.n) / (stat.n - 1);
}

/** Covariance of two per-unit quantities from their sums and the sum of their products. */
export function covariance(n: number, a: BaseStatistic, b: BaseStatistic, sumProduct: number): number {
  if (n <= 1) return 0;
  // Two 0/1 quantities use the population form, matching p(1 - p) for their variances.
  if (a.kind === 'proportion' && b.kind === 'proportion') return sumProduct / n - (a.sum * b.sum) / (n * n);
  return (sumProduct - (a.sum * b.sum) / n) / (n - 1);
}

/** Variance of M / D by the delta method, given the variances of M and D and their covariance. */
export function varianceOfRatio(
  meanM: number,
  varianceM: number,
  meanD: number,
  varianceD: number,
  covarianceMD: number,
): number {
  if (meanD === 0) return 0;
  const meanD2 = meanD * meanD;
  return (
    varianceM / meanD2 +
    (varianceD * meanM * meanM) / (meanD2 * meanD2) -
    (2 * covarianceMD * meanM) / (meanD2 * meanD)
  );
}

function ratioOfSums(numerator: BaseStatistic, denominator: BaseStatistic): number {
  if (denominator.sum === 0) return 0;
  return numerator.sum / denominator.sum;
}

/** The mean the effect is estimated on (CUPED-adjusted when theta is set). */
export function statisticMean(stat: TestStatistic): number {
  switch (stat.kind) {
    case 'proportion':
    case 'sampleMean':
      return baseMean(stat);
    case 'ratio':
      return ratioOfSums(stat.numerator, stat.denominator);
    case 'cuped':
      return baseMean(stat.post) - stat.theta * baseMean(stat.pre);
    case 'cupedRatio':
      if (stat.dPost.sum === 0 || stat.dPre.sum === 0) return 0;
      return ratioOfSums(stat.mPost, stat.dPost) - stat.theta * ratioOfSums(stat.mPre, stat.dPre);
  }
}

/** The observed mean without regression adjustment (the baseline of relative lifts). */
export function unadjustedMean(stat: TestStatistic): number {
  switch (stat.kind) {
    case 'cuped':
      return baseMean(stat.post);
    case 'cupedRatio':
      return ratioOfSums(stat.mPost, stat.dPost);
    default:
      return statisticMean(stat);
  }
}

/** Per-unit variance of the statistic (so its mean has variance / n). */
export function statisticVariance(stat: TestStatistic): number {
  switch (stat.kind) {
    case 'proportion':
    case 'sampleMean':
      return baseVariance(stat);
    case 'ratio':
      return ratioVariance(stat);
    case 'cuped':
      return cupedVariance(stat);
    case 'cupedRatio':
      return quadraticForm(cupedRatioGradient(stat, stat.theta), cupedRatioCovarianceMatrix(stat));
  }
}

function ratioVariance(stat: RatioStatistic): number {
  const meanD = baseMean(stat.denominator);
  if (meanD === 0 || stat.n <= 1) return 0;
  return varianceOfRatio(
    baseMean(stat.numerator),
    baseVariance(stat.numerator),
    meanD,
    baseVariance(stat.denominator),
    covariance(stat.n, stat.numerator, stat.denominator, stat.numeratorDenominatorSumProduct),
  );
}

export function cupedCovariance(stat: CupedStatistic): number {
  return covariance(stat.n, stat.post, stat.pre, stat.postPreSumProduct);
}

function cupedVariance(stat: CupedStatistic): number {
  if (stat.n <= 1) return 0;
  const theta = stat.theta;
  return baseVariance(stat.post) + theta * theta * baseVariance(stat.pre) - 2 * theta * cupedCovariance(stat);
}

/** Means of (m post, d post, m pre, d pre). */
export function cupedRatioMeans(stat: CupedRatioStatistic): [number, number, number, number] {
  return [baseMean(stat.mPost), baseMean(stat.dPost), baseMean(stat.mPre), baseMean(stat.dPre)];
}

/** Per-unit covariance matrix of (m post, d post, m pre, d pre). */
export function cupedRatioCovarianceMatrix(stat: CupedRatioStatistic): number[][] {
  const n = stat.n;
  const vMPost = baseVariance(stat.mPost);
  const vDPost = baseVariance(stat.dPost);
  const vMPre = baseVariance(stat.mPre);
  const vDPre = baseVariance(stat.dPre);
  const cMPostDPost = covariance(n, stat.mPost, stat.dPost, stat.mPostDPostSumProduct);
  const cMPostMPre = covariance(n, stat.mPost, stat.mPre, stat.mPostMPreSumProduct);
  const cMPostDPre = covariance(n, stat.mPost, stat.dPre, stat.mPostDPreSumProduct);
  const cDPostMPre = covariance(n, stat.dPost, stat.mPre, stat.mPreDPostSumProduct);
  const cDPostDPre = covariance(n, stat.dPost, stat.dPre, stat.dPostDPreSumProduct);
  const cMPreDPre = covariance(n, stat.mPre, stat.dPre, stat.mPreDPreSumProduct);
  return [
    [vMPost, cMPostDPost, cMPostMPre, cMPostDPre],
    [cMPostDPost, vDPost, cDPostMPre, cDPostDPre],
    [cMPostMPre, cDPostMPre, vMPre, cMPreDPre],
    [cMPostDPre, cDPostDPre, cMPreDPre, vDPre],
  ];
}

/** Gradient of mPost/dPost - theta * mPre/dPre with respect to the four means. */
export function cupedRatioGradient(
  stat: CupedRatioStatistic,
  theta: number,
): [number, number, number, number] {
  const [mPost, dPost, mPre, dPre] = cupedRatioMeans(stat);
  if (dPost === 0 || dPre === 0) return [0, 0, 0, 0];
  return [1 / dPost, -mPost / (dPost * dPost), -theta / dPre, (theta * mPre) / (dPre * dPre)];
}

/** v' M w over the index ranges given (whole vectors by default). */
export function bilinearForm(
  v: readonly number[],
  matrix: readonly (readonly number[])[],
  w: readonly number[],
  rows: readonly number[] = [0, 1, 2, 3],
  columns: readonly number[] = [0, 1, 2, 3],
): number {
  let total = 0;
  for (const i of rows) {
    for (const j of columns) total += v[i] * matrix[i][j] * w[j];
  }
  return total;
}

export function quadraticForm(v: readonly number[], matrix: readonly (readonly number[])[]): number {
  return bilinearForm(v, matrix, v);
}

function base(metricType: MetricType, n: number, sum: number, sumSquares: number): BaseStatistic {
  if (metricType === 'binomial') return { kind: 'proportion', n, sum };
  return { kind: 'sampleMean', n, sum, sumSquares };
}

/**
 * The statistic gbstats would build for this arm, before theta is known (theta 0).
 * Ratio metrics treat numerator and denominator as continuous (gbstats' "count" components).
 */
export function armStatistic(metricType: MetricType, arm: ArmStats, cuped: boolean): TestStatistic {
  const n = arm.n;
  const post = base(metricType, n, arm.sum, arm.sumSquares ?? 0);
  if (metricType !== 'ratio') {
    if (!cuped) return post;
    const pre = base(metricType, n, arm.covariateSum ?? 0, arm.covariateSumSquares ?? 0);
    return { kind: 'cuped', n, post, pre, postPreSumProduct: arm.mainCovariateSumProduct ?? 0, theta: 0 };
  }
  const denominator = base('ratio', n, arm.denominatorSum ?? 0, arm.denominatorSumSquares ?? 0);
  if (!cuped) {
    return {
      kind: 'ratio',
      n,
      numerator: post,
      denominator,
      numeratorDenominatorSumProduct: arm.mainDenominatorSumProduct ?? 0,
    };
  }
  return {
    kind: 'cupedRatio',
    n,
    mPost: post,
    dPost: denominator,
    mPre: base('ratio', n, arm.covariateSum ?? 0, arm.covariateSumSquares ?? 0),
    dPre: base('ratio', n, arm.denominatorPreSum ?? 0, arm.denominatorPreSumSquares ?? 0),
    mPostMPreSumProduct: arm.mainCovariateSumProduct ?? 0,
    dPostDPreSumProduct: arm.denominatorPostDenominatorPreSumProduct ?? 0,
    mPreDPreSumProduct: arm.mainPreDenominatorPreSumProduct ?? 0,
    mPostDPostSumProduct: arm.mainDenominatorSumProduct ?? 0,
    mPostDPreSumProduct: arm.mainPostDenominatorPreSumProduct ?? 0,
    mPreDPostSumProduct: arm.mainPreDenominatorPostSumProduct ?? 0,
    theta: 0,
  };
}
