/**
 * The port for segments: read, given fresh ids, and written with their audit entries under optimistic
 * versions.
 */
import type { AuditEntry } from '../model/audit';
import type { SegmentDefinition } from '../model/flag';

export interface SegmentWrite {
  segment: SegmentDefinition;
  expectedVersion: number | null;
}

export interface SegmentStore {
  get(id: number): Promise<SegmentDefinition | null>;
  list(): Promise<SegmentDefinition[]>;
  /** A fresh id for a new segment, unique across concurrent writers. */
  nextId(): Promise<number>;
  write(writes: SegmentWrite[], audit: AuditEntry[]): Promise<void>;
}
