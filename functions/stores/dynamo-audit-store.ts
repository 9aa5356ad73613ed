/**
 * Audit entries as readers see them: per target and per environment, each copy checked against
 * the chain's own entry of its sequence (`verified`), and the chain's head with the anchored one.
 */

import { entryHash, sequenceKey } from '../../shared/governance/audit-chain';
import type { AuditEntry } from '../../shared/model/audit';
import type { AuditAnchor } from '../../shared/store/audit-anchor';
import type { AuditStore } from '../../shared/store/audit-store';
import { BatchGetCommand, type DynamoDocumentClient } from '../aws/dynamodb-document';
import { CHAIN_PK, queryAll, readChainHead, stripKeys } from './dynamo-support';

export function createDynamoAuditStore(
  doc: DynamoDocumentClient,
  tables: { audit: string },
  anchor?: AuditAnchor,
): AuditStore {
  /** The chain's entries of these sequences, by sequence. */
  const chainEntriesOf = async (sequences: number[]) => {
    const found = new Map<number, AuditEntry>();
    const unique = [...new Set(sequences)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique
        .slice(i, i + 100)
        .map((s) => ({ pk: CHAIN_PK, sk: sequenceKey(s) }));
      while (keys && keys.length > 0) {
        const out = await doc.send(
          new BatchGetCommand({ RequestItems: { [tables.audit]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[tables.audit] ?? []) {
          const e = stripKeys<AuditEntry>(item);
          found.set(e.sequence!, e);
        }
        keys = out.UnprocessedKeys?.[tables.audit]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  };

  const list = async (pk: string, limit = 100) => {
    const items = await queryAll<Record<string, unknown>>(doc, {
      TableName: tables.audit,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: limit,
    });
    const copies = items.slice(0, limit).map((i) => stripKeys<AuditEntry>(i));
    const chain = await chainEntriesOf(copies.flatMap((c) => (c.sequence === undefined ? [] : [c.sequence])));
    // A copy is verified when it is the chain's entry of its sequence, unaltered.
    return copies.map((c) => {
      const original = c.sequence === undefined ? undefined : chain.get(c.sequence);
      const verified =
        original !== undefined &&
        original.hash === c.hash &&
        entryHash(c) === c.hash &&
        entryHash(original) === original.hash;
      return { ...c, verified };
    });
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
    async head() {
      // The anchor first: it is written after each commit, so read before the table's head it can
      // only be behind it, never ahead, unless the chain was rolled back.
      const anchored = anchor ? await anchor.latest() : null;
      const head = await readChainHead(doc, tables.audit);
      return anchored ? { ...head, anchored } : head;
    },
  };
}
