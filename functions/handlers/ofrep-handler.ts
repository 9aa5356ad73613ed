/** The OFREP function (functions/route-handlers/ofrep-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { ofrepRoutes } from '../route-handlers/ofrep-routes';
import { OFREP_ROUTES } from '../routes/ofrep-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), OFREP_ROUTES, ofrepRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
