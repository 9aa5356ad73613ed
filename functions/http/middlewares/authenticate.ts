/**
 * Middleware: who calls — the principal of the request's token (401 without a known one), looked up
 * by the token's peppered hash and kept for `tokenCacheMs`; anonymous on public routes.
 */
import { UnauthorizedError } from '../../../shared/model/errors';
import { personOf } from '../../../shared/model/person';
import type { Principal, TokenRecord } from '../../../shared/model/token';
import type { TokenStore } from '../../../shared/store/token-store';
import { hashToken, tokenFromAuthorization } from '../../services/tokens';
import { type Middleware, routeOf } from './middleware-types';

const ANONYMOUS: Principal = { name: 'anonymous', kind: 'client' };

function principalOf(t: TokenRecord): Principal {
  const { hash: _hash, id: _id, createdAt: _createdAt, createdBy, ...principal } = t;
  // Tokens minted before persons existed belong to the person their name names.
  if (t.kind !== 'admin') return principal;
  return { ...principal, person: personOf(t), ...(createdBy ? { mintedBy: createdBy } : {}) };
}

export function authenticate(options: { tokens: TokenStore; tokenCacheMs: number }): Middleware {
  const verified = new Map<string, { token: TokenRecord; at: number }>();

  async function principalFor(headers: Record<string, string>): Promise<Principal> {
    const secret = tokenFromAuthorization(headers.authorization);
    if (!secret) throw new UnauthorizedError();
    const hash = hashToken(secret);
    const cached = verified.get(hash);
    if (cached && Date.now() - cached.at < options.tokenCacheMs) return principalOf(cached.token);
    const token = await options.tokens.get(hash);
    if (!token) throw new UnauthorizedError('the token is not known (or was revoked)');
    if (options.tokenCacheMs > 0) verified.set(hash, { token, at: Date.now() });
    return principalOf(token);
  }

  return {
    before: async (request) => {
      const { declaration, headers } = routeOf(request);
      // Authentication comes before the body: an anonymous caller learns nothing about the schema.
      request.internal.principal = declaration.access === 'public' ? ANONYMOUS : await principalFor(headers);
    },
  };
}
