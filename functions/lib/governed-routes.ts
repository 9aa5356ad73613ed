/**
 * Every route a change request can hold, by route key: what editing a request re-runs, against a
 * staged runtime, to compute its new exact change. (Applying never re-runs a route: it commits the
 * stored change.)
 */
import { environmentRoutes } from '../handlers/admin-environments-handler';
import { experimentRoutes } from '../handlers/admin-experiments-handler';
import { flagRoutes } from '../handlers/admin-flags-handler';
import { releaseRoutes } from '../handlers/admin-releases-handler';
import { segmentRoutes } from '../handlers/admin-segments-handler';
import { tokenRoutes } from '../handlers/admin-tokens-handler';
import type { RouteHandler } from './api-types';
import type { Runtime } from './composition-root';

export function governedRoutes(runtime: Runtime): Record<string, RouteHandler> {
  return {
    ...flagRoutes(runtime),
    ...segmentRoutes(runtime),
    ...experimentRoutes(runtime),
    ...environmentRoutes(runtime),
    ...tokenRoutes(runtime),
    // Promotion is the release routes' only flag write; their plan routes hold nothing.
    ...releaseRoutes(runtime),
  };
}
