/** `GET /api/openapi.json`: the OpenAPI document of every route, built once per instance. */
import { json, type RouteHandler } from '../lib/api-types';
import { buildOpenApiDocument } from '../lib/openapi-document';

export function openapiRoutes(): Record<string, RouteHandler> {
  let document: string | undefined;
  return {
    'GET /api/openapi.json': async () => {
      document ??= JSON.stringify(buildOpenApiDocument());
      return json(200, document);
    },
  };
}
