import type { AuditEntry, AuditTargetType } from '../model/audit';

export interface AuditQuery {
  limit?: number;
}

/** Audit entries are written by the other stores, in the transaction of the change they record. */
export interface AuditStore {
  /** Newest first. */
  listByTarget(type: AuditTargetType, id: string, query?: AuditQuery): Promise<AuditEntry[]>;
  /** Newest first. */
  listByEnvironment(environment: string, query?: AuditQuery): Promise<AuditEntry[]>;
}
