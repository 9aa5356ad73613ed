/** The admin flags function: flag routes (functions/route-handlers/flag-routes.ts), run staged and governed. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { flagRoutes } from '../route-handlers/flag-routes';
import { ADMIN_FLAGS_ROUTES } from '../routes/admin-flags-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_FLAGS_ROUTES, flagRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
