/** The admin flags function: flag routes (functions/route-handlers/flag-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { flagRoutes } from '../route-handlers/flag-routes';
import { ADMIN_FLAGS_ROUTES } from '../routes/admin-flags-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { withRestage } from '../services/restage-entry';
import { restageRoute } from '../services/restage-route';

/** The entry: API Gateway v2 events through the governed HTTP stack, restage invocations through `restage`. */
export function create(runtime: Runtime) {
  return withRestage(createGovernedHttpHandler(runtime, ADMIN_FLAGS_ROUTES, flagRoutes), (event) =>
    restage(runtime, event),
  );
}

/** A restage invocation (functions/services/restage-protocol.ts): a route re-run staged, writing nothing. */
export function restage(runtime: Runtime, event: unknown) {
  return restageRoute(runtime, ADMIN_FLAGS_ROUTES, flagRoutes, event);
}

export const handler = lazyHandler(() => create(getRuntime()));
