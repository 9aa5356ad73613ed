/** Flags in DynamoDB: one config-table partition, versioned puts in one transaction with their audit entries and the config revision the streams read. */

import { auditDiff } from '../../shared/governance/audit-diff';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import type { FlagStore, FlagWrite } from '../../shared/store/flag-store';
import { type DynamoDocumentClient, GetCommand } from '../aws/dynamodb-document';
import { configRevisionBump, readConfigRevision } from './dynamo-config-revision';
import {
  allowHeadroom,
  auditItems,
  queryAll,
  stripKeys,
  type TransactItem,
  transactGroups,
} from './dynamo-support';
import { itemSize, MAX_ITEM_BYTES } from './item-size';

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

/** Bookkeeping a write always changes. */
const BOOKKEEPING = new Set(['version', 'updatedAt', 'updatedBy']);

/**
 * True when `after` only switches `before` off: environments or channels going from on to off,
 * nothing else but bookkeeping. Such a write may use the headroom above MAX_ITEM_BYTES, so the
 * kill switch works on any flag, even one stored before the limit existed.
 */
export function isSwitchOff(before: Flag, after: Flag): boolean {
  return auditDiff(before, after).every((c) => {
    const [top, , field] = c.path;
    if (c.path.length === 1 && BOOKKEEPING.has(String(top))) return true;
    const goesOff = c.before === true && (c.after === false || !('after' in c));
    if (top !== 'environments' || !goesOff) return false;
    return (c.path.length === 3 && field === 'enabled') || (c.path.length === 4 && field === 'channels');
  });
}

export function createDynamoFlagStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): FlagStore {
  const get = async (name: string) => {
    const out = await doc.send(new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: name } }));
    return out.Item ? stripKeys<Flag>(out.Item) : null;
  };
  return {
    get,
    revision: () => readConfigRevision(doc, tables.config),
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
      const groups = [];
      for (const [i, w] of writes.entries()) {
        let put = flagPutItem(tables.config, w);
        if (w.expectedVersion !== null && itemSize(put.Put!.Item!) > MAX_ITEM_BYTES) {
          const stored = await get(w.flag.name);
          if (stored && isSwitchOff(stored, w.flag)) put = allowHeadroom(put);
        }
        const entries = [...(byFlag.get(w.flag.name) ?? []), ...(i === 0 ? other : [])];
        groups.push({
          items: [put, ...entries.flatMap((e) => auditItems(tables.audit, e))],
          describe: `flag ${w.flag.name}`,
        });
      }
      await transactGroups(doc, groups, { eachCommit: configRevisionBump(tables.config) });
    },
  };
}
