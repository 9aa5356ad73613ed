/** The admin flags function: flag routes (functions/route-handlers/flag-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { flagRoutes } from '../route-handlers/flag-routes';
import { ADMIN_FLAGS_ROUTES } from '../routes/admin-flags-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_FLAGS_ROUTES, flagRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
