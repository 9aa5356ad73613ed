/**
 * Power at planning time: the minimum detectable effect of an experiment on a metric for the
 * traffic and duration it expects, from the metric's historical variance when an earlier
 * experiment measured it (its control arm, all channels), else from a baseline the planner gives.
 * Pure and synchronous: the caller reads the earlier experiment's cells.
 */
import type { MetricDefinition } from '../model/metric';
import { statsMetricType } from '../model/metric';
import {
  type Baseline,
  minimumDetectableEffect,
  type PowerSettings,
  sequentialSampleSizePerArm,
} from '../stats/power';
import { DEFAULT_SEQUENTIAL_TUNING } from '../stats/sequential';
import { armStats, experimentCells, unitsOf, variantTotals } from './results-cells';
import type { StatsVector } from './unit-state';

/** Units an arm needs before its variance is trusted for planning. */
export const MIN_HISTORY_UNITS = 100;

/** The per-unit baseline of a metric in one arm's exact totals, or null with too few units. */
export function baselineFromArm(metric: MetricDefinition, vector: StatsVector | undefined): Baseline | null {
  const n = unitsOf(vector);
  if (n < MIN_HISTORY_UNITS) return null;
  const arm = armStats(vector, metric.key);
  const type = statsMetricType(metric.kind);
  if (type === 'binomial') return { kind: 'conversion', rate: arm.sum / n };
  const varOf = (sum: number, squares: number) => Math.max(0, (squares - (sum * sum) / n) / (n - 1));
  if (type === 'mean')
    return { kind: 'mean', mean: arm.sum / n, variance: varOf(arm.sum, arm.sumSquares ?? 0) };
  // A ratio (or mean of events) R = M̄ / D̄: its per-unit variance by the delta method.
  const dSum = arm.denominatorSum ?? 0;
  if (!(dSum > 0)) return null;
  const r = arm.sum / dSum;
  const muD = dSum / n;
  const vm = varOf(arm.sum, arm.sumSquares ?? 0);
  const vd = varOf(dSum, arm.denominatorSumSquares ?? 0);
  const cov = ((arm.mainDenominatorSumProduct ?? 0) - (arm.sum * dSum) / n) / (n - 1);
  return { kind: 'mean', mean: r, variance: Math.max(0, (vm - 2 * r * cov + r * r * vd) / (muD * muD)) };
}

/** The control arm's baseline of `metric` in an earlier experiment's cells. */
export function historicalBaseline(
  metric: MetricDefinition,
  experiment: string,
  control: string,
  cells: ReadonlyMap<string, StatsVector>,
): { baseline: Baseline; units: number } | null {
  const vector = variantTotals(experimentCells(experiment, cells)).get(control);
  const baseline = baselineFromArm(metric, vector);
  return baseline ? { baseline, units: unitsOf(vector) } : null;
}

export interface PlanInput {
  baseline: Baseline;
  /** Units expected to enter the experiment per day (all variants together). */
  dailyUnits: number;
  days: number;
  /** Variants including the control, sharing the traffic equally. */
  variants: number;
  alpha: number;
  sequential: boolean;
  power?: number;
}

export interface PlanFigures {
  perArm: number;
  /** The smallest relative lift (0.05 is 5%) detected with the power given, or null if none is. */
  mde: number | null;
  power: number;
  /** The level each comparison is tested at: alpha over the treatments (Holm's first step). */
  level: number;
}

/** The MDE for the expected traffic and duration, by the test the experiment will run. */
export function planFigures(input: PlanInput): PlanFigures {
  const power = input.power ?? 0.8;
  const variants = Math.max(2, Math.floor(input.variants));
  const perArm = Math.floor((input.dailyUnits * input.days) / variants);
  const settings: PowerSettings = { alpha: input.alpha / (variants - 1), power };
  const fixed = minimumDetectableEffect(input.baseline, perArm, settings);
  if (fixed === null || !input.sequential) return { perArm, mde: fixed, power, level: settings.alpha };
  // The sequential test needs more units for the same lift: bisect for the lift it detects at perArm.
  const size = (lift: number) =>
    sequentialSampleSizePerArm(input.baseline, lift, settings, DEFAULT_SEQUENTIAL_TUNING) ??
    Number.POSITIVE_INFINITY;
  let low = fixed;
  let high = fixed * 10;
  if (size(high) > perArm) return { perArm, mde: null, power, level: settings.alpha };
  for (let i = 0; i < 60; i += 1) {
    const mid = (low + high) / 2;
    if (size(mid) <= perArm) high = mid;
    else low = mid;
  }
  return { perArm, mde: high, power, level: settings.alpha };
}
