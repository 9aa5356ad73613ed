/** The data-quality function, `GET /api/admin/data-quality` (functions/route-handlers/data-quality-routes.ts): alone it has the lake's read rights. */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { dataQualityRoutes } from '../route-handlers/data-quality-routes';
import { DATA_QUALITY_ROUTES } from '../routes/data-quality-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), DATA_QUALITY_ROUTES, dataQualityRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
