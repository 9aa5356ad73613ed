/** The Unleash client API function (functions/route-handlers/client-api-routes.ts). */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { clientApiRoutes } from '../route-handlers/client-api-routes';
import { CLIENT_API_ROUTES } from '../routes/client-api-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), CLIENT_API_ROUTES, clientApiRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
