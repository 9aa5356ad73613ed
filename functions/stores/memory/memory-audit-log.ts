/**
 * The audit chain in memory: entries appended by the in-memory stores with the change they
 * record, chained as the DynamoDB stores chain them (shared/governance/audit-chain.ts), and read
 * through the AuditStore interface.
 */
import { type ChainHead, chainEntries, GENESIS_HASH } from '../../../shared/governance/audit-chain';
import type { AuditEntry } from '../../../shared/model/audit';
import type { AuditStore } from '../../../shared/store/audit-store';
import { auditStreams, compactAuditEntry } from '../dynamo-support';

export interface MemoryAuditLog {
  /** Chains and keeps the entries, in order, in the same step as the change they record. */
  append(entries: readonly AuditEntry[]): void;
  store: AuditStore;
}

export function createMemoryAuditLog(): MemoryAuditLog {
  const chain: AuditEntry[] = [];
  let head: ChainHead = { sequence: 0, hash: GENESIS_HASH };
  /** Newest first per stream: `${at}#${id}` descending, as the DynamoDB store lists them. */
  const listed = (stream: string, limit = 100) =>
    chain
      .filter((e) => auditStreams(e).includes(stream))
      .sort((a, b) => (`${a.at}#${a.id}` < `${b.at}#${b.id}` ? 1 : -1))
      .slice(0, limit)
      .map((e) => ({ ...structuredClone(e), verified: true }));
  return {
    append(entries) {
      if (entries.length === 0) return;
      const chained = chainEntries(head, entries.map(compactAuditEntry));
      chain.push(...chained.map((e) => structuredClone(e)));
      const last = chained[chained.length - 1];
      head = { sequence: last.sequence ?? head.sequence, hash: last.hash ?? head.hash };
    },
    store: {
      listByTarget: async (type, id, query) => listed(`${type}#${id}`, query?.limit),
      listByEnvironment: async (environment, query) => listed(`env#${environment}`, query?.limit),
      chain: async () => chain.map((e) => structuredClone(e)),
      head: async () => ({ ...head }),
    },
  };
}
