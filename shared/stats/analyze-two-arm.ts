// One metric, control vs one treatment: frequentist (fixed-horizon or sequential) and Bayesian
// results for the absolute and the relative lift, as gbstats computes them.

import { gaussianPosterior, UNINFORMATIVE_BAYES } from './bayesian';
import { applyCupedTheta } from './cuped';
import { type EffectMoments, effectMoments } from './effect-moments';
import { DEFAULT_SEQUENTIAL_TUNING, sequentialTTest } from './sequential';
import { armStatistic, type TestStatistic, unadjustedMean } from './statistic';
import {
  ARM_SUM_FIELDS,
  type ArmStats,
  type Bayes,
  type Effect,
  type GaussianPrior,
  type StatsError,
  type TwoArmInput,
  type TwoArmResult,
} from './types';
import { type TestOutcome, welchDof, welchTTest } from './welch';

export const DEFAULT_ALPHA = 0.05;
/** Default prior on the relative lift when the caller passes none: N(0, 0.3²). */
export const DEFAULT_PRIOR: GaussianPrior = { mean: 0, variance: 0.09 };

const UNINFORMATIVE_EFFECT: Effect = { estimate: 0, se: 0, dof: 0, ciLower: 0, ciUpper: 0, pValue: 1 };

interface Settings {
  alpha: number;
  cuped: boolean;
  sequentialTuning: number | null;
  prior: GaussianPrior | null;
}

function resolveSettings(input: TwoArmInput): Settings {
  const alpha = input.alpha;
  return {
    alpha: typeof alpha === 'number' && alpha > 0 && alpha < 1 ? alpha : DEFAULT_ALPHA,
    cuped: input.cuped === true,
    sequentialTuning: resolveTuning(input.sequentialTuning),
    prior: resolvePrior(input.prior),
  };
}

function resolveTuning(tuning: number | null | undefined): number | null {
  if (tuning === null || tuning === undefined) return null;
  if (Number.isFinite(tuning) && tuning > 0) return tuning;
  // A caller that asked for sequential testing with an unusable N* still gets a sequential
  // test, with gbstats' default tuning.
  return DEFAULT_SEQUENTIAL_TUNING;
}

function resolvePrior(prior: GaussianPrior | null | undefined): GaussianPrior | null {
  if (prior === undefined) return DEFAULT_PRIOR;
  if (prior === null) return null;
  // A prior without a finite mean and a positive finite variance cannot be used; treat it as flat.
  if (!Number.isFinite(prior.mean) || !Number.isFinite(prior.variance) || !(prior.variance > 0)) return null;
  return prior;
}

const ARM_FIELDS: readonly (keyof ArmStats)[] = ['n', ...ARM_SUM_FIELDS];

// Missing optional fields count as 0; present ones must be finite numbers, and n not negative.
function isValidArm(arm: ArmStats): boolean {
  if (arm === null || typeof arm !== 'object' || !(arm.n >= 0)) return false;
  return ARM_FIELDS.every((field) => arm[field] === undefined || Number.isFinite(arm[field]));
}

function finiteOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function uninformative(
  error: StatsError,
  controlMean: number,
  treatmentMean: number,
  theta: number | undefined,
): TwoArmResult {
  const result: TwoArmResult = {
    error,
    controlMean: finiteOrZero(controlMean),
    treatmentMean: finiteOrZero(treatmentMean),
    absolute: { ...UNINFORMATIVE_EFFECT },
    relative: { ...UNINFORMATIVE_EFFECT },
    bayesian: { absolute: { ...UNINFORMATIVE_BAYES }, relative: { ...UNINFORMATIVE_BAYES } },
  };
  if (theta !== undefined) result.theta = finiteOrZero(theta);
  return result;
}

function frequentist(moments: EffectMoments, dof: number, totalUnits: number, settings: Settings): Effect {
  const outcome: TestOutcome =
    settings.sequentialTuning === null
      ? welchTTest(moments, dof, settings.alpha)
      : sequentialTTest(moments, totalUnits, settings.alpha, settings.sequentialTuning);
  return { estimate: moments.estimate, se: moments.se, dof, ...outcome };
}

/** The relative prior on the absolute scale: scaled by |baseline| (mean) and baseline² (variance). */
function absolutePrior(prior: GaussianPrior | null, baseline: number): GaussianPrior | null {
  if (prior === null) return null;
  return { mean: prior.mean * Math.abs(baseline), variance: prior.variance * baseline * baseline };
}

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

/**
 * Compare a treatment arm with the control on one metric.
 * Any input that leaves a variance at 0 (or not a number), or a control mean of 0, gives the
 * uninformative result with an error code; no output is ever NaN or infinite.
 */
export function analyzeTwoArm(input: TwoArmInput): TwoArmResult {
  const settings = resolveSettings(input);
  const theta0 = settings.cuped ? 0 : undefined;
  if (!isValidArm(input.control) || !isValidArm(input.treatment)) {
    return uninformative('ZERO_VARIANCE', 0, 0, theta0);
  }

  const adjusted = applyCupedTheta(
    armStatistic(input.metricType, input.control, settings.cuped),
    armStatistic(input.metricType, input.treatment, settings.cuped),
  );
  const control: TestStatistic = adjusted.control;
  const treatment: TestStatistic = adjusted.treatment;
  const controlMean = unadjustedMean(control);
  const treatmentMean = unadjustedMean(treatment);
  const theta = settings.cuped ? adjusted.theta : undefined;

  // A variance needs two units per arm; one unit would also make the Welch dof divide by 0.
  if (control.n < 2 || treatment.n < 2)
    return uninformative('ZERO_VARIANCE', controlMean, treatmentMean, theta);

  // The absolute pass reports a zero baseline as such; the relative one would see its
  // variance vanish first and call it ZERO_VARIANCE.
  const absoluteMoments = effectMoments(control, treatment, false);
  if (absoluteMoments.error !== null) {
    return uninformative(absoluteMoments.error, controlMean, treatmentMean, theta);
  }
  const relativeMoments = effectMoments(control, treatment, true);
  if (relativeMoments.error !== null) {
    return uninformative(relativeMoments.error, controlMean, treatmentMean, theta);
  }
  const dof = welchDof(control, treatment);
  if (!(dof > 0)) return uninformative('ZERO_VARIANCE', controlMean, treatmentMean, theta);

  const totalUnits = control.n + treatment.n;
  const relativeBayes: Bayes = gaussianPosterior(relativeMoments, settings.prior, settings.alpha);
  const absoluteBayes: Bayes = gaussianPosterior(
    absoluteMoments,
    absolutePrior(settings.prior, controlMean),
    settings.alpha,
  );
  const result: TwoArmResult = {
    error: null,
    controlMean,
    treatmentMean,
    absolute: frequentist(absoluteMoments, dof, totalUnits, settings),
    relative: frequentist(relativeMoments, dof, totalUnits, settings),
    bayesian: { absolute: absoluteBayes, relative: relativeBayes },
  };
  if (theta !== undefined) result.theta = theta;
  // Extreme inputs (sums near the float limit) can still overflow somewhere; never hand out
  // NaN or Infinity.
  if (!allFinite(result)) return uninformative('ZERO_VARIANCE', controlMean, treatmentMean, theta);
  return result;
}
