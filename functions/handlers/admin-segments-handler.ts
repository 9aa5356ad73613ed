/** The admin segments function: segment routes (functions/route-handlers/segment-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { segmentRoutes } from '../route-handlers/segment-routes';
import { ADMIN_SEGMENTS_ROUTES } from '../routes/admin-segments-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { withRestage } from '../services/restage-entry';
import { restageRoute } from '../services/restage-route';

/** The entry: API Gateway v2 events through the governed HTTP stack, restage invocations through `restage`. */
export function create(runtime: Runtime) {
  return withRestage(createGovernedHttpHandler(runtime, ADMIN_SEGMENTS_ROUTES, segmentRoutes), (event) =>
    restage(runtime, event),
  );
}

/** A restage invocation (functions/services/restage-protocol.ts): a route re-run staged, writing nothing. */
export function restage(runtime: Runtime, event: unknown) {
  return restageRoute(runtime, ADMIN_SEGMENTS_ROUTES, segmentRoutes, event);
}

export const handler = lazyHandler(() => create(getRuntime()));
