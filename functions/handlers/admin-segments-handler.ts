/** The admin segments function: segment routes (functions/route-handlers/segment-routes.ts), run staged and governed. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { segmentRoutes } from '../route-handlers/segment-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, segmentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
