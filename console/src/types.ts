/** The admin API's shapes, from the shared model (type-only: nothing of the server is bundled). */
import type { Experiment } from '../../shared/model/experiment';

export type {
  ChannelResults,
  ExperimentResults,
  MetricComparison,
  MetricResult,
  ScopeResults,
  Verdict,
} from '../../shared/experiments/results-types';
export type { AuditEntry } from '../../shared/model/audit';
export type { Constraint, Strategy, VariantDefinition } from '../../shared/model/client-features';
export type { Environment } from '../../shared/model/environment';
export type { Experiment, ExperimentStatus } from '../../shared/model/experiment';
export type { Flag, FlagEnvironmentState, SegmentDefinition } from '../../shared/model/flag';
export type { Principal } from '../../shared/model/token';

export interface StoredExperiment extends Experiment {
  version: number;
  createdAt: string;
  updatedAt: string;
  haltedChannels: string[];
}

/** One point of `GET /api/admin/experiments/{key}/results/history`: the results as they stood at `at`. */
export interface HistoryPoint {
  at: string;
  metric: string;
  variant: string;
  relative: { estimate: number; ciLower: number; ciUpper: number };
}
