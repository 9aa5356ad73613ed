/**
 * API tokens. The secret is shown once, on creation, and never stored: the table keys a token by
 * an HMAC of the secret's SHA-256 under a pepper from configuration (Secrets Manager on AWS), so a
 * leaked table does not confirm a guessed token, and lists it by a random id. The secret looks like
 * `<kind>:<environment or squad>.<hex>`, as Unleash SDKs send it verbatim. An admin token belongs
 * to a person (shared/model/person.ts).
 */

export const TOKEN_KINDS = ['client', 'frontend', 'admin'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * Where a client token is used. `server` (the default, and every token made before this field):
 * back ends and official Unleash SDKs, served plain targeting values. `app`: a key that ships in a
 * browser, mobile app or mini program, served sensitive targeting values as salted hashes
 * (shared/model/hide-targeting.ts), whatever the request asks.
 */
export const TOKEN_AUDIENCES = ['server', 'app'] as const;
export type TokenAudience = (typeof TOKEN_AUDIENCES)[number];

/**
 * `auditor` is risk and audit: reads everything, verifies and exports the audit chain, approves
 * or rejects change requests, and changes nothing itself.
 */
export const ADMIN_ROLES = ['platform-admin', 'squad', 'product-owner', 'auditor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export interface TokenRecord {
  /**
   * The key it is looked up by: hex HMAC-SHA-256(pepper, SHA-256(secret)). Records written before
   * the pepper (no `id`) hold the bare SHA-256; they still authenticate, and are re-keyed without
   * their secrets by `TokenStore.migrateLegacy`. Stores take and give SHA-256(secret) in `get`.
   */
  hash: string;
  /** The public id, random: what listings show and revocation takes. Legacy records: their hash. */
  id?: string;
  /** Who is acting, for the audit log. */
  name: string;
  /** For admin tokens: the person it belongs to, the normalised name (shared/model/person.ts). */
  person?: string;
  /** The person who minted it (absent for seeded and bootstrap tokens). */
  createdBy?: string;
  kind: TokenKind;
  /** For client and frontend tokens: the one environment they read. */
  environment?: string;
  /** For client tokens: absent is `server`. */
  audience?: TokenAudience;
  /** For admin tokens. */
  role?: AdminRole;
  /** For squad admin tokens: the squad whose flags it may change. */
  squad?: string;
  createdAt: string;
}

/**
 * The authenticated caller of a request; an approved change is never replayed as one. `mintedBy`:
 * the person who minted the caller's token (its record's `createdBy`), so a token someone minted
 * never counts as another person approving that someone's change (shared/rights/approval.ts).
 */
export type Principal = Omit<TokenRecord, 'hash' | 'id' | 'createdAt' | 'createdBy'> & { mintedBy?: string };
