/**
 * The one SQL text a backfill runs over the raw event store (docs/experiments.md, "Backfill"): DuckDB
 * runs it locally over the JSONL lake, Athena over the Glue table, so it uses only functions both
 * engines share (no map subscripts that fail on a missing key, no engine-specific time parsing). It
 * answers one row per (unit, metric) of the experiment's exposed units: the unit's first exposure
 * (variant, channel, time, id) and its metric totals before and after it, exactly what live
 * ingestion's unit state holds (shared/experiments/unit-state.ts), so folding the rows with the same
 * contribution code gives the same statistics.
 */
import type { RandomisationUnit } from '../model/experiment';
import { type MetricDefinition, metricMin } from '../model/metric';
import { VALUE_DECIMALS } from './exact';

export interface BackfillQuery {
  /** The relation holding the raw events (a DuckDB view locally, the Glue table on Athena). */
  source: string;
  environment: string;
  experiment: string;
  unit: RandomisationUnit;
  /** The event-level metrics whose events are read (a ratio's parts, not the ratio), with their rules. */
  metrics: readonly Pick<MetricDefinition, 'key' | 'kind' | 'min' | 'max'>[];
  /**
   * Identity stitching (customer unit only): an event whose userId an identify event links to a
   * customer counts for that customer (the first link of each anonymous id, by time then id).
   */
  stitch: boolean;
}

/** The columns of each answered row. Totals are integers of 1/10,000 (as unit-state.ts keeps them). */
export const BACKFILL_COLUMNS = [
  'unit_id',
  'variant',
  'channel',
  'exposed_at',
  'exposure_id',
  'crossed',
  'metric',
  'pre_sum',
  'pre_events',
  'post_sum',
  'post_events',
] as const;

/** A SQL string literal: quotes doubled; nothing else is special in either engine. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function sqlNumber(n: number | undefined): string {
  return n === undefined ? 'CAST(NULL AS DOUBLE)' : `CAST(${String(n)} AS DOUBLE)`;
}

/**
 * Milliseconds since the epoch of an RFC 3339 time with a zone (the only form ingestion accepts),
 * as JavaScript's Date.parse reads it (sub-milliseconds dropped), in portable integer arithmetic.
 */
export function epochMillisSql(col: string): string {
  const part = (from: number, length: number) => `CAST(substr(${col}, ${from}, ${length}) AS BIGINT)`;
  const millis = `CAST(substr(rpad(COALESCE(regexp_extract(${col}, '^.{19}\\.([0-9]+)', 1), ''), 3, '0'), 1, 3) AS BIGINT)`;
  const offset =
    `(CASE WHEN substr(${col}, length(${col}), 1) = 'Z' THEN 0 ELSE ` +
    `(CASE WHEN substr(${col}, length(${col}) - 5, 1) = '-' THEN -1 ELSE 1 END) * ` +
    `(CAST(substr(${col}, length(${col}) - 4, 2) AS BIGINT) * 60 + CAST(substr(${col}, length(${col}) - 1, 2) AS BIGINT)) * 60000 END)`;
  return (
    `(date_diff('day', DATE '1970-01-01', CAST(substr(${col}, 1, 10) AS DATE)) * 86400000 + ` +
    `${part(12, 2)} * 3600000 + ${part(15, 2)} * 60000 + ${part(18, 2)} * 1000 + ${millis} - ${offset})`
  );
}

/** The unit id an event belongs to: its userId, or the cluster's id among its properties. */
function unitIdSql(unit: RandomisationUnit, alias: string): string {
  if (unit === 'customer') return `${alias}.userId`;
  const key = sqlString(unit);
  return `(CASE WHEN contains(map_keys(${alias}.properties), ${key}) THEN ${alias}.properties[${key}] END)`;
}

