/**
 * API tokens. Only the SHA-256 hash of a secret is stored; the secret is shown once, on creation.
 * The secret looks like `<kind>:<environment or squad>.<hex>`, as Unleash SDKs send it verbatim.
 */

export const TOKEN_KINDS = ['client', 'frontend', 'admin'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * `auditor` is risk and audit: reads everything, verifies and exports the audit chain, approves
 * or rejects change requests, and changes nothing itself.
 */
export const ADMIN_ROLES = ['platform-admin', 'squad', 'product-owner', 'auditor'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export interface TokenRecord {
  /** Hex SHA-256 of the secret: the key it is looked up by, and the id it is revoked by. */
  hash: string;
  /** Who is acting, for the audit log. */
  name: string;
  kind: TokenKind;
  /** For client and frontend tokens: the one environment they read. */
  environment?: string;
  /** For admin tokens. */
  role?: AdminRole;
  /** For squad admin tokens: the squad whose flags it may change. */
  squad?: string;
  createdAt: string;
}

/** The authenticated caller of a request. */
export type Principal = Omit<TokenRecord, 'hash' | 'createdAt'> & {
  /** Set when an approved change request is replayed as its author: audit entries name it. */
  changeRequest?: string;
};
