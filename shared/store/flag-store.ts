/**
 * The port for flags: read, written with their audit entries under optimistic versions, and the config
 * revision that tells a stream when to reread.
 */
import type { AuditEntry } from '../model/audit';
import type { Flag } from '../model/flag';

/** One flag write: `expectedVersion` null means the flag must not exist yet. */
export interface FlagWrite {
  flag: Flag;
  expectedVersion: number | null;
}

export interface FlagStore {
  get(name: string): Promise<Flag | null>;
  list(): Promise<Flag[]>;
  /**
   * The config revision: a marker that moves with every committed write of flags or segments, read
   * with one small read, so an open stream reads the flags only when it moved.
   */
  revision?(): Promise<string>;
  /**
   * Writes the flags and their audit entries together: a stale version refuses the write with a
   * ConflictError and nothing is written. Many writes (an import) commit in chunks; each flag
   * commits with its own audit entries.
   */
  write(writes: FlagWrite[], audit: AuditEntry[]): Promise<void>;
}
