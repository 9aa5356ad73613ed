/** The data-quality function, `GET /api/admin/data-quality` (functions/route-handlers/data-quality-routes.ts): alone it has the lake's read rights. */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { dataQualityRoutes } from '../route-handlers/data-quality-routes';
import { DATA_QUALITY_ROUTES } from '../routes/data-quality-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), DATA_QUALITY_ROUTES, dataQualityRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
