/** The admin environments function: create, protect, import, export (functions/route-handlers/environment-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { environmentRoutes } from '../route-handlers/environment-routes';
import { ADMIN_ENVIRONMENTS_ROUTES } from '../routes/admin-environments-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_ENVIRONMENTS_ROUTES, environmentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
