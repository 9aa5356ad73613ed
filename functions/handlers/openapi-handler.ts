/** The OpenAPI function, `GET /api/openapi.json` (functions/route-handlers/openapi-routes.ts). */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { openapiRoutes } from '../route-handlers/openapi-routes';
import { OPENAPI_ROUTES } from '../routes/openapi-routes';
import { ROUTES } from '../routes/routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  // It answers every path's CORS preflight on AWS (OPTIONS /{proxy+}): CORS by every route.
  return createHttpHandler(httpDeps(runtime), OPENAPI_ROUTES, openapiRoutes(), { corsRoutes: ROUTES });
}

export const handler = lazyHandler(() => create(getRuntime()));
