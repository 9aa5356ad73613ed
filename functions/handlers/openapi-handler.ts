/** The OpenAPI function, `GET /api/openapi.json` (functions/route-handlers/openapi-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { openapiRoutes } from '../route-handlers/openapi-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), openapiRoutes());
}

export const handler = lazyHandler(() => create(getRuntime()));
