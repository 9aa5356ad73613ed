/** Where context field definitions and tag types are kept (shared/model/unleash-definitions.ts). */
import type { AuditEntry } from '../model/audit';
import type {
  ContextFieldDefinition,
  DefinitionWrite,
  TagTypeDefinition,
} from '../model/unleash-definitions';

export interface DefinitionStore {
  listContextFields(): Promise<ContextFieldDefinition[]>;
  listTagTypes(): Promise<TagTypeDefinition[]>;
  /** Each write with its audit entries; a stale version refuses it with a ConflictError. */
  write(writes: DefinitionWrite[], audit: AuditEntry[]): Promise<void>;
}
