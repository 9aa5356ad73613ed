/** The admin experiments function: experiments and the metric catalogue (functions/route-handlers/experiment-routes.ts), run staged and governed. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { experimentRoutes } from '../route-handlers/experiment-routes';
import { ADMIN_EXPERIMENTS_ROUTES } from '../routes/admin-experiments-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_EXPERIMENTS_ROUTES, experimentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
