/**
 * One metric, the control against one treatment, from exact cell totals: the engine's answer
 * turned around so that "win" and "risk" follow the metric's direction.
 */
import type { MetricDefinition } from '../model/metric';
import { statsMetricType } from '../model/metric';
import { analyzeTwoArm, DEFAULT_SEQUENTIAL_TUNING, type Effect, normalQuantile, normalSf } from '../stats';
import { armStats, unitsOf } from './results-cells';
import type { ComparisonError, Interval, MetricComparison, TestKind } from './results-types';
import type { StatsVector } from './unit-state';

export interface CompareSettings {
  alpha: number;
  sequential: boolean;
  cuped: boolean;
}

/** The sequential test's tuning N*: the sample size at which its interval is tightest. */
export const SEQUENTIAL_TUNING = DEFAULT_SEQUENTIAL_TUNING;

function interval(effect: Effect): Interval {
  return {
    estimate: effect.estimate,
    se: effect.se,
    ciLower: effect.ciLower,
    ciUpper: effect.ciUpper,
    pValue: effect.pValue,
  };
}

const EMPTY_INTERVAL: Interval = { estimate: 0, se: 0, ciLower: 0, ciUpper: 0, pValue: 1 };

/**
 * The observed mean of a variant: rate, mean per unit, ratio of totals, or the mean of the events'
 * values (0 when undefined).
 */
export function observedMean(metric: MetricDefinition, vector: StatsVector | undefined): number {
  const arm = armStats(vector, metric.key);
  const denominator = statsMetricType(metric.kind) === 'ratio' ? (arm.denominatorSum ?? 0) : arm.n;
  if (denominator === 0) return 0;
  const mean = arm.sum / denominator;
  return Number.isFinite(mean) ? mean : 0;
}

export function testKind(sequential: boolean): TestKind {
  return sequential ? 'sequential' : 'fixed-horizon';
}

function uninformative(
  variant: string,
  error: ComparisonError,
  settings: CompareSettings,
  cupedTheta: number | null = settings.cuped ? 0 : null,
): MetricComparison {
  return {
    variant,
    error,
    test: testKind(settings.sequential),
    absolute: { ...EMPTY_INTERVAL },
    relative: { ...EMPTY_INTERVAL },
    cupedTheta,
    adjustedPValue: null,
    significant: false,
    improved: false,
    chanceToWin: 0.5,
    risk: { ship: 0, keep: 0 },
    posterior: { mean: 0, sd: 0, ciLower: 0, ciUpper: 0 },
  };
}

/**
 * The posterior's mean and standard deviation from its symmetric (1 − alpha) credible interval
 * (shared/stats/bayesian.ts: mean ± z·sd).
 */
function posteriorOf(
  ciLower: number,
  ciUpper: number,
  alpha: number,
): NonNullable<MetricComparison['posterior']> {
  const z = -normalQuantile(alpha / 2);
  const sd = z > 0 ? (ciUpper - ciLower) / (2 * z) : 0;
  return { mean: (ciLower + ciUpper) / 2, sd: Number.isFinite(sd) && sd > 0 ? sd : 0, ciLower, ciUpper };
}

/**
 * The posterior probability that the relative lift lies beyond `threshold` in the worse direction
 * of the metric: P(lift < −threshold) when higher is better, P(lift > threshold) when lower is.
 */
export function chanceWorseBy(c: MetricComparison, higherIsBetter: boolean, threshold: number): number {
  const { mean, sd } = c.posterior ?? { mean: 0, sd: 0 };
  const harm = higherIsBetter ? -mean : mean;
  if (!(sd > 0)) return harm > threshold ? 1 : 0;
  return normalSf((threshold - harm) / sd);
}

/**
 * Compares `treatment` with `control` on `metric`. `adjustedPValue` and the goal metrics'
 * `significant` are filled in later, once the whole family of comparisons is known.
 */
export function compareMetric(
  metric: MetricDefinition,
  variant: string,
  control: StatsVector | undefined,
  treatment: StatsVector | undefined,
  settings: CompareSettings,
): MetricComparison {
  const result = analyzeTwoArm({
    metricType: statsMetricType(metric.kind),
    control: armStats(control, metric.key),
    treatment: armStats(treatment, metric.key),
    alpha: settings.alpha,
    cuped: settings.cuped,
    sequentialTuning: settings.sequential ? SEQUENTIAL_TUNING : null,
  });
  const cupedTheta = settings.cuped ? (result.theta ?? 0) : null;
  if (result.error !== null) return uninformative(variant, result.error, settings, cupedTheta);
  // Units are checked here too: the engine answers with n < 2 only through its error.
  if (unitsOf(control) < 2 || unitsOf(treatment) < 2) {
    return uninformative(variant, 'ZERO_VARIANCE', settings, cupedTheta);
  }
  const higherIsBetter = metric.direction === 'higher-is-better';
  const bayes = result.bayesian.relative;
  const relative = interval(result.relative);
  return {
    variant,
    error: null,
    test: testKind(settings.sequential),
    absolute: interval(result.absolute),
    relative,
    cupedTheta,
    adjustedPValue: null,
    significant: relative.pValue < settings.alpha,
    improved: higherIsBetter ? relative.estimate > 0 : relative.estimate < 0,
    chanceToWin: higherIsBetter ? bayes.chanceToWin : 1 - bayes.chanceToWin,
    // The engine's risks are for a higher-is-better lift; a lower-is-better metric swaps them.
    risk: higherIsBetter
      ? { ship: bayes.riskTreatment, keep: bayes.riskControl }
      : { ship: bayes.riskControl, keep: bayes.riskTreatment },
    posterior: posteriorOf(bayes.ciLower, bayes.ciUpper, settings.alpha),
  };
}
