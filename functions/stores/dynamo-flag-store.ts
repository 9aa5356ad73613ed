import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import type { FlagStore, FlagWrite } from '../../shared/store/flag-store';
import { auditItems, queryAll, stripKeys, type TransactItem, transactGroups } from './dynamo-support';

const PK = 'flag';

/** A flag's conditional put, for any transaction that changes flags (experiments write theirs too). */
export function flagPutItem(table: string, w: FlagWrite): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { pk: PK, sk: w.flag.name, ...w.flag },
      ...(w.expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': w.expectedVersion } }),
    },
  };
}

export function createDynamoFlagStore(
  doc: DynamoDBDocumentClient,
  tables: { config: string; audit: string },
): FlagStore {
  return {
    async get(name) {
      const out = await doc.send(new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: name } }));
      return out.Item ? stripKeys<Flag>(out.Item) : null;
    },
    async list() {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
      });
      return items.map((i) => stripKeys<Flag>(i));
    },
    async write(writes: FlagWrite[], audit: AuditEntry[]) {
      const byFlag = new Map<string, AuditEntry[]>();
      const other: AuditEntry[] = [];
      for (const a of audit) {
        if (a.target.type === 'flag' && writes.some((w) => w.flag.name === a.target.id)) {
          byFlag.set(a.target.id, [...(byFlag.get(a.target.id) ?? []), a]);
        } else other.push(a);
      }
      const groups = writes.map((w, i) => {
        const put = flagPutItem(tables.config, w);
        const entries = [...(byFlag.get(w.flag.name) ?? []), ...(i === 0 ? other : [])];
        return {
          items: [put, ...entries.flatMap((e) => auditItems(tables.audit, e))],
          describe: `flag ${w.flag.name}`,
        };
      });
      await transactGroups(doc, groups);
    },
  };
}
