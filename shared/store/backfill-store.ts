/**
 * Backfilled statistics: what `POST /api/admin/experiments/{key}/backfill` computed from the raw
 * events for one metric of one experiment, kept so results show it (marked as backfilled, with when).
 * A later backfill of the same metric replaces it.
 */
import type { QuantileReport } from '../experiments/backfill';

/** One cell (variant × channel) of a backfilled metric: `n` and the metric's fields, as decimal strings. */
export interface BackfilledCell {
  variant: string;
  channel: string;
  /** Exact integers (the scales of unit-state.ts), as text. */
  fields: Record<string, string>;
}

export interface BackfilledMetric {
  experiment: string;
  metric: string;
  /** When it was computed (ISO 8601) and by whom. */
  at: string;
  by: string;
  /** Computed with identity stitching (then it is not what live ingestion counts). */
  stitched: boolean;
  /** Exposed units read, and those seen in more than one variant. */
  units: number;
  crossover: number;
  /** Metrics live ingestion keeps: the cells results read instead of the live ones. */
  cells?: BackfilledCell[];
  /** Quantile metrics: each scope's per-arm quantiles and differences. */
  quantile?: QuantileReport;
}

export interface BackfillStore {
  put(metrics: readonly BackfilledMetric[]): Promise<void>;
  /** The experiment's backfilled metrics (none: empty). */
  list(experiment: string): Promise<BackfilledMetric[]>;
}
