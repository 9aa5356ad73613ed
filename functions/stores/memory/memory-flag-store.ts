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

export function createMemoryFlagStore(
  audit: MemoryAuditLog,
  revision: MemoryConfigRevision = { value: 0 },
): FlagStore {
  const flags = new Map<string, Flag>();
  return {
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
      for (const w of writes) {
        const current = flags.get(w.flag.name);
        const stale =
          w.expectedVersion === null ? current !== undefined : current?.version !== w.expectedVersion;
        if (stale)
          throw new ConflictError(`flag ${w.flag.name} was changed by someone else: read it again and retry`);
      }
      for (const w of writes) flags.set(w.flag.name, structuredClone(w.flag));
      audit.append(entries);
      revision.value++;
    },
  };
}
