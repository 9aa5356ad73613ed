/** The admin environments function: create, protect, import, export (functions/route-handlers/environment-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { environmentRoutes } from '../route-handlers/environment-routes';
import { ADMIN_ENVIRONMENTS_ROUTES } from '../routes/admin-environments-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { withRestage } from '../services/restage-entry';
import { restageRoute } from '../services/restage-route';

/** The entry: API Gateway v2 events through the governed HTTP stack, restage invocations through `restage`. */
export function create(runtime: Runtime) {
  return withRestage(
    createGovernedHttpHandler(runtime, ADMIN_ENVIRONMENTS_ROUTES, environmentRoutes),
    (event) => restage(runtime, event),
  );
}

/** A restage invocation (functions/services/restage-protocol.ts): a route re-run staged, writing nothing. */
export function restage(runtime: Runtime, event: unknown) {
  return restageRoute(runtime, ADMIN_ENVIRONMENTS_ROUTES, environmentRoutes, event);
}

export const handler = lazyHandler(() => create(getRuntime()));
