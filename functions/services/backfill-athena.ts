/**
 * Runs the backfill query on AWS: Athena over the raw event store's Glue table, the same SQL text
 * as DuckDB runs locally (only the relation it reads is the table's name). A thin client of three
 * Athena calls (start, wait, page through the results) over signed fetch, so no Athena SDK enters
 * a bundle; its tests check the request it sends.
 */
import type { BackfillRow } from '../../shared/experiments/backfill';
import { BACKFILL_COLUMNS } from '../../shared/experiments/backfill-sql';
import { type AwsCall, awsRequest, type CredentialSource } from '../aws/aws-request';

export interface AthenaTarget {
  region: string;
  database: string;
  table: string;
  workGroup: string;
  /** s3://bucket/prefix/ where Athena writes the query's result files (absent: the workgroup's). */
  outputLocation?: string;
  /** Tests point it at a local server. */
  host?: string;
  protocol?: 'https:' | 'http:';
}

export type AwsSend = (call: AwsCall) => Promise<Response>;

/** The relation the query reads on Athena: the Glue table, quoted. */
export function athenaSource(t: Pick<AthenaTarget, 'database' | 'table'>): string {
  return `"${t.database.replace(/"/g, '""')}"."${t.table.replace(/"/g, '""')}"`;
}

function caller(t: AthenaTarget, send: AwsSend) {
  return async (action: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await send({
      service: 'athena',
      region: t.region,
      method: 'POST',
      host: t.host ?? `athena.${t.region}.amazonaws.com`,
      path: '/',
      protocol: t.protocol ?? 'https:',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonAthena.${action}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Athena ${action} failed (${res.status}): ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
}

interface AthenaRow {
  Data?: { VarCharValue?: string }[];
}

/** Runs `sql` on Athena and reads every row (the first row of the first page is the header). */
export async function runAthenaBackfillQuery(
  target: AthenaTarget,
  sql: string,
  options: {
    credentials?: CredentialSource;
    send?: AwsSend;
    pollMs?: number;
    sleep?: (ms: number) => Promise<void>;
  } = {},
): Promise<BackfillRow[]> {
  const send = options.send ?? ((call: AwsCall) => awsRequest(call, options.credentials));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const call = caller(target, send);
  const started = await call('StartQueryExecution', {
    QueryString: sql,
    WorkGroup: target.workGroup,
    QueryExecutionContext: { Database: target.database },
    ...(target.outputLocation ? { ResultConfiguration: { OutputLocation: target.outputLocation } } : {}),
  });
  const id = String(started.QueryExecutionId);
  for (;;) {
    const state = await call('GetQueryExecution', { QueryExecutionId: id });
    const status = (
      state.QueryExecution as { Status?: { State?: string; StateChangeReason?: string } } | undefined
    )?.Status;
    if (status?.State === 'SUCCEEDED') break;
    if (status?.State === 'FAILED' || status?.State === 'CANCELLED')
      throw new Error(`Athena query ${id} ${status.State}: ${status.StateChangeReason ?? ''}`);
    await sleep(options.pollMs ?? 1000);
  }
  const rows: BackfillRow[] = [];
  let token: string | undefined;
  let header = true;
  do {
    const page = await call('GetQueryResults', {
      QueryExecutionId: id,
      MaxResults: 1000,
      ...(token ? { NextToken: token } : {}),
    });
    const data = ((page.ResultSet as { Rows?: AthenaRow[] } | undefined)?.Rows ?? []).map((r) =>
      (r.Data ?? []).map((d) => d.VarCharValue ?? null),
    );
    for (const cells of header ? data.slice(1) : data) rows.push(athenaRow(cells));
    header = false;
    token = typeof page.NextToken === 'string' ? page.NextToken : undefined;
  } while (token);
  return rows;
}

function athenaRow(cells: (string | null)[]): BackfillRow {
  const at = (c: (typeof BACKFILL_COLUMNS)[number]) => cells[BACKFILL_COLUMNS.indexOf(c)] ?? null;
  return {
    unit_id: at('unit_id') ?? '',
    variant: at('variant') ?? '',
    channel: at('channel') ?? '',
    exposed_at: at('exposed_at') ?? '0',
    exposure_id: at('exposure_id') ?? '',
    crossed: at('crossed') ?? '0',
    metric: at('metric'),
    pre_sum: at('pre_sum'),
    pre_events: at('pre_events'),
    post_sum: at('post_sum'),
    post_events: at('post_events'),
  };
}
