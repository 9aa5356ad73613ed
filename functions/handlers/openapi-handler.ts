import { httpDeps } from '../lib/admin-support';
import { json } from '../lib/api-types';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler } from '../lib/http-handler';
import { buildOpenApiDocument } from '../lib/openapi-document';

export function createOpenapiHandler(runtime: Runtime) {
  let document: string | undefined;
  return createHttpHandler(httpDeps(runtime), {
    'GET /api/openapi.json': async () => {
      document ??= JSON.stringify(buildOpenApiDocument());
      return json(200, document);
    },
  });
}

export const handler = createOpenapiHandler(getRuntime());
