import { createHash, randomBytes } from 'node:crypto';
import type { TokenKind } from '../../shared/model/token';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** `<kind>:<environment or squad>.<64 hex>`: the prefix tells a reader what it is, never what it may do. */
export function generateToken(kind: TokenKind, scope: string): string {
  return `${kind}:${scope}.${randomBytes(32).toString('hex')}`;
}

/** Accepts `Authorization: <token>` (as Unleash SDKs send it) and `Authorization: Bearer <token>`. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim();
  const bearer = /^bearer\s+(.+)$/i.exec(value);
  const token = bearer ? bearer[1].trim() : value;
  return token === '' ? undefined : token;
}
