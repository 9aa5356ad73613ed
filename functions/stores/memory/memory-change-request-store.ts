/**
 * The change request and notification stores in memory: the same contract as the DynamoDB ones
 * (a write conditional on the version read, `null` for a new one; lists newest first; audit
 * entries chained with the change).
 */
import type { ChangeRequest } from '../../../shared/governance/change-request';
import type { Notification } from '../../../shared/governance/notification';
import { ConflictError } from '../../../shared/model/errors';
import type { ChangeRequestStore, NotificationStore } from '../../../shared/store/change-request-store';
import type { MemoryAuditLog } from './memory-audit-log';

export function createMemoryChangeRequestStore(audit: MemoryAuditLog): ChangeRequestStore {
  const requests = new Map<string, ChangeRequest>();
  return {
    get: async (id) => {
      const cr = requests.get(id);
      return cr ? structuredClone(cr) : null;
    },
    list: async (query) =>
      [...requests.values()]
        .filter((cr) => !query?.statuses || query.statuses.includes(cr.status))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
        .map((cr) => structuredClone(cr)),
    async write(cr, expectedVersion, entries) {
      const current = requests.get(cr.id);
      const stale = expectedVersion === null ? current !== undefined : current?.version !== expectedVersion;
      if (stale)
        throw new ConflictError(
          `change request ${cr.id} was changed by someone else: read it again and retry`,
        );
      requests.set(cr.id, structuredClone(cr));
      audit.append(entries);
    },
  };
}

export function createMemoryNotificationStore(): NotificationStore {
  const notifications = new Map<string, Notification>();
  return {
    add: async (n) => {
      notifications.set(`${n.at}#${n.id}`, structuredClone(n));
    },
    list: async (limit = 100) =>
      [...notifications]
        .sort(([a], [b]) => (a < b ? 1 : -1))
        .slice(0, limit)
        .map(([, n]) => structuredClone(n)),
  };
}
