/**
 * Runs the backfill query locally: DuckDB over the raw event store's JSONL files
 * (`<root>/events/environment=<env>/day=<day>/*.jsonl`, docs: /work contract raw-events), exposed as
 * the view the query reads. DuckDB is loaded only here, when a local backfill runs, so no Lambda
 * bundle carries it (on AWS the same query goes to Athena, backfill-athena.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackfillRow } from '../../shared/experiments/backfill';

/** The raw record's columns with their types (properties: string → string). */
const RAW_COLUMNS: Record<string, string> = {
  id: 'VARCHAR',
  type: 'VARCHAR',
  timestamp: 'VARCHAR',
  receivedAt: 'VARCHAR',
  environment: 'VARCHAR',
  channel: 'VARCHAR',
  userId: 'VARCHAR',
  anonymousId: 'VARCHAR',
  appName: 'VARCHAR',
  experiment: 'VARCHAR',
  variant: 'VARCHAR',
  metric: 'VARCHAR',
  value: 'DOUBLE',
  properties: 'MAP(VARCHAR, VARCHAR)',
  outcome: 'VARCHAR',
  reason: 'VARCHAR',
};

export const LOCAL_SOURCE = 'raw_events';

function hasFiles(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.jsonl')) return true;
    if (entry.isDirectory() && hasFiles(join(dir, entry.name))) return true;
  }
  return false;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The view over the lake's accepted/duplicate/stored events (empty when nothing was written yet). */
function viewSql(root: string): string {
  const columns = Object.entries(RAW_COLUMNS)
    .map(([name, type]) => `${name}: ${quote(type)}`)
    .join(', ');
  const dir = join(root, 'events');
  if (!hasFiles(dir)) {
    const empty = Object.entries(RAW_COLUMNS)
      .map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`)
      .join(', ');
    return `CREATE VIEW ${LOCAL_SOURCE} AS SELECT ${empty} WHERE 1 = 0`;
  }
  const glob = quote(join(dir, '**', '*.jsonl'));
  return `CREATE VIEW ${LOCAL_SOURCE} AS SELECT ${Object.keys(RAW_COLUMNS).join(', ')} FROM read_json(${glob}, format = 'newline_delimited', hive_partitioning = true, union_by_name = true, columns = {${columns}})`;
}

type DuckDb = typeof import('@duckdb/node-api');

function text(x: unknown): string {
  return typeof x === 'string' ? x : String(x ?? '');
}

function count(x: unknown): bigint | number | string | null {
  return typeof x === 'bigint' || typeof x === 'number' || typeof x === 'string' ? x : null;
}

function duckRow(r: Record<string, unknown>): BackfillRow {
  return {
    unit_id: text(r.unit_id),
    variant: text(r.variant),
    channel: text(r.channel),
    exposed_at: count(r.exposed_at) ?? 0,
    exposure_id: text(r.exposure_id),
    crossed: count(r.crossed) ?? 0,
    metric: typeof r.metric === 'string' ? r.metric : null,
    pre_sum: count(r.pre_sum),
    pre_events: count(r.pre_events),
    post_sum: count(r.post_sum),
    post_events: count(r.post_events),
  };
}

/** Runs `sql` (reading LOCAL_SOURCE) over the lake at `root`; one object per row. */
export async function runLocalBackfillQuery(root: string, sql: string): Promise<BackfillRow[]> {
  // A computed specifier: bundlers leave it alone, so only the local platform ever loads DuckDB.
  const specifier = '@duckdb/node-api';
  const duck: DuckDb = await import(specifier);
  const instance = await duck.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(viewSql(root));
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRowObjectsJS();
    return rows.map(duckRow);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
