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
    /** Sequential testing lets product owners look every day without inflating false positives. */
    sequential: boolean;
    alpha: number;
    cuped: boolean;
  };
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
