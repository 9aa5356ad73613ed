/**
 * Runs the data-quality query (shared/experiments/data-quality.ts) where the raw events are:
 * DuckDB over the local lake's JSONL (loaded only here, by a computed specifier, so no Lambda
 * bundle carries it), or Athena over the Glue tables `events` and `rejected` on AWS.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DataQualityQuery,
  type DataQualityReport,
  type DataQualityRow,
  dataQualityReport,
  dataQualitySql,
} from '../../shared/experiments/data-quality';
import type { RawEventLocation } from '../../shared/store/raw-event-store';
import { type AthenaQueryOptions, runAthenaQuery } from '../aws/athena-query';

type DuckDb = typeof import('@duckdb/node-api');

/** The columns the report reads; `environment` and `day` come from the partition directories. */
const COLUMNS: Record<string, string> = {
  id: 'VARCHAR',
  channel: 'VARCHAR',
  outcome: 'VARCHAR',
  reason: 'VARCHAR',
  receivedAt: 'VARCHAR',
  timestamp: 'VARCHAR',
};

function hasFiles(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some(
    (e) => (e.isFile() && e.name.endsWith('.jsonl')) || (e.isDirectory() && hasFiles(join(dir, e.name))),
  );
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A view over one prefix of the lake; an empty relation with the same columns when it has no file yet. */
function viewSql(name: string, dir: string): string {
  if (!hasFiles(dir)) {
    const empty = [
      ...Object.entries(COLUMNS).map(([c, t]) => `CAST(NULL AS ${t}) AS ${c}`),
      'CAST(NULL AS VARCHAR) AS environment',
      'CAST(NULL AS VARCHAR) AS day',
    ].join(', ');
    return `CREATE VIEW ${name} AS SELECT ${empty} WHERE 1 = 0`;
  }
  const columns = Object.entries(COLUMNS)
    .map(([c, t]) => `${c}: ${quote(t)}`)
    .join(', ');
  return `CREATE VIEW ${name} AS SELECT * FROM read_json(${quote(join(dir, '**', '*.jsonl'))}, format = 'newline_delimited', hive_partitioning = true, hive_types = {'environment': 'VARCHAR', 'day': 'VARCHAR'}, columns = {${columns}})`;
}

const toNumber = (x: unknown) => (typeof x === 'bigint' ? Number(x) : Number(x ?? 0));

function row(r: Record<string, unknown>): DataQualityRow {
  return {
    channel: String(r.channel ?? ''),
    day: String(r.day ?? ''),
    outcome: String(r.outcome ?? ''),
    reason: String(r.reason ?? ''),
    n: toNumber(r.n),
    late: toNumber(r.late),
  };
}

export async function runLocalDataQuality(root: string, q: DataQualityQuery): Promise<DataQualityReport> {
  const specifier = '@duckdb/node-api';
  const duck: DuckDb = await import(specifier);
  const instance = await duck.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(viewSql('dq_events', join(root, 'events')));
    await connection.run(viewSql('dq_rejected', join(root, 'rejected')));
    const sql = dataQualitySql('duckdb', { events: 'dq_events', rejected: 'dq_rejected' }, q);
    const reader = await connection.runAndReadAll(sql);
    return dataQualityReport(reader.getRowObjectsJS().map(row), q);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function runAthenaDataQuality(
  location: Extract<RawEventLocation, { kind: 's3' }>,
  region: string,
  q: DataQualityQuery,
  options: AthenaQueryOptions = {},
): Promise<DataQualityReport> {
  const table = (name: string) => `"${location.database.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
  const sql = dataQualitySql(
    'athena',
    { events: table(location.table), rejected: table(location.rejectedTable) },
    q,
  );
  const rows = await runAthenaQuery(
    { region, database: location.database, workgroup: location.workgroup },
    sql,
    options,
  );
  return dataQualityReport(rows.map(row), q);
}

/** The report from wherever the runtime's raw event store keeps the records. */
export function runDataQuality(
  location: RawEventLocation,
  region: string,
  q: DataQualityQuery,
  options: AthenaQueryOptions = {},
): Promise<DataQualityReport> {
  return location.kind === 'local'
    ? runLocalDataQuality(location.root, q)
    : runAthenaDataQuality(location, region, q, options);
}
