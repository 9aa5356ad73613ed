/** The Unleash frontend API function (functions/route-handlers/frontend-api-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { frontendApiRoutes } from '../route-handlers/frontend-api-routes';
import { FRONTEND_API_ROUTES } from '../routes/frontend-api-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), FRONTEND_API_ROUTES, frontendApiRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
