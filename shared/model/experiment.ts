/**
 * An experiment is a flag with variants (so every Unleash SDK on every channel assigns the same
 * unit to the same variant) plus what product owners need to judge it. Its key is its flag's name.
 */

export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'shipped'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/**
 * The randomisation unit. `customer` is the customer id (`userId`) shared by every channel; the
 * cluster units are read from the event's and context's `properties` under the same name.
 */
export const RANDOMISATION_UNITS = ['customer', 'household', 'branch', 'terminal'] as const;
export type RandomisationUnit = (typeof RANDOMISATION_UNITS)[number];

export interface ExperimentVariant {
  name: string;
  /** Share of the experiment's traffic, in any positive unit; the first variant is the control. */
  weight: number;
  description?: string;
  payload?: { type: 'string' | 'json' | 'number' | 'csv'; value: string };
}

export interface Guardrail {
  metric: string;
  /** The relative degradation tolerated before the guardrail trips, e.g. 0.05 for 5%. */
  tolerance: number;
}

export interface Experiment {
  key: string;
  name: string;
  hypothesis: string;
  squad: string;
  /** The environment the experiment runs in (its flag's state there is driven by the experiment). */
  environment: string;
  /** Share of eligible units that enter the experiment, 0–100. */
  trafficPercent: number;
  channels: string[];
  unit: RandomisationUnit;
  variants: ExperimentVariant[];
  primaryMetric: string;
  secondaryMetrics: string[];
  guardrails: Guardrail[];
  /** Experiments in one layer never share a unit. */
  layer?: string;
  status: ExperimentStatus;
  /** With status `shipped`: the variant everyone now gets. */
  shippedVariant?: string;
  startedAt?: string;
  stoppedAt?: string;
  analysis: {
    /**
     * The engine whose numbers the results show and the verdict decides by; absent: frequentist.
     * Guardrails halt on the always-valid sequential rule whichever engine is named.
     */
    engine?: AnalysisEngine;
    /** Frequentist: sequential testing lets product owners look every day without inflating false positives. */
    sequential: boolean;
    alpha: number;
    cuped: boolean;
    /**
     * Bayesian: ship when the chance to beat control reaches this (absent: 0.95); a guardrail
     * blocks when its chance of harm beyond its tolerance reaches it.
     */
    chanceThreshold?: number;
  };
}

export const ANALYSIS_ENGINES = ['frequentist', 'bayesian'] as const;
export type AnalysisEngine = (typeof ANALYSIS_ENGINES)[number];

/** The Bayesian threshold when the plan names none. */
export const DEFAULT_CHANCE_THRESHOLD = 0.95;

/** The plan's engine: frequentist unless it names Bayesian. */
export function analysisEngine(e: Pick<Experiment, 'analysis'>): AnalysisEngine {
  return e.analysis?.engine === 'bayesian' ? 'bayesian' : 'frequentist';
}

/** The plan's Bayesian threshold when usable (above 0.5, below 1), else the default. */
export function chanceThreshold(e: Pick<Experiment, 'analysis'>): number {
  const t = e.analysis?.chanceThreshold;
  return typeof t === 'number' && t > 0.5 && t < 1 ? t : DEFAULT_CHANCE_THRESHOLD;
}

/** The id of an event's unit for an experiment's randomisation unit, or undefined when it lacks one. */
export function unitIdOf(
  unit: RandomisationUnit,
  event: { userId: string; properties?: Record<string, string> },
): string | undefined {
  if (unit === 'customer') return event.userId || undefined;
  const v = event.properties?.[unit];
  return v ? v : undefined;
}

/** All the metrics an experiment reads: goals first, then guardrails. */
export function experimentMetrics(e: Experiment): string[] {
  return [...new Set([e.primaryMetric, ...e.secondaryMetrics, ...e.guardrails.map((g) => g.metric)])];
}
