/** The admin segments function: segment routes (functions/route-handlers/segment-routes.ts), run staged and governed. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { segmentRoutes } from '../route-handlers/segment-routes';
import { ADMIN_SEGMENTS_ROUTES } from '../routes/admin-segments-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_SEGMENTS_ROUTES, segmentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
