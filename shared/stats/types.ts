/**
 * Sufficient statistics of one arm for one metric, summed over its units.
 * For binomial metrics `sum` counts converted units (sumSquares = sum is implied).
 * Ratio metrics use `sum`/`sumSquares` for the numerator and the denominator* fields for the
 * denominator. CUPED uses the covariate* fields (the pre-period value of the metric, or of the
 * ratio's numerator) and, for ratio metrics, the denominatorPre* and cross-product fields,
 * named as in gbstats' RegressionAdjustedRatioStatistic (main = numerator, pre/post = period).
 */
export interface ArmStats {
  n: number;
  sum: number;
  sumSquares?: number;
  denominatorSum?: number;
  denominatorSumSquares?: number;
  mainDenominatorSumProduct?: number;
  covariateSum?: number;
  covariateSumSquares?: number;
  mainCovariateSumProduct?: number;
  denominatorPreSum?: number;
  denominatorPreSumSquares?: number;
  mainPostDenominatorPreSumProduct?: number;
  mainPreDenominatorPostSumProduct?: number;
  mainPreDenominatorPreSumProduct?: number;
  denominatorPostDenominatorPreSumProduct?: number;
}

export type MetricType = 'binomial' | 'mean' | 'ratio';

export interface GaussianPrior {
  mean: number;
  variance: number;
}

export interface TwoArmInput {
  metricType: MetricType;
  control: ArmStats;
  treatment: ArmStats;
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Regression adjustment on the covariate fields. */
  cuped?: boolean;
  /** Sequential tuning parameter N* (gbstats default 5000); null/undefined: fixed-horizon test. */
  sequentialTuning?: number | null;
  /** Prior on the relative lift. undefined: N(0, 0.3²); null: flat (improper). */
  prior?: GaussianPrior | null;
}

/** A frequentist estimate of the treatment - control difference. */
export interface Effect {
  estimate: number;
  se: number;
  dof: number;
  ciLower: number;
  ciUpper: number;
  pValue: number;
}

/** The Gaussian posterior of the treatment - control difference. */
export interface Bayes {
  chanceToWin: number;
  ciLower: number;
  ciUpper: number;
  /** Expected loss if control is kept and treatment was better. */
  riskControl: number;
  /** Expected loss if treatment ships and control was better. */
  riskTreatment: number;
}

export type StatsError = 'ZERO_VARIANCE' | 'BASELINE_ZERO';

export interface TwoArmResult {
  error: null | StatsError;
  controlMean: number;
  treatmentMean: number;
  absolute: Effect;
  relative: Effect;
  bayesian: { absolute: Bayes; relative: Bayes };
  /** CUPED only: the regression coefficient used (0 when it fell back to no adjustment). */
  theta?: number;
}

export interface SrmResult {
  pValue: number;
  detected: boolean;
}

export type AdjustMethod = 'holm' | 'bh';

/** The sums an arm may carry besides its unit count, in one list for every reader of ArmStats. */
export const ARM_SUM_FIELDS = [
  'sum',
  'sumSquares',
  'denominatorSum',
  'denominatorSumSquares',
  'mainDenominatorSumProduct',
  'covariateSum',
  'covariateSumSquares',
  'mainCovariateSumProduct',
  'denominatorPreSum',
  'denominatorPreSumSquares',
  'mainPostDenominatorPreSumProduct',
  'mainPreDenominatorPostSumProduct',
  'mainPreDenominatorPreSumProduct',
  'denominatorPostDenominatorPreSumProduct',
] as const satisfies readonly (keyof ArmStats)[];
