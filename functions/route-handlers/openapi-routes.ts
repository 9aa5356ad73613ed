/** `GET /api/openapi.json`: the OpenAPI document of every route, built once per instance. */
import { json, type RouteHandlers } from '../lib/api-types';
import { buildOpenApiDocument } from '../lib/openapi-document';
import type { OPENAPI_ROUTES } from '../routes/openapi-routes';

export function openapiRoutes(): RouteHandlers<typeof OPENAPI_ROUTES> {
  let document: string | undefined;
  return {
    'GET /api/openapi.json': async () => {
      document ??= JSON.stringify(buildOpenApiDocument());
      return json(200, document);
    },
  };
}
