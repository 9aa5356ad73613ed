/** The admin flags function: flag routes (functions/route-handlers/flag-routes.ts), run staged and governed. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { flagRoutes } from '../route-handlers/flag-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, flagRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
