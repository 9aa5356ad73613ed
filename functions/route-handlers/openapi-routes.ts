/** `GET /api/openapi.json`: the OpenAPI document of every route, built once per instance. */
import { json, type RouteHandlers } from '../http/api-types';
import type { OPENAPI_ROUTES } from '../routes/openapi-routes';
import { buildOpenApiDocument } from '../services/openapi-document';

export function openapiRoutes(): RouteHandlers<typeof OPENAPI_ROUTES> {
  let document: string | undefined;
  return {
    'GET /api/openapi.json': async () => {
      document ??= JSON.stringify(buildOpenApiDocument());
      return json(200, document);
    },
  };
}
