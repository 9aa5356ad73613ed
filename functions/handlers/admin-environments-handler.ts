/** The admin environments function: create, protect, import, export (functions/route-handlers/environment-routes.ts), run staged and governed. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { environmentRoutes } from '../route-handlers/environment-routes';
import { ADMIN_ENVIRONMENTS_ROUTES } from '../routes/admin-environments-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_ENVIRONMENTS_ROUTES, environmentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
