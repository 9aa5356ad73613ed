/** The port for reading the audit trail: entries by target or environment, the whole chain and its head. */
import type { ChainHead } from '../governance/audit-chain';
import type { AuditEntry, AuditTargetType } from '../model/audit';

export interface AuditQuery {
  limit?: number;
}

/**
 * Audit entries are written by the other stores, in the transaction of the change they record,
 * and chained there (shared/governance/audit-chain.ts).
 */
export interface AuditStore {
  /** Newest first. */
  listByTarget(type: AuditTargetType, id: string, query?: AuditQuery): Promise<AuditEntry[]>;
  /** Newest first. */
  listByEnvironment(environment: string, query?: AuditQuery): Promise<AuditEntry[]>;
  /** The whole chain, oldest first: what verification and exports read. */
  chain(): Promise<AuditEntry[]>;
  /** Where the chain ends: the last sequence and its hash (sequence 0 before the first entry). */
  head(): Promise<ChainHead>;
}
