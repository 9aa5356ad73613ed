import type { AuditEntry } from '../model/audit';
import type { TokenRecord } from '../model/token';

export interface TokenStore {
  get(hash: string): Promise<TokenRecord | null>;
  list(): Promise<TokenRecord[]>;
  create(token: TokenRecord, audit: AuditEntry[]): Promise<void>;
  /** Idempotent put without audit, for the local platform's seeded tokens. */
  seed(tokens: TokenRecord[]): Promise<void>;
  /** Refuses with a NotFoundError when there is no such token. */
  revoke(hash: string, audit: AuditEntry[]): Promise<void>;
}
