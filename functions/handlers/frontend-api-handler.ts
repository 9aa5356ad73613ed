/** The Unleash frontend API function (functions/route-handlers/frontend-api-routes.ts). */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { frontendApiRoutes } from '../route-handlers/frontend-api-routes';
import { FRONTEND_API_ROUTES } from '../routes/frontend-api-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), FRONTEND_API_ROUTES, frontendApiRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
