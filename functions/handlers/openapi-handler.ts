/** The OpenAPI function, `GET /api/openapi.json` (functions/route-handlers/openapi-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { openapiRoutes } from '../route-handlers/openapi-routes';
import { OPENAPI_ROUTES } from '../routes/openapi-routes';
import { ROUTES } from '../routes/routes';

export function create(runtime: Runtime) {
  // It answers every path's CORS preflight on AWS (OPTIONS /{proxy+}): CORS by every route.
  return createHttpHandler(httpDeps(runtime), OPENAPI_ROUTES, openapiRoutes(), { corsRoutes: ROUTES });
}

export const handler = lazyHandler(() => create(getRuntime()));
