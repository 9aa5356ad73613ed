/**
 * The port for API tokens, kept under a peppered hash: looked up by secret digest or public id,
 * listed, created, seeded, revoked and re-keyed.
 */
import type { AuditEntry } from '../model/audit';
import type { TokenRecord } from '../model/token';

/**
 * Tokens, keyed by a peppered hash the store computes itself: callers hand it SHA-256(secret)
 * (`hashToken`), never the stored key.
 */
export interface TokenStore {
  /** The token whose secret has this SHA-256, peppered or legacy; null when there is none. */
  get(digest: string): Promise<TokenRecord | null>;
  /** The token with this public id (a legacy record's id is its hash). */
  getById(id: string): Promise<TokenRecord | null>;
  /** Every token, oldest first, each with its public `id`. */
  list(): Promise<TokenRecord[]>;
  /** The stored key of the token whose secret has this SHA-256 (an HMAC under the pepper). */
  keyFor(digest: string): Promise<string>;
  /**
   * `token.hash` is the stored key (`keyFor`), so a held mint's change request never carries the
   * secret's bare hash; `token.id` must be set.
   */
  create(token: TokenRecord, audit: AuditEntry[]): Promise<void>;
  /** Idempotent put without audit, for the local platform's seeded tokens (`hash` is SHA-256(secret)). */
  seed(tokens: TokenRecord[]): Promise<void>;
  /** By public id. Refuses with a NotFoundError when there is no such token. */
  revoke(id: string, audit: AuditEntry[]): Promise<void>;
  /**
   * Re-keys records stored before the pepper (bare SHA-256, no id) under the pepper, with a new
   * id; needs no secret. Returns how many it moved.
   */
  migrateLegacy(): Promise<number>;
}
