/** The admin releases function: templates, plans and promotion (functions/route-handlers/release-routes.ts), run staged and governed; a person's pause is told through the real notification store. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { releaseRoutes } from '../route-handlers/release-routes';
import { ADMIN_RELEASES_ROUTES } from '../routes/admin-releases-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { withRestage } from '../services/restage-entry';
import { restageRoute } from '../services/restage-route';

/** The entry: API Gateway v2 events through the governed HTTP stack, restage invocations through `restage`. */
export function create(runtime: Runtime) {
  return withRestage(
    createGovernedHttpHandler(runtime, ADMIN_RELEASES_ROUTES, (staged) =>
      releaseRoutes(staged, runtime.notifications),
    ),
    (event) => restage(runtime, event),
  );
}

/** A restage invocation (functions/services/restage-protocol.ts): a route re-run staged, writing nothing. */
export function restage(runtime: Runtime, event: unknown) {
  return restageRoute(runtime, ADMIN_RELEASES_ROUTES, (staged) => releaseRoutes(staged), event);
}

export const handler = lazyHandler(() => create(getRuntime()));
