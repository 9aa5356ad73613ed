/**
 * Every route a change request can hold, by route key: what editing a request re-runs, against a
 * staged runtime, to compute its new exact change, with the declaration whose schema checks the
 * edited body. (Applying never re-runs a route: it commits the stored change.)
 */

import type { AnyRouteHandler, RouteHandlers } from '../http/api-types';
import { environmentRoutes } from '../route-handlers/environment-routes';
import { experimentRoutes } from '../route-handlers/experiment-routes';
import { flagRoutes } from '../route-handlers/flag-routes';
import { releaseRoutes } from '../route-handlers/release-routes';
import { segmentRoutes } from '../route-handlers/segment-routes';
import { tokenRoutes } from '../route-handlers/token-routes';
import { ADMIN_ENVIRONMENTS_ROUTES } from '../routes/admin-environments-routes';
import { ADMIN_EXPERIMENTS_ROUTES } from '../routes/admin-experiments-routes';
import { ADMIN_FLAGS_ROUTES } from '../routes/admin-flags-routes';
import { ADMIN_RELEASES_ROUTES } from '../routes/admin-releases-routes';
import { ADMIN_SEGMENTS_ROUTES } from '../routes/admin-segments-routes';
import { ADMIN_TOKENS_ROUTES } from '../routes/admin-tokens-routes';
import type { RouteDeclaration, RouteDeclarations } from '../routes/route-declaration';
import type { RouteKey } from '../routes/routes';
import type { Runtime } from '../runtime/composition-root';

/** The routes of the governed admin functions. */
export const GOVERNED_ROUTE_DECLARATIONS = {
  ...ADMIN_FLAGS_ROUTES,
  ...ADMIN_SEGMENTS_ROUTES,
  ...ADMIN_EXPERIMENTS_ROUTES,
  ...ADMIN_ENVIRONMENTS_ROUTES,
  ...ADMIN_TOKENS_ROUTES,
  // Promotion is the release routes' only flag write; their plan routes hold nothing.
  ...ADMIN_RELEASES_ROUTES,
} as const satisfies RouteDeclarations;

export type GovernedRouteKey = keyof typeof GOVERNED_ROUTE_DECLARATIONS & RouteKey;

export function governedRoutes(runtime: Runtime): RouteHandlers<typeof GOVERNED_ROUTE_DECLARATIONS> {
  return {
    ...flagRoutes(runtime),
    ...segmentRoutes(runtime),
    ...experimentRoutes(runtime),
    ...environmentRoutes(runtime),
    ...tokenRoutes(runtime),
    ...releaseRoutes(runtime),
  };
}

function isGovernedRouteKey(key: string): key is GovernedRouteKey {
  return Object.hasOwn(GOVERNED_ROUTE_DECLARATIONS, key);
}

/** The governed route a stored change request names, with its declaration; undefined for any other key. */
export function governedRoute(
  runtime: Runtime,
  key: string,
): { declaration: RouteDeclaration; handler: AnyRouteHandler } | undefined {
  if (!isGovernedRouteKey(key)) return undefined;
  const handler: AnyRouteHandler = governedRoutes(runtime)[key];
  return { declaration: GOVERNED_ROUTE_DECLARATIONS[key], handler };
}
