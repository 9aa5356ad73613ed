/**
 * The flag store in memory: the same contract as the DynamoDB one (a stale version refuses the
 * whole write with a ConflictError and writes nothing; audit entries chained with the change; the
 * config revision moves with every committed write), for fast tests of route logic.
 */
import { ConflictError } from '../../../shared/model/errors';
import type { Flag } from '../../../shared/model/flag';
import type { FlagStore, FlagWrite } from '../../../shared/store/flag-store';
import type { MemoryAuditLog } from './memory-audit-log';

/** The config revision flags and segments share: it moves with every committed write of either. */
export interface MemoryConfigRevision {
  value: number;
}

/** The flag store, and what lets the experiment store commit flags in the same step as its own write. */
export interface MemoryFlagStore extends FlagStore {
  /** Whether any of the writes is stale (the flag exists where it must not, or at another version). */
  stale(writes: readonly FlagWrite[]): boolean;
  /** Stores the writes and moves the config revision (after `stale` said none is). */
  apply(writes: readonly FlagWrite[]): void;
}

export function createMemoryFlagStore(
  audit: MemoryAuditLog,
  revision: MemoryConfigRevision = { value: 0 },
): MemoryFlagStore {
  const flags = new Map<string, Flag>();
  const isStale = (w: FlagWrite) => {
    const current = flags.get(w.flag.name);
    return w.expectedVersion === null ? current !== undefined : current?.version !== w.expectedVersion;
  };
  const apply = (writes: readonly FlagWrite[]) => {
    for (const w of writes) flags.set(w.flag.name, structuredClone(w.flag));
    if (writes.length > 0) revision.value++;
  };
  return {
    stale: (writes) => writes.some(isStale),
    apply,
    get: async (name) => {
      const flag = flags.get(name);
      return flag ? structuredClone(flag) : null;
    },
    list: async () =>
      [...flags.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => structuredClone(f)),
    revision: async () => String(revision.value),
    async write(writes: FlagWrite[], entries) {
      // As in DynamoDB, audit entries commit with a flag's write: none without one.
      if (writes.length === 0) return;
      for (const w of writes)
        if (isStale(w))
          throw new ConflictError(`flag ${w.flag.name} was changed by someone else: read it again and retry`);
      apply(writes);
      audit.append(entries);
    },
  };
}
