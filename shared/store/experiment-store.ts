/**
 * The ports for experiments (written in one transaction with the flags they drive) and metric
 * definitions, and what each stores beside the squad's definition.
 */
import type { AnalysisPlanChange } from '../experiments/analysis-plan';
import type { AuditEntry } from '../model/audit';
import type { Experiment } from '../model/experiment';
import type { MetricDefinition } from '../model/metric';
import type { FlagWrite } from './flag-store';

/** An experiment as stored: the squad's definition, plus what the platform keeps about it. */
export interface StoredExperiment extends Experiment {
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Channels where a guardrail turned the treatment off; only an approved change resumes them. */
  haltedChannels: string[];
  /** Changes to the analysis plan after the start (shared/experiments/analysis-plan.ts). */
  analysisPlanChanges?: AnalysisPlanChange[];
}

export interface StoredMetric extends MetricDefinition {
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ExperimentStore {
  get(key: string): Promise<StoredExperiment | null>;
  list(): Promise<StoredExperiment[]>;
  /**
   * Writes the experiment, the flags it drives and the audit entries in one transaction;
   * `expectedVersion` null means it must not exist yet. A stale version changes nothing.
   */
  write(
    experiment: StoredExperiment,
    expectedVersion: number | null,
    flags: FlagWrite[],
    audit: AuditEntry[],
  ): Promise<void>;
}

export interface MetricStore {
  get(key: string): Promise<StoredMetric | null>;
  list(): Promise<StoredMetric[]>;
  write(metric: StoredMetric, expectedVersion: number | null, audit: AuditEntry[]): Promise<void>;
}
