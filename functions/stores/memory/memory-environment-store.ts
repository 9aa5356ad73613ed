/**
 * The environment store in memory: the same contract as the DynamoDB one (create refuses an
 * existing name, update a stale version, both with a ConflictError; audit entries chained with
 * the change; `ensure` seeds what is missing without audit).
 */
import { type Environment, isProtected } from '../../../shared/model/environment';
import { ConflictError } from '../../../shared/model/errors';
import type { EnvironmentStore } from '../../../shared/store/environment-store';
import type { MemoryAuditLog } from './memory-audit-log';

export function createMemoryEnvironmentStore(audit: MemoryAuditLog): EnvironmentStore {
  const environments = new Map<string, Environment>();
  // Environments stored before governance carry no `protected`: production ones are.
  const read = (e: Environment): Environment => ({ ...structuredClone(e), protected: isProtected(e) });
  return {
    get: async (name) => {
      const e = environments.get(name);
      return e ? read(e) : null;
    },
    list: async () => [...environments.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(read),
    async create(environment, entries) {
      if (environments.has(environment.name))
        throw new ConflictError(`environment ${environment.name} exists`, 'ALREADY_EXISTS');
      environments.set(environment.name, structuredClone(environment));
      audit.append(entries);
    },
    async update(environment, expectedVersion, entries) {
      if (environments.get(environment.name)?.version !== expectedVersion)
        throw new ConflictError(
          `environment ${environment.name} was changed by someone else: read it again and retry`,
        );
      environments.set(environment.name, structuredClone(environment));
      audit.append(entries);
    },
    async ensure(missing) {
      for (const e of missing) if (!environments.has(e.name)) environments.set(e.name, structuredClone(e));
    },
  };
}
