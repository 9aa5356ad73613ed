/**
 * Every HTTP route of omnilab, once: each function's declarations (the modules of this folder)
 * together. CDK builds one Lambda per `function` from `entry` (bundled by path, so this never
 * imports a handler) and an HTTP API route per entry; the local server imports `entry` and serves
 * the same handler; the OpenAPI document and the tests walk this list. A Lambda imports only its
 * own function's declarations, so it bundles only its own routes' schemas.
 */
import { ADMIN_ENVIRONMENTS_ROUTES } from './admin-environments-routes';
import { ADMIN_EXPERIMENTS_ROUTES } from './admin-experiments-routes';
import { ADMIN_FLAGS_ROUTES } from './admin-flags-routes';
import { ADMIN_GOVERNANCE_ROUTES } from './admin-governance-routes';
import { ADMIN_RELEASES_ROUTES } from './admin-releases-routes';
import { ADMIN_SEGMENTS_ROUTES } from './admin-segments-routes';
import { ADMIN_TOKENS_ROUTES } from './admin-tokens-routes';
import { CLIENT_API_ROUTES } from './client-api-routes';
import { CLIENT_STREAMING_ROUTES } from './client-streaming-routes';
import { DATA_QUALITY_ROUTES } from './data-quality-routes';
import { EVENTS_ROUTES } from './events-routes';
import { EXPERIMENT_HISTORY_ROUTES } from './experiment-history-routes';
import { FRONTEND_API_ROUTES } from './frontend-api-routes';
import { OFREP_ROUTES } from './ofrep-routes';
import { OPENAPI_ROUTES } from './openapi-routes';
import { type Route, type RouteDeclarations, routesOf } from './route-declaration';

export type { Access } from '../../shared/rights/access';
export { type HttpMethod, type Route, type RouteDeclaration, routeKey } from './route-declaration';

export const ROUTE_DECLARATIONS = {
  ...ADMIN_FLAGS_ROUTES,
  ...ADMIN_ENVIRONMENTS_ROUTES,
  ...ADMIN_SEGMENTS_ROUTES,
  ...ADMIN_TOKENS_ROUTES,
  ...CLIENT_API_ROUTES,
  ...FRONTEND_API_ROUTES,
  ...OFREP_ROUTES,
  ...OPENAPI_ROUTES,
  ...ADMIN_EXPERIMENTS_ROUTES,
  ...EVENTS_ROUTES,
  ...DATA_QUALITY_ROUTES,
  ...EXPERIMENT_HISTORY_ROUTES,
  ...ADMIN_GOVERNANCE_ROUTES,
  ...ADMIN_RELEASES_ROUTES,
  ...CLIENT_STREAMING_ROUTES,
} as const satisfies RouteDeclarations;

/** `'METHOD /path'` of every route. */
export type RouteKey = keyof typeof ROUTE_DECLARATIONS;

export const ROUTES: readonly Route[] = routesOf(ROUTE_DECLARATIONS);
