import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../shared/model/audit';
import type { AuditStore } from '../../shared/store/audit-store';
import { CHAIN_PK, queryAll, readChainHead, stripKeys } from './dynamo-support';

export function createDynamoAuditStore(doc: DynamoDBDocumentClient, tables: { audit: string }): AuditStore {
  const list = async (pk: string, limit = 100) => {
    const items = await queryAll<Record<string, unknown>>(doc, {
      TableName: tables.audit,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: limit,
    });
    return items.slice(0, limit).map((i) => stripKeys<AuditEntry>(i));
  };
  return {
    listByTarget: (type, id, query) => list(`${type}#${id}`, query?.limit),
    listByEnvironment: (environment, query) => list(`env#${environment}`, query?.limit),
    async chain() {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': CHAIN_PK },
        ConsistentRead: true,
      });
      return items.map((i) => stripKeys<AuditEntry>(i));
    },
    head: () => readChainHead(doc, tables.audit),
  };
}
