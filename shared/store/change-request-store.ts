/**
 * The ports for change requests (versioned, written with their audit entries) and for operators'
 * notifications (guardrail halts, failed scheduled changes, emergencies).
 */
import type { ChangeRequest, ChangeRequestStatus } from '../governance/change-request';
import type { Notification } from '../governance/notification';
import type { AuditEntry } from '../model/audit';

export interface ChangeRequestStore {
  get(id: string): Promise<ChangeRequest | null>;
  /** Newest first. */
  list(query?: { statuses?: readonly ChangeRequestStatus[] }): Promise<ChangeRequest[]>;
  /** `expectedVersion` null: must not exist yet. A stale version refuses with a ConflictError. */
  write(cr: ChangeRequest, expectedVersion: number | null, audit: AuditEntry[]): Promise<void>;
}

export interface NotificationStore {
  add(notification: Notification): Promise<void>;
  /** Newest first. */
  list(limit?: number): Promise<Notification[]>;
}
