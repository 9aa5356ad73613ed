/** The admin tokens function (functions/route-handlers/token-routes.ts): routes run staged, a mint or revocation is proposed, and the governed commit applies or holds it. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { tokenRoutes } from '../route-handlers/token-routes';
import { ADMIN_TOKENS_ROUTES } from '../routes/admin-tokens-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_TOKENS_ROUTES, tokenRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
