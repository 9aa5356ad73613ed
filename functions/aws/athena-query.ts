/**
 * One Athena query over signed fetch (functions/aws/aws-request.ts), no Athena SDK in a bundle:
 * StartQueryExecution in the workgroup (its result location and scan limit), GetQueryExecution until
 * it ends, then GetQueryResults page by page. Rows come back as objects of strings (Athena's
 * VarCharValue) keyed by the header row's column names.
 */
import { type AwsCall, awsRequest, type CredentialSource } from './aws-request';

export interface AthenaQueryTarget {
  region: string;
  database: string;
  workgroup: string;
  /** Tests point it at a local server. */
  host?: string;
  protocol?: 'https:' | 'http:';
}

export interface AthenaQueryOptions {
  credentials?: CredentialSource;
  send?: (call: AwsCall) => Promise<Response>;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function runAthenaQuery(
  target: AthenaQueryTarget,
  sql: string,
  options: AthenaQueryOptions = {},
): Promise<Record<string, string | null>[]> {
  const send = options.send ?? ((call: AwsCall) => awsRequest(call, options.credentials));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const call = async (action: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await send({
      service: 'athena',
      region: target.region,
      method: 'POST',
      host: target.host ?? `athena.${target.region}.amazonaws.com`,
      path: '/',
      protocol: target.protocol ?? 'https:',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonAthena.${action}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Athena ${action} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const started = await call('StartQueryExecution', {
    QueryString: sql,
    WorkGroup: target.workgroup,
    QueryExecutionContext: { Database: target.database },
  });
  const id = String(started.QueryExecutionId);
  for (;;) {
    const execution = await call('GetQueryExecution', { QueryExecutionId: id });
    const status = (execution.QueryExecution as { Status?: { State?: string; StateChangeReason?: string } })
      ?.Status;
    if (status?.State === 'SUCCEEDED') break;
    if (status?.State === 'FAILED' || status?.State === 'CANCELLED')
      throw new Error(`Athena query ${id} ${status.State}: ${status.StateChangeReason ?? ''}`);
    await sleep(options.pollMs ?? 500);
  }
  const rows: Record<string, string | null>[] = [];
  let header: string[] | undefined;
  let token: string | undefined;
  do {
    const page = await call('GetQueryResults', {
      QueryExecutionId: id,
      MaxResults: 1000,
      ...(token ? { NextToken: token } : {}),
    });
    const data = ((page.ResultSet as { Rows?: { Data?: { VarCharValue?: string }[] }[] })?.Rows ?? []).map(
      (r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null),
    );
    for (const cells of data) {
      if (!header) {
        header = cells.map((c) => c ?? '');
        continue;
      }
      rows.push(Object.fromEntries(header.map((name, i) => [name, cells[i] ?? null])));
    }
    token = typeof page.NextToken === 'string' ? page.NextToken : undefined;
  } while (token);
  return rows;
}
