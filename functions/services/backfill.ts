/**
 * Backfill: an experiment's statistics for catalogue metrics computed from the raw event store with
 * one SQL text (shared/experiments/backfill-sql.ts), by DuckDB locally and Athena on AWS, folded by
 * the same unit-state code as live ingestion, and stored so results show them (marked backfilled,
 * with when). Also how results read them back over the live cells.
 */
import {
  type BackfillRow,
  cellsOfMetric,
  foldBackfill,
  metricsToRead,
  overlayBackfill,
  type QuantileReport,
} from '../../shared/experiments/backfill';
import { backfillSql } from '../../shared/experiments/backfill-sql';
import { experimentAlpha } from '../../shared/experiments/guardrail';
import { cellKey, parseCellKey, type StatsVector } from '../../shared/experiments/unit-state';
import { NotFoundError, ValidationError } from '../../shared/model/errors';
import { type Experiment, experimentMetrics } from '../../shared/model/experiment';
import type { MetricDefinition } from '../../shared/model/metric';
import type { BackfilledMetric, BackfillStore } from '../../shared/store/backfill-store';
import type { ExperimentStore, MetricStore } from '../../shared/store/experiment-store';
import { type AthenaTarget, athenaSource, runAthenaBackfillQuery } from './backfill-athena';
import { LOCAL_SOURCE, runLocalBackfillQuery } from './backfill-duckdb';

/** Where the raw events are read: the local lake's root, or the Glue table Athena queries. */
export type RawEventsSource = { kind: 'local'; root: string } | ({ kind: 'athena' } & AthenaTarget);

export interface BackfillDeps {
  experiments: Pick<ExperimentStore, 'get'>;
  metrics: Pick<MetricStore, 'list'>;
  backfills: BackfillStore;
  source: RawEventsSource;
  now: () => Date;
  /** Runs the query (tests may pass their own); by default DuckDB or Athena by `source`. */
  run?: (sql: string, source: RawEventsSource) => Promise<BackfillRow[]>;
}

export interface BackfillRequest {
  experiment: string;
  /** Catalogue metric keys; absent or empty: every metric the experiment names that is in the catalogue. */
  metrics?: readonly string[];
  stitch?: boolean;
  by: string;
}

export interface BackfillResult {
  experiment: string;
  at: string;
  stitched: boolean;
  metrics: { key: string; kind: string; cells: number; quantile: boolean }[];
  /** Health: exposed units read, and units seen in more than one variant (after stitching when on). */
  health: { units: number; crossover: number };
  /** The query as run (the same text on DuckDB and Athena, but for the relation it reads). */
  sql: string;
}

async function defaultRun(sql: string, source: RawEventsSource): Promise<BackfillRow[]> {
  return source.kind === 'local'
    ? runLocalBackfillQuery(source.root, sql)
    : runAthenaBackfillQuery(source, sql);
}

function chooseMetrics(
  experiment: Experiment,
  catalogue: ReadonlyMap<string, MetricDefinition>,
  requested: readonly string[] | undefined,
): MetricDefinition[] {
  if (!requested || requested.length === 0)
    return experimentMetrics(experiment).flatMap((k) => {
      const m = catalogue.get(k);
      return m ? [m] : [];
    });
  return requested.map((key, i) => {
    const m = catalogue.get(key);
    if (!m) throw new ValidationError(`no metric "${key}" in the catalogue`, `metrics.${i}`);
    return m;
  });
}

function storedCells(cells: ReadonlyMap<string, StatsVector>): BackfilledMetric['cells'] {
  return [...cells].map(([key, vector]) => {
    const { variant, channel } = parseCellKey(key);
    return { variant, channel, fields: Object.fromEntries([...vector].map(([f, v]) => [f, v.toString()])) };
  });
}

/** Computes and stores the backfill of an experiment's metrics from the raw events. */
export async function runBackfill(deps: BackfillDeps, request: BackfillRequest): Promise<BackfillResult> {
  const experiment = await deps.experiments.get(request.experiment);
  if (!experiment) throw new NotFoundError(`no experiment ${request.experiment}`);
  const catalogue = new Map((await deps.metrics.list()).map((m) => [m.key, m]));
  const targets = chooseMetrics(experiment, catalogue, request.metrics);
  const stitch = request.stitch === true;
  if (stitch && experiment.unit !== 'customer')
    throw new ValidationError(
      `identity stitching needs the customer unit ("${experiment.key}" is randomised by ${experiment.unit})`,
      'stitch',
    );
  const source = deps.source.kind === 'local' ? LOCAL_SOURCE : athenaSource(deps.source);
  const sql = backfillSql({
    source,
    environment: experiment.environment,
    experiment: experiment.key,
    unit: experiment.unit,
    metrics: metricsToRead(targets, catalogue),
    stitch,
  });
  const rows = await (deps.run ?? defaultRun)(sql, deps.source);
  const folded = foldBackfill(rows, experiment, targets, experimentAlpha(experiment));
  const at = deps.now().toISOString();
  const records: BackfilledMetric[] = targets.map((m) => {
    const quantile = folded.quantiles.get(m.key);
    return {
      experiment: experiment.key,
      metric: m.key,
      at,
      by: request.by,
      stitched: stitch,
      units: folded.units,
      crossover: folded.crossover,
      ...(quantile ? { quantile } : { cells: storedCells(cellsOfMetric(folded.cells, m.key)) }),
    };
  });
  await deps.backfills.put(records);
  return {
    experiment: experiment.key,
    at,
    stitched: stitch,
    metrics: records.map((r, i) => ({
      key: r.metric,
      kind: targets[i].kind,
      cells: r.cells?.length ?? 0,
      quantile: r.quantile !== undefined,
    })),
    health: { units: folded.units, crossover: folded.crossover },
    sql,
  };
}

/** What results read from stored backfills: the cells to overlay, and the quantile metrics' reports. */
export interface BackfillOverlay {
  cells: Map<string, StatsVector>;
  /** Live-kept metrics whose cells the backfill replaced, with when. */
  metrics: Map<string, { at: string; stitched: boolean }>;
  quantiles: Map<string, { at: string; report: QuantileReport }>;
}

/**
 * Stored backfills over the live cells. A stitched backfill is kept but not overlaid: it counts
 * differently from live ingestion, so results keep the live figures and say a stitched one exists.
 */
export function backfillOverlay(
  experiment: string,
  live: ReadonlyMap<string, StatsVector>,
  stored: readonly BackfilledMetric[],
): BackfillOverlay {
  const backfilled = new Map<string, StatsVector>();
  const metrics = new Map<string, { at: string; stitched: boolean }>();
  const quantiles = new Map<string, { at: string; report: QuantileReport }>();
  for (const b of stored) {
    if (b.quantile) {
      quantiles.set(b.metric, { at: b.at, report: b.quantile });
      continue;
    }
    if (b.stitched || !b.cells) continue;
    metrics.set(b.metric, { at: b.at, stitched: b.stitched });
    for (const c of b.cells) {
      const key = cellKey(experiment, c.variant, c.channel);
      const v = backfilled.get(key) ?? new Map<string, bigint>();
      for (const [field, value] of Object.entries(c.fields)) v.set(field, BigInt(value));
      backfilled.set(key, v);
    }
  }
  return { cells: overlayBackfill(live, backfilled, [...metrics.keys()]), metrics, quantiles };
}
