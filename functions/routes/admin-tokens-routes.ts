/** The admin-tokens function's routes: tokens, and who the caller's token is. */
import { tokenCreateSchema } from '../schemas/admin-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'admin-tokens', entry: 'functions/handlers/admin-tokens-handler.ts' } as const;

export const ADMIN_TOKENS_ROUTES = {
  'GET /api/admin/tokens': { ...fn, access: 'admin-read', summary: 'List tokens, without secrets' },
  'POST /api/admin/tokens': {
    ...fn,
    access: 'platform-admin',
    summary: 'Create a token; its secret is shown once',
    body: tokenCreateSchema,
  },
  'DELETE /api/admin/tokens/{id}': { ...fn, access: 'platform-admin', summary: 'Revoke a token' },
  'GET /api/admin/me': {
    ...fn,
    access: 'admin-read',
    summary: 'The principal of the token sent: its kind, role and squad',
  },
} as const satisfies RouteDeclarations;