/** The backfill query: one text for both engines (only `source` names the relation). */
export function backfillSql(q: BackfillQuery): string {
  const scale = 10 ** VALUE_DECIMALS;
  const defs =
    q.metrics.length === 0
      ? `SELECT CAST(NULL AS VARCHAR) AS metric, CAST(NULL AS VARCHAR) AS kind, CAST(NULL AS DOUBLE) AS vmin, CAST(NULL AS DOUBLE) AS vmax WHERE 1 = 0`
      : `SELECT * FROM (VALUES ${q.metrics
          .map(
            (m) =>
              `(${sqlString(m.key)}, ${sqlString(m.kind)}, ${sqlNumber(metricMin(m))}, ${sqlNumber(m.max)})`,
          )
          .join(', ')}) AS d(metric, kind, vmin, vmax)`;
  const stitchOn = q.stitch && q.unit === 'customer';
  const unitOf = (alias: string) =>
    stitchOn ? `COALESCE(l.customer, ${unitIdSql(q.unit, alias)})` : unitIdSql(q.unit, alias);
  const linkJoin = (alias: string) =>
    stitchOn ? `LEFT JOIN links l ON l.anon = ${alias}.userId AND l.rn = 1` : '';
  return `WITH
copies AS (
  SELECT r.*, row_number() OVER (
    PARTITION BY r.id
    ORDER BY CASE WHEN r.outcome = 'duplicate' THEN 1 ELSE 0 END, r.receivedAt, r.outcome
  ) AS copy_rank
  FROM ${q.source} r
  WHERE r.environment = ${sqlString(q.environment)} AND r.outcome IN ('accepted', 'stored', 'duplicate')
),
events AS (
  SELECT c.*, ${epochMillisSql('c."timestamp"')} AS at_ms FROM copies c WHERE c.copy_rank = 1
),
links AS (
  SELECT e.anonymousId AS anon, e.userId AS customer,
    row_number() OVER (PARTITION BY e.anonymousId ORDER BY e.at_ms, e.id) AS rn
  FROM events e
  WHERE e.type = 'identify' AND e.anonymousId IS NOT NULL
),
defs AS (${defs}),
exposures AS (
  SELECT ${unitOf('e')} AS unit_id, e.variant, e.channel, e.at_ms, e.id
  FROM events e ${linkJoin('e')}
  WHERE e.type = 'exposure' AND e.experiment = ${sqlString(q.experiment)}
),
ranked AS (
  SELECT x.*, row_number() OVER (PARTITION BY x.unit_id ORDER BY x.at_ms, x.id) AS rank_in_unit,
    CASE WHEN min(x.variant) OVER (PARTITION BY x.unit_id) <> max(x.variant) OVER (PARTITION BY x.unit_id)
      THEN 1 ELSE 0 END AS crossed
  FROM exposures x
  WHERE x.unit_id IS NOT NULL
),
units AS (
  SELECT unit_id, variant, channel, at_ms AS exposed_at, id AS exposure_id, crossed FROM ranked WHERE rank_in_unit = 1
),
valued AS (
  SELECT ${unitOf('e')} AS unit_id, e.metric, e.at_ms,
    CASE WHEN e.value IS NULL AND d.kind = 'count' THEN CAST(1 AS DOUBLE) ELSE CAST(e.value AS DOUBLE) END AS v,
    d.kind, d.vmin, d.vmax
  FROM events e JOIN defs d ON d.metric = e.metric ${linkJoin('e')}
  WHERE e.type = 'metric'
),
observations AS (
  SELECT unit_id, metric, at_ms, CAST(round(v * ${scale}) AS BIGINT) AS scaled
  FROM valued
  WHERE unit_id IS NOT NULL AND v IS NOT NULL AND abs(v) <= 1e9
    AND abs(v * ${scale} - round(v * ${scale})) < 1e-6
    AND (kind <> 'conversion' OR v = 0 OR v = 1)
    AND (vmin IS NULL OR v >= vmin) AND (vmax IS NULL OR v <= vmax)
),
totals AS (
  SELECT u.unit_id, o.metric,
    sum(CASE WHEN o.at_ms < u.exposed_at THEN o.scaled ELSE 0 END) AS pre_sum,
    sum(CASE WHEN o.at_ms < u.exposed_at THEN 1 ELSE 0 END) AS pre_events,
    sum(CASE WHEN o.at_ms < u.exposed_at THEN 0 ELSE o.scaled END) AS post_sum,
    sum(CASE WHEN o.at_ms < u.exposed_at THEN 0 ELSE 1 END) AS post_events
  FROM units u JOIN observations o ON o.unit_id = u.unit_id
  GROUP BY u.unit_id, o.metric
)
SELECT u.unit_id, u.variant, u.channel, u.exposed_at, u.exposure_id, u.crossed,
  t.metric, t.pre_sum, t.pre_events, t.post_sum, t.post_events
FROM units u LEFT JOIN totals t ON t.unit_id = u.unit_id
ORDER BY u.unit_id, t.metric`;
}
