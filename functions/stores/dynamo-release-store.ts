/**
 * Release templates and plans in the config table (`pk=release-template`, `pk=release-plan`,
 * `sk=<environment>#<flag>`), each write a compare-and-swap on its version with its audit entries in
 * one transaction; impact metric cells in the metrics table (`pk=release-impact#<env>#<flag>`),
 * added with DynamoDB's ADD in the same transaction as the batch's marker, so a resent batch counts once.
 * Per flag, the last period its potentially-stale notice went out (`pk=release-stale-notice`), moved
 * on only by a conditional update, so concurrent scheduler runs send it once.
 */

import type { AuditEntry } from '../../shared/model/audit';
import type { ImpactCell } from '../../shared/release/impact-metrics';
import type { ReleasePlan } from '../../shared/release/release-plan';
import type { ReleaseStore } from '../../shared/release/release-store';
import type { ReleaseTemplate } from '../../shared/release/release-template';
import {
  type DynamoDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../aws/dynamodb-document';
import { ConditionalCheckFailedException, TransactionCanceledException } from '../aws/dynamodb-errors';
import { auditItems, queryAll, stripKeys, transactGroups } from './dynamo-support';

const TEMPLATE_PK = 'release-template';
const PLAN_PK = 'release-plan';
const impactPk = (environment: string, flag: string) => `release-impact#${environment}#${flag}`;
const BATCH_PK = 'release-impact-batch';
const STALE_NOTICE_PK = 'release-stale-notice';
/** A batch marker is kept 8 days: SDKs resend within minutes. */
const BATCH_TTL_SECONDS = 8 * 24 * 3600;
/** Cells per transaction, beside their marker (DynamoDB takes 100 items). */
const CELLS_PER_TRANSACTION = 90;

export function createDynamoReleaseStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string; metrics: string },
): ReleaseStore {
  async function getItem<T>(pk: string, sk: string): Promise<T | null> {
    const out = await doc.send(
      new GetCommand({ TableName: tables.config, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item ? stripKeys<T>(out.Item) : null;
  }
  async function list<T>(pk: string): Promise<T[]> {
    const items = await queryAll<Record<string, unknown>>(doc, {
      TableName: tables.config,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<T>(i));
  }
  async function put(
    pk: string,
    sk: string,
    item: object,
    expectedVersion: number | null,
    audit: AuditEntry[],
    describe: string,
  ) {
    await transactGroups(doc, [
      {
        items: [
          {
            Put: {
              TableName: tables.config,
              Item: { pk, sk, ...item },
              ...(expectedVersion === null
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'version = :v',
                    ExpressionAttributeValues: { ':v': expectedVersion },
                  }),
            },
          },
          ...audit.flatMap((a) => auditItems(tables.audit, a)),
        ],
        describe,
      },
    ]);
  }
  return {
    getTemplate: (id) => getItem<ReleaseTemplate>(TEMPLATE_PK, id),
    listTemplates: () => list<ReleaseTemplate>(TEMPLATE_PK),
    writeTemplate: (t, v, audit) => put(TEMPLATE_PK, t.id, t, v, audit, `release template ${t.id}`),
    getPlan: (flag, env) => getItem<ReleasePlan>(PLAN_PK, `${env}#${flag}`),
    listPlans: () => list<ReleasePlan>(PLAN_PK),
    writePlan: (p, v, audit) =>
      put(
        PLAN_PK,
        `${p.environment}#${p.flag}`,
        p,
        v,
        audit,
        `release plan of ${p.flag} in ${p.environment}`,
      ),

    async recordImpact(environment, batch, cells) {
      const expiresAt = Math.floor(Date.now() / 1000) + BATCH_TTL_SECONDS;
      for (let i = 0; i < cells.length; i += CELLS_PER_TRANSACTION) {
        const chunk = cells.slice(i, i + CELLS_PER_TRANSACTION);
        try {
          await doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tables.metrics,
                    Item: { pk: BATCH_PK, sk: `${environment}#${batch}#${i}`, expiresAt },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                ...chunk.map((c) => ({
                  Update: {
                    TableName: tables.metrics,
                    Key: { pk: impactPk(environment, c.flag), sk: c.key },
                    UpdateExpression: `SET #type = :type${c.last !== undefined ? ', #last = :last' : ''} ADD #count :count, #sum :sum, #sq :sq`,
                    ExpressionAttributeNames: {
                      '#type': 'type',
                      '#count': 'count',
                      '#sum': 'sum',
                      '#sq': 'sumSquares',
                      ...(c.last !== undefined ? { '#last': 'last' } : {}),
                    },
                    ExpressionAttributeValues: {
                      ':type': c.type,
                      ':count': c.count,
                      ':sum': c.sum,
                      ':sq': c.sumSquares,
                      ...(c.last !== undefined ? { ':last': c.last } : {}),
                    },
                  },
                })),
              ],
            }),
          );
        } catch (e) {
          // The marker exists: this part of the batch was counted before.
          if (
            e instanceof TransactionCanceledException &&
            e.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
          )
            continue;
          throw e;
        }
      }
    },
    async staleNotices() {
      const rows = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': STALE_NOTICE_PK },
      });
      return new Map(rows.map((r) => [String(r.sk), Number(r.period)]));
    },
    async markStaleNotice(flag, period, at) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tables.config,
            Key: { pk: STALE_NOTICE_PK, sk: flag },
            UpdateExpression: 'SET period = :p, noticedAt = :at',
            ConditionExpression: 'attribute_not_exists(period) OR period < :p',
            ExpressionAttributeValues: { ':p': period, ':at': at },
          }),
        );
        return true;
      } catch (e) {
        if (e instanceof ConditionalCheckFailedException) return false;
        throw e;
      }
    },
    async readImpact(environment, flag) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.metrics,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': impactPk(environment, flag) },
        ConsistentRead: true,
      });
      return items.map(
        (i): ImpactCell => ({
          key: String(i.sk),
          flag,
          type: i.type === 'histogram' || i.type === 'gauge' ? i.type : 'counter',
          count: Number(i.count ?? 0),
          sum: Number(i.sum ?? 0),
          sumSquares: Number(i.sumSquares ?? 0),
          ...(i.last !== undefined ? { last: Number(i.last) } : {}),
        }),
      );
    },
  };
}
