/** The admin experiments function: experiments and the metric catalogue (functions/route-handlers/experiment-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { experimentRoutes } from '../route-handlers/experiment-routes';
import { ADMIN_EXPERIMENTS_ROUTES } from '../routes/admin-experiments-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { withRestage } from '../services/restage-entry';
import { restageRoute } from '../services/restage-route';

/** The entry: API Gateway v2 events through the governed HTTP stack, restage invocations through `restage`. */
export function create(runtime: Runtime) {
  return withRestage(
    createGovernedHttpHandler(runtime, ADMIN_EXPERIMENTS_ROUTES, experimentRoutes),
    (event) => restage(runtime, event),
  );
}

/** A restage invocation (functions/services/restage-protocol.ts): a route re-run staged, writing nothing. */
export function restage(runtime: Runtime, event: unknown) {
  return restageRoute(runtime, ADMIN_EXPERIMENTS_ROUTES, experimentRoutes, event);
}

export const handler = lazyHandler(() => create(getRuntime()));
