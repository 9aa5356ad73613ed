/** The admin tokens function (functions/route-handlers/token-routes.ts): routes run staged, a mint or revocation is proposed, and the governed commit applies or holds it. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { tokenRoutes } from '../route-handlers/token-routes';
import { ADMIN_TOKENS_ROUTES } from '../routes/admin-tokens-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { withRestage } from '../services/restage-entry';
import { restageRoute } from '../services/restage-route';

/** The entry: API Gateway v2 events through the governed HTTP stack, restage invocations through `restage`. */
export function create(runtime: Runtime) {
  return withRestage(createGovernedHttpHandler(runtime, ADMIN_TOKENS_ROUTES, tokenRoutes), (event) =>
    restage(runtime, event),
  );
}

/** A restage invocation (functions/services/restage-protocol.ts): a route re-run staged, writing nothing. */
export function restage(runtime: Runtime, event: unknown) {
  return restageRoute(runtime, ADMIN_TOKENS_ROUTES, tokenRoutes, event);
}

export const handler = lazyHandler(() => create(getRuntime()));
