/**
 * Every route a change request can hold, by route key: what editing a request re-runs, against a
 * staged runtime, to compute its new exact change. (Applying never re-runs a route: it commits the
 * stored change.)
 */
import { environmentRoutes } from '../route-handlers/environment-routes';
import { experimentRoutes } from '../route-handlers/experiment-routes';
import { flagRoutes } from '../route-handlers/flag-routes';
import { releaseRoutes } from '../route-handlers/release-routes';
import { segmentRoutes } from '../route-handlers/segment-routes';
import { tokenRoutes } from '../route-handlers/token-routes';
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
