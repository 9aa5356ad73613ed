/** Change requests and notifications in DynamoDB: one partition each in the config table, read consistently, written with their audit entries. */

import type { ChangeRequest } from '../../shared/governance/change-request';
import type { Notification } from '../../shared/governance/notification';
import type { ChangeRequestStore, NotificationStore } from '../../shared/store/change-request-store';
import { type DynamoDocumentClient, GetCommand, PutCommand } from '../aws/dynamodb-document';
import { auditItems, queryAll, stripKeys, transactGroups } from './dynamo-support';

const PK = 'change-request';

export function createDynamoChangeRequestStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): ChangeRequestStore {
  return {
    async get(id) {
      const out = await doc.send(
        new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: id }, ConsistentRead: true }),
      );
      return out.Item ? stripKeys<ChangeRequest>(out.Item) : null;
    },
    async list(query) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      });
      const all = items.map((i) => stripKeys<ChangeRequest>(i));
      const wanted = query?.statuses;
      return all
        .filter((cr) => !wanted || wanted.includes(cr.status))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    },
    async write(cr, expectedVersion, audit) {
      await transactGroups(doc, [
        {
          items: [
            {
              Put: {
                TableName: tables.config,
                Item: { pk: PK, sk: cr.id, ...cr },
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
          describe: `change request ${cr.id}`,
        },
      ]);
    },
  };
}

export function createDynamoNotificationStore(
  doc: DynamoDocumentClient,
  tables: { config: string },
): NotificationStore {
  const PK_N = 'notification';
  return {
    async add(n) {
      await doc.send(
        new PutCommand({ TableName: tables.config, Item: { pk: PK_N, sk: `${n.at}#${n.id}`, ...n } }),
      );
    },
    async list(limit = 100) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK_N },
        ScanIndexForward: false,
        Limit: limit,
      });
      return items.slice(0, limit).map((i) => stripKeys<Notification>(i));
    },
  };
}
