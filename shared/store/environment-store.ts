/** The port for environments: read, created and updated with their audit entries, and seeded. */
import type { AuditEntry } from '../model/audit';
import type { Environment } from '../model/environment';

export interface EnvironmentStore {
  get(name: string): Promise<Environment | null>;
  list(): Promise<Environment[]>;
  /** Refuses with a ConflictError when the environment exists. */
  create(environment: Environment, audit: AuditEntry[]): Promise<void>;
  /** A stale version refuses with a ConflictError. */
  update(environment: Environment, expectedVersion: number, audit: AuditEntry[]): Promise<void>;
  /** Creates the environments that are missing; for seeding, no audit. */
  ensure(environments: Environment[]): Promise<void>;
}
