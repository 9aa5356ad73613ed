/** Every route a change request can hold, by route key: what an approved request is replayed through. */
import { environmentRoutes } from '../handlers/admin-environments-handler';
import { experimentRoutes } from '../handlers/admin-experiments-handler';
import { flagRoutes } from '../handlers/admin-flags-handler';
import { segmentRoutes } from '../handlers/admin-segments-handler';
import type { RouteHandler } from './api-types';
import type { Runtime } from './composition-root';

export function governedRoutes(runtime: Runtime): Record<string, RouteHandler> {
  return {
    ...flagRoutes(runtime),
    ...segmentRoutes(runtime),
    ...experimentRoutes(runtime),
    ...environmentRoutes(runtime),
  };
}
