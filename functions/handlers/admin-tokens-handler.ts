import type { TokenRecord } from '../../shared/model/token';
import { auditEntry, httpDeps, requireEnvironment } from '../lib/admin-support';
import { json } from '../lib/api-types';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { generateToken, hashToken } from '../lib/tokens';
import type { TokenCreate } from '../schemas/admin-schemas';

/** What a listing shows: the hash is the token's id (it reveals nothing), the secret is never kept. */
function publicView(t: TokenRecord) {
  const { hash, ...rest } = t;
  return { id: hash, ...rest };
}

export function createAdminTokensHandler(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), {
    'GET /api/admin/tokens': async () => json(200, { tokens: (await runtime.tokens.list()).map(publicView) }),

    // The console shows or hides actions by what the signed-in token may do.
    'GET /api/admin/me': async (req) => json(200, req.principal),

    'POST /api/admin/tokens': async (req) => {
      const body = req.body as TokenCreate;
      if (body.environment !== undefined) await requireEnvironment(runtime, body.environment);
      const scope =
        body.kind === 'admin' ? (body.role === 'squad' ? body.squad! : body.role!) : body.environment!;
      const secret = generateToken(body.kind, scope);
      const token: TokenRecord = {
        hash: hashToken(secret),
        name: body.name,
        kind: body.kind,
        ...(body.kind === 'admin' ? { role: body.role } : { environment: body.environment }),
        ...(body.kind === 'admin' && body.role === 'squad' ? { squad: body.squad } : {}),
        createdAt: runtime.now().toISOString(),
      };
      await runtime.tokens.create(token, [
        auditEntry(runtime, req.principal, {
          action: 'token.created',
          target: { type: 'token', id: token.hash },
          environments: token.environment ? [token.environment] : [],
          before: null,
          after: publicView(token),
        }),
      ]);
      return json(201, { ...publicView(token), secret });
    },

    'DELETE /api/admin/tokens/{id}': async (req) => {
      const token = await runtime.tokens.get(req.params.id);
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
  });
}

export const handler = lazyHandler(() => createAdminTokensHandler(getRuntime()));
