/**
 * The segment store in memory: the same contract as the DynamoDB one (fresh ids from a counter,
 * a stale version refuses the whole write with a ConflictError, audit entries chained with the
 * change, the config revision moved with every committed write).
 */
import { ConflictError } from '../../../shared/model/errors';
import type { SegmentDefinition } from '../../../shared/model/flag';
import type { SegmentStore } from '../../../shared/store/segment-store';
import type { MemoryAuditLog } from './memory-audit-log';
import type { MemoryConfigRevision } from './memory-flag-store';

export function createMemorySegmentStore(
  audit: MemoryAuditLog,
  revision: MemoryConfigRevision = { value: 0 },
): SegmentStore {
  const segments = new Map<number, SegmentDefinition>();
  let lastId = 0;
  return {
    get: async (id) => {
      const s = segments.get(id);
      return s ? structuredClone(s) : null;
    },
    list: async () => [...segments.values()].sort((a, b) => a.id - b.id).map((s) => structuredClone(s)),
    nextId: async () => ++lastId,
    async write(writes, entries) {
      if (writes.length === 0) return;
      for (const w of writes) {
        const current = segments.get(w.segment.id);
        const stale =
          w.expectedVersion === null ? current !== undefined : current?.version !== w.expectedVersion;
        if (stale)
          throw new ConflictError(
            `segment ${w.segment.id} was changed by someone else: read it again and retry`,
          );
      }
      for (const w of writes) segments.set(w.segment.id, structuredClone(w.segment));
      audit.append(entries);
      revision.value++;
    },
  };
}
