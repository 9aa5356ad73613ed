/**
 * The experiment and metric stores in memory: the same contract as the DynamoDB ones (a write
 * conditional on the version read, `null` for a new one; an experiment and the flags it drives
 * change together or not at all; audit entries chained with the change).
 */
import { ConflictError } from '../../../shared/model/errors';
import type {
  ExperimentStore,
  MetricStore,
  StoredExperiment,
  StoredMetric,
} from '../../../shared/store/experiment-store';
import type { MemoryAuditLog } from './memory-audit-log';
import type { MemoryFlagStore } from './memory-flag-store';

/** A keyed, versioned record set: the part experiments and metrics share. */
function versionedRecords<T extends { key: string; version: number }>(what: string) {
  const records = new Map<string, T>();
  return {
    get: async (key: string) => {
      const r = records.get(key);
      return r ? structuredClone(r) : null;
    },
    list: async () =>
      [...records.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((r) => structuredClone(r)),
    stale: (key: string, expectedVersion: number | null) => {
      const current = records.get(key);
      return expectedVersion === null ? current !== undefined : current?.version !== expectedVersion;
    },
    conflict: (key: string) =>
      new ConflictError(`${what} ${key} was changed by someone else: read it again and retry`),
    put: (record: T) => records.set(record.key, structuredClone(record)),
  };
}

export function createMemoryExperimentStore(audit: MemoryAuditLog, flags: MemoryFlagStore): ExperimentStore {
  const experiments = versionedRecords<StoredExperiment>('experiment');
  return {
    get: experiments.get,
    list: experiments.list,
    async write(experiment, expectedVersion, flagWrites, entries) {
      // The experiment and the flags it drives change together, or not at all.
      if (experiments.stale(experiment.key, expectedVersion) || flags.stale(flagWrites))
        throw experiments.conflict(experiment.key);
      experiments.put(experiment);
      flags.apply(flagWrites);
      audit.append(entries);
    },
  };
}

export function createMemoryMetricStore(audit: MemoryAuditLog): MetricStore {
  const metrics = versionedRecords<StoredMetric>('metric');
  return {
    get: metrics.get,
    list: metrics.list,
    async write(metric, expectedVersion, entries) {
      if (metrics.stale(metric.key, expectedVersion)) throw metrics.conflict(metric.key);
      metrics.put(metric);
      audit.append(entries);
    },
  };
}
