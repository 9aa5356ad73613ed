/** The admin experiments function: experiments and the metric catalogue (functions/route-handlers/experiment-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { experimentRoutes } from '../route-handlers/experiment-routes';
import { ADMIN_EXPERIMENTS_ROUTES } from '../routes/admin-experiments-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_EXPERIMENTS_ROUTES, experimentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
