/** The OFREP function (functions/route-handlers/ofrep-routes.ts). */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { ofrepRoutes } from '../route-handlers/ofrep-routes';
import { OFREP_ROUTES } from '../routes/ofrep-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), OFREP_ROUTES, ofrepRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
