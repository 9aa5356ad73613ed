/** The admin segments function: segment routes (functions/route-handlers/segment-routes.ts), run staged and governed. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { segmentRoutes } from '../route-handlers/segment-routes';
import { ADMIN_SEGMENTS_ROUTES } from '../routes/admin-segments-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_SEGMENTS_ROUTES, segmentRoutes);
}

export const handler = lazyHandler(() => create(getRuntime()));
