// Shared by the results tests: a small slice of the bank's catalogue, an experiment factory, and
// a one-call simulation through the same path ingestion takes.

import type { StatsVector } from '../../shared/experiments/unit-state';
import type { Experiment } from '../../shared/model/experiment';
import type { MetricDefinition } from '../../shared/model/metric';
import {
  type SimulationConfig,
  seededRandom,
  simulateExperiment,
  simulationCells,
} from '../../shared/simulation/simulation';

export const catalogue: MetricDefinition[] = [
  {
    key: 'loan_application_submitted',
    name: 'Loan applications',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  { key: 'csat_score', name: 'CSAT score', kind: 'mean', direction: 'higher-is-better', unit: 'points' },
  {
    key: 'branch_wait_minutes',
    name: 'Branch wait time',
    kind: 'mean',
    direction: 'lower-is-better',
    unit: 'minutes',
  },
  {
    key: 'complaint_filed',
    name: 'Complaints',
    kind: 'count',
    direction: 'lower-is-better',
    unit: 'complaints',
  },
  {
    key: 'session_started',
    name: 'Sessions',
    kind: 'count',
    direction: 'higher-is-better',
    unit: 'sessions',
  },
  {
    key: 'complaints_per_session',
    name: 'Complaints per session',
    kind: 'ratio',
    direction: 'lower-is-better',
    unit: 'complaints',
    numerator: 'complaint_filed',
    denominator: 'session_started',
  },
];

export const CHANNELS = ['mobile', 'web', 'branch'];

export function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    key: 'loan-banner',
    name: 'Pre-approved loan banner',
    hypothesis: 'The banner raises loan applications without raising complaints.',
    squad: 'lending',
    environment: 'production',
    trafficPercent: 100,
    channels: CHANNELS,
    unit: 'customer',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'banner', weight: 1 },
    ],
    primaryMetric: 'loan_application_submitted',
    secondaryMetrics: ['csat_score'],
    guardrails: [
      { metric: 'complaints_per_session', tolerance: 0.05 },
      { metric: 'complaint_filed', tolerance: 0.05 },
    ],
    status: 'running',
    analysis: { sequential: false, alpha: 0.05, cuped: false },
    ...overrides,
  };
}

/** Baselines of the base metrics; per-channel levels differ, as they do in the bank. */
export const models: SimulationConfig['metrics'] = {
  loan_application_submitted: { kind: 'conversion', rate: 0.2 },
  csat_score: { kind: 'mean', mean: 4, presence: 0.6 },
  complaint_filed: { kind: 'count', rate: 0.3 },
  session_started: { kind: 'count', rate: 3 },
};

export const channelBaseline = { mobile: 1, web: 0.7, branch: 1.4 };

export interface Simulated {
  cells: Map<string, StatsVector>;
  summary: ReturnType<typeof simulateExperiment>['summary'];
}

export function simulate(
  seed: number,
  config: Partial<SimulationConfig> & { experiment: Experiment; units: number },
): Simulated {
  const sim = simulateExperiment(
    { metrics: models, channelBaseline, catalogue, ...config },
    seededRandom(seed),
  );
  return { cells: simulationCells(sim.events, config.experiment, catalogue), summary: sim.summary };
}

/** The planted lift of `metric` for `variant` on `channel` (null: all channels). */
export function planted(
  s: Simulated,
  metric: string,
  variant: string,
  channel: string | null = null,
): number {
  const truth = s.summary.truths.find(
    (t) => t.metric === metric && t.variant === variant && t.channel === channel,
  );
  if (!truth) throw new Error(`nothing planted for ${metric}/${variant}/${channel}`);
  return truth.relativeLift;
}

/** Every number in a JSON-like value is finite. */
export function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}
