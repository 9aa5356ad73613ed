/** The Unleash frontend API function (functions/route-handlers/frontend-api-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { frontendApiRoutes } from '../route-handlers/frontend-api-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), frontendApiRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
