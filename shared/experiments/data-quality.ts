/**
 * The data-quality report over the raw event store, per channel and received day: events received,
 * accepted, stored raw, duplicates, late, and rejected by reason. One SQL text for DuckDB locally and
 * Athena on AWS (only the relations and the timestamp parse differ), and the pure fold of its rows
 * into the answer of `GET /api/admin/data-quality`.
 *
 * - received: every event the platform answered (all four outcomes).
 * - late: a received event that is not rejected and whose receivedAt is more than `lateAfterHours`
 *   after its timestamp (default 24 h: branch and ATM uploads overnight are on time).
 * - A record written twice by one retried append (same id, outcome and receivedAt) counts once.
 * - duplicates: resent events the store answered `duplicate`, and a stored event's records after its
 *   first (a resent stored event is answered `stored` again, but it is one event).
 */

export type DataQualityDialect = 'duckdb' | 'athena';

export interface DataQualityQuery {
  environment: string;
  /** First and last received day, `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
  lateAfterHours: number;
}

export interface DataQualityRelations {
  /** The accepted, duplicate and stored records (with `environment` and `day` columns). */
  events: string;
  /** The rejected records. */
  rejected: string;
}

export interface DataQualityRow {
  channel: string;
  day: string;
  outcome: string;
  reason: string;
  n: number;
  late: number;
}

export interface DataQualityCell {
  day: string;
  channel: string;
  received: number;
  accepted: number;
  stored: number;
  duplicates: number;
  late: number;
  rejected: { total: number; byReason: Record<string, number> };
}

export interface DataQualityReport {
  environment: string;
  from: string;
  to: string;
  lateAfterHours: number;
  /** One entry per received day and channel that saw an event, by day then channel. */
  days: DataQualityCell[];
}

/** The channel of a record that named none (a rejected event). */
export const NO_CHANNEL = '(none)';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function parsedTime(dialect: DataQualityDialect, column: string): string {
  return dialect === 'duckdb'
    ? `TRY_CAST(${column} AS TIMESTAMPTZ)`
    : `try(from_iso8601_timestamp(${column}))`;
}

export function dataQualitySql(
  dialect: DataQualityDialect,
  relations: DataQualityRelations,
  q: DataQualityQuery,
): string {
  if (!DAY.test(q.from) || !DAY.test(q.to)) throw new Error('from and to must be YYYY-MM-DD');
  if (!Number.isInteger(q.lateAfterHours) || q.lateAfterHours < 0)
    throw new Error('lateAfterHours must be a whole number');
  const where = `environment = ${literal(q.environment)} AND day BETWEEN ${literal(q.from)} AND ${literal(q.to)}`;
  const columns = 'id, channel, CAST(day AS VARCHAR) AS day, outcome, reason, receivedAt, timestamp';
  const lag = `date_diff('second', ${parsedTime(dialect, 'timestamp')}, ${parsedTime(dialect, 'receivedAt')})`;
  return [
    'SELECT channel, day, outcome, reason, COUNT(*) AS n,',
    `  SUM(CASE WHEN outcome <> 'rejected' AND ${lag} > ${q.lateAfterHours * 3600} THEN 1 ELSE 0 END) AS late`,
    'FROM (',
    // A stored event sent again is answered `stored` again (no statistic holds its id), but it is
    // the same event: every stored record of an id after its first counts as a duplicate.
    "  SELECT channel, day, CASE WHEN outcome = 'stored' AND",
    '      ROW_NUMBER() OVER (PARTITION BY id, outcome ORDER BY receivedAt, channel, timestamp) > 1',
    "    THEN 'duplicate' ELSE outcome END AS outcome, reason, receivedAt, timestamp",
    '  FROM (',
    `    SELECT DISTINCT id, COALESCE(channel, ${literal(NO_CHANNEL)}) AS channel, day, outcome,`,
    `      CASE WHEN outcome = 'rejected' THEN COALESCE(reason, '') ELSE '' END AS reason, receivedAt, timestamp`,
    '    FROM (',
    `      SELECT ${columns} FROM ${relations.events} WHERE ${where}`,
    '      UNION ALL',
    `      SELECT ${columns} FROM ${relations.rejected} WHERE ${where}`,
    '    ) AS kept',
    '  ) AS once',
    ') AS classified',
    'GROUP BY channel, day, outcome, reason',
    'ORDER BY day, channel, outcome, reason',
  ].join('\n');
}

/** The rows of dataQualitySql folded into the report, per day and channel. */
export function dataQualityReport(rows: readonly DataQualityRow[], q: DataQualityQuery): DataQualityReport {
  const cells = new Map<string, DataQualityCell>();
  for (const row of rows) {
    const key = `${row.day}\u0000${row.channel}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        day: row.day,
        channel: row.channel,
        received: 0,
        accepted: 0,
        stored: 0,
        duplicates: 0,
        late: 0,
        rejected: { total: 0, byReason: {} },
      };
      cells.set(key, cell);
    }
    cell.received += row.n;
    cell.late += row.late;
    if (row.outcome === 'accepted') cell.accepted += row.n;
    else if (row.outcome === 'stored') cell.stored += row.n;
    else if (row.outcome === 'duplicate') cell.duplicates += row.n;
    else if (row.outcome === 'rejected') {
      cell.rejected.total += row.n;
      cell.rejected.byReason[row.reason] = (cell.rejected.byReason[row.reason] ?? 0) + row.n;
    }
  }
  const days = [...cells.values()].sort((a, b) =>
    a.day === b.day ? a.channel.localeCompare(b.channel) : a.day.localeCompare(b.day),
  );
  return { environment: q.environment, from: q.from, to: q.to, lateAfterHours: q.lateAfterHours, days };
}
