/**
 * The Athena runner sends the backfill's one SQL text (the one DuckDB runs, reading the Glue table
 * instead of the local view) and reads the paged answer back into rows; checked against a fake
 * Athena that records what it was sent.
 */
import { describe, expect, it } from 'vitest';
import type { AwsCall } from '../../functions/aws/aws-request';
import { athenaSource, runAthenaBackfillQuery } from '../../functions/services/backfill-athena';
import { LOCAL_SOURCE } from '../../functions/services/backfill-duckdb';
import { BACKFILL_COLUMNS, backfillSql } from '../../shared/experiments/backfill-sql';

const query = (source: string) =>
  backfillSql({
    source,
    environment: 'production',
    experiment: "o'brien-test",
    unit: 'household',
    metrics: [{ key: 'loan', kind: 'conversion' }],
    stitch: false,
  });

describe('backfill on Athena', () => {
  it('sends the same SQL as DuckDB runs, on the Glue table, and reads every page', async () => {
    const target = { region: 'eu-west-1', database: 'omnilab_raw', table: 'events', workGroup: 'omnilab' };
    const sent: { target: string; body: Record<string, unknown> }[] = [];
    let polls = 0;
    const header = { Data: BACKFILL_COLUMNS.map((c) => ({ VarCharValue: c })) };
    const row = (unit: string, metric?: string) => ({
      Data: [unit, 'control', 'web', '1796119200000', `x-${unit}`, '0', metric, '0', '0', '10000', '1'].map(
        (v) => (v === undefined ? {} : { VarCharValue: v }),
      ),
    });
    const send = async (call: AwsCall): Promise<Response> => {
      const action = call.headers?.['x-amz-target'] ?? '';
      const body = JSON.parse(call.body ?? '{}') as Record<string, unknown>;
      sent.push({ target: action, body });
      expect(call.host).toBe('athena.eu-west-1.amazonaws.com');
      if (action.endsWith('StartQueryExecution')) return Response.json({ QueryExecutionId: 'q1' });
      if (action.endsWith('GetQueryExecution'))
        return Response.json({
          QueryExecution: { Status: { State: polls++ < 1 ? 'RUNNING' : 'SUCCEEDED' } },
        });
      if (body.NextToken === undefined)
        return Response.json({ ResultSet: { Rows: [header, row('h1', 'loan')] }, NextToken: 'page2' });
      return Response.json({ ResultSet: { Rows: [row('h2')] } });
    };
    const sql = query(athenaSource(target));
    const rows = await runAthenaBackfillQuery(target, sql, { send, sleep: async () => {} });

    const start = sent[0];
    expect(start.target).toBe('AmazonAthena.StartQueryExecution');
    expect(start.body).toEqual({
      QueryString: sql,
      WorkGroup: 'omnilab',
      QueryExecutionContext: { Database: 'omnilab_raw' },
    });
    // One text: DuckDB's with its view swapped for the table.
    expect(sql).toBe(query(LOCAL_SOURCE).replace(`FROM ${LOCAL_SOURCE} r`, 'FROM "omnilab_raw"."events" r'));
    expect(sql).toContain("'o''brien-test'");
    expect(sent.map((s) => s.target.replace('AmazonAthena.', ''))).toEqual([
      'StartQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryResults',
      'GetQueryResults',
    ]);
    expect(rows).toEqual([
      expect.objectContaining({
        unit_id: 'h1',
        metric: 'loan',
        post_sum: '10000',
        exposed_at: '1796119200000',
      }),
      expect.objectContaining({ unit_id: 'h2', metric: null }),
    ]);
  });

  it('names the failure when the query fails', async () => {
    const target = { region: 'eu-west-1', database: 'd', table: 't', workGroup: 'w' };
    const send = async (call: AwsCall): Promise<Response> =>
      call.headers?.['x-amz-target']?.endsWith('StartQueryExecution')
        ? Response.json({ QueryExecutionId: 'q2' })
        : Response.json({
            QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND' } },
          });
    await expect(runAthenaBackfillQuery(target, 'SELECT 1', { send, sleep: async () => {} })).rejects.toThrow(
      'TABLE_NOT_FOUND',
    );
  });
});
