/**
 * Tokens: mint, list, revoke. An admin token belongs to a person (its normalised name); minting
 * one for somebody else, or with more rights than the minter holds, is itself a protected change,
 * held for a second person's approval.
 */

import { ValidationError } from '../../shared/model/errors';
import { personKey, personOf, refusedCharacter } from '../../shared/model/person';
import type { TokenRecord } from '../../shared/model/token';
import { raisesRights } from '../../shared/rights/tokens';
import { json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_TOKENS_ROUTES } from '../routes/admin-tokens-routes';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry, requireEnvironment } from '../services/admin-support';
import { gate, heldExtras } from '../services/governance';
import { generateToken, generateTokenId, hashToken } from '../services/tokens';

/** An answer carrying a secret is kept by no cache, shared or private (RFC 9111 no-store). */
export const NO_STORE = { 'cache-control': 'no-store' } as const;

/** What a listing shows: the random id, never the stored hash; the secret is never kept. */
export function publicView(t: TokenRecord) {
  const { hash, id, ...rest } = t;
  return { id: id ?? hash, ...rest };
}

export function tokenRoutes(runtime: Runtime): RouteHandlers<typeof ADMIN_TOKENS_ROUTES> {
  return {
    'GET /api/admin/tokens': async () => json(200, { tokens: (await runtime.tokens.list()).map(publicView) }),

    // The console shows or hides actions by what the signed-in token may do.
    'GET /api/admin/me': async (req) => json(200, req.principal),

    'POST /api/admin/tokens': async (req) => {
      const body = req.body;
      const refused = refusedCharacter(body.name);
      if (refused)
        throw new ValidationError(`contains ${refused}, a control, format or bidi character`, 'name');
      const person = body.kind === 'admin' ? personKey(body.name, 'name') : undefined;
      if (body.environment !== undefined) await requireEnvironment(runtime, body.environment);
      const creator = personOf(req.principal);
      const scope =
        body.kind === 'admin' ? (body.role === 'squad' ? body.squad! : body.role!) : body.environment!;
      const secret = generateToken(body.kind, scope);
      const token: TokenRecord = {
        hash: await runtime.tokens.keyFor(hashToken(secret)),
        id: generateTokenId(),
        name: body.name,
        ...(person ? { person } : {}),
        createdBy: creator,
        kind: body.kind,
        ...(body.kind === 'admin' ? { role: body.role } : { environment: body.environment }),
        ...(body.kind === 'admin' && body.role === 'squad' ? { squad: body.squad } : {}),
        ...(body.audience ? { audience: body.audience } : {}),
        createdAt: runtime.now().toISOString(),
      };
      if (
        person !== undefined &&
        (person !== creator || raisesRights(req.principal, body.role!, body.squad))
      ) {
        const held = await gate(runtime, req, {
          title: `admin token for ${person} (${body.role}${body.squad ? ` ${body.squad}` : ''}), minted by ${creator}`,
          target: { type: 'token', id: token.id! },
          environments: [],
          alwaysApprove: true,
        });
        if (held) return held;
        // Held: the author still gets the secret once; it authenticates only once approved.
        heldExtras(runtime, { ...publicView(token), secret });
      }
      await runtime.tokens.create(token, [
        auditEntry(runtime, req.principal, {
          action: 'token.created',
          target: { type: 'token', id: token.id! },
          environments: token.environment ? [token.environment] : [],
          before: null,
          after: publicView(token),
        }),
      ]);
      return json(201, { ...publicView(token), secret }, { ...NO_STORE });
    },

    'DELETE /api/admin/tokens/{id}': async (req) => {
      const token = await runtime.tokens.getById(req.params.id);
      await runtime.tokens.revoke(req.params.id, [
        auditEntry(runtime, req.principal, {
          action: 'token.revoked',
          target: { type: 'token', id: req.params.id },
          environments: token?.environment ? [token.environment] : [],
          before: token ? publicView(token) : null,
          after: null,
        }),
      ]);
      return { status: 204 };
    },
  };
}
