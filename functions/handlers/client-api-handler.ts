/** The Unleash client API function (functions/route-handlers/client-api-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { clientApiRoutes } from '../route-handlers/client-api-routes';
import { CLIENT_API_ROUTES } from '../routes/client-api-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), CLIENT_API_ROUTES, clientApiRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
