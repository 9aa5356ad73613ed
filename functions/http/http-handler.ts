/**
 * The one middy stack every HTTP function runs, built from the function's route declarations
 * (functions/routes/) and its route table, of small middlewares with one job each (functions/http/middlewares/):
 * security headers, error mapping, find the route, authenticate, authorize by the route's access,
 * parse and validate. A client's mistake is a 4xx naming the field, never a 500.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { NotFoundError } from '../../shared/model/errors';
import { WRITE_ACCESS } from '../../shared/rights/access';
import type { TokenStore } from '../../shared/store/token-store';
import type { Route, RouteDeclaration, RouteDeclarations } from '../routes/route-declaration';
import { logInvocation } from '../runtime/logger';
import { publishMetrics } from '../runtime/metrics';
import type { ApiResponse, RouteHandlers, RouteTable } from './api-types';
import { authenticate } from './middlewares/authenticate';
import { authorize } from './middlewares/authorize';
import { findRoute } from './middlewares/find-route';
import { mapErrors } from './middlewares/map-errors';
import type { Event, Internal, Result } from './middlewares/middleware-types';
import { parseAndValidate, validatedRequestOf } from './middlewares/parse-and-validate';
import { securityHeaders } from './middlewares/security-headers';
import type { ResponseHeaderSettings } from './response-headers';

export { parseBody, validatedRequestOf, validationErrorFrom } from './middlewares/parse-and-validate';

export interface HttpHandlerDeps {
  tokens: TokenStore;
  maxBodyBytes: number;
  tokenCacheMs: number;
  /**
   * Who may read answers from a browser page (CORS) and whether HSTS is sent; absent: no console
   * origin (admin routes answer no browser page of another origin) and no HSTS.
   */
  responseHeaders?: ResponseHeaderSettings;
}

function toResult(response: ApiResponse): Result {
  const headers: Record<string, string> = { ...response.headers };
  if (response.body === undefined || response.status === 304) {
    return { statusCode: response.status, headers, body: '' };
  }
  headers['content-type'] ??= 'application/json; charset=utf-8';
  const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  return { statusCode: response.status, headers, body };
}

/**
 * The mark of a route table whose writes go through the governed commit
 * (functions/http/governed-handler.ts). A table without it may hold no configuration write route.
 */
export const GOVERNED_WRITES: unique symbol = Symbol('omnilab governed writes');

export interface HttpHandlerOptions {
  /** The mark of a table whose writes go through the governed commit. */
  governed?: typeof GOVERNED_WRITES;
  /**
   * The routes whose paths decide CORS for answers given before a route is known (preflights,
   * undeclared routes); default: this function's own. The function API Gateway sends every
   * preflight to passes them all.
   */
  corsRoutes?: readonly Pick<Route, 'path' | 'access'>[];
}

/** An HTTP handler serving exactly `declarations`, each route by its handler in `routes`. */
export function createHttpHandler<D extends RouteDeclarations>(
  deps: HttpHandlerDeps,
  declarations: D,
  routes: RouteHandlers<D>,
  options: HttpHandlerOptions = {},
) {
  return httpHandlerOf(deps, declarations, routes, options);
}

/** The same, over an untyped table (the governed handler builds its table by key). */
export function httpHandlerOf(
  deps: HttpHandlerDeps,
  declarations: RouteDeclarations,
  routes: RouteTable,
  options: HttpHandlerOptions = {},
) {
  const declared = new Map<string, RouteDeclaration>(Object.entries(declarations));
  const table = new Map(Object.entries(routes));
  const corsRoutes =
    options.corsRoutes ??
    [...declared].map(([key, d]) => ({ path: key.slice(key.indexOf(' ') + 1), access: d.access }));
  if (options.governed !== GOVERNED_WRITES) {
    for (const key of table.keys()) {
      const access = declared.get(key)?.access;
      if (access && WRITE_ACCESS.has(access) && !key.startsWith('GET '))
        throw new Error(`${key} changes configuration: build its handler with createGovernedHttpHandler`);
    }
  }
  const headerSettings = deps.responseHeaders ?? { consoleOrigins: [], hstsMaxAgeSeconds: 0 };
  return middy<Event, Result, Error, Context, Internal>()
    .use(logInvocation())
    .use(publishMetrics())
    .use(securityHeaders({ settings: headerSettings, declared, corsRoutes }))
    .use(mapErrors())
    .use(findRoute({ declared, served: table }))
    .use(authenticate({ tokens: deps.tokens, tokenCacheMs: deps.tokenCacheMs }))
    .use(authorize())
    .use(parseAndValidate({ maxBodyBytes: deps.maxBodyBytes }))
    .handler(async (event) => {
      const api = validatedRequestOf(event);
      if (!api) throw new Error('the request is validated before its route runs');
      const route = table.get(api.routeKey);
      if (!route) throw new NotFoundError(`no route ${api.routeKey}`);
      return toResult(await route(api));
    });
}

type HttpHandler = ReturnType<typeof httpHandlerOf>;

/**
 * Builds the handler on its first call, not when the module loads: other modules import a
 * handler's routes (to replay approved change requests) without creating a runtime from whatever
 * the environment held at import time.
 */
export function lazyHandler<E = Event, R = Result>(
  create: () => (event: E, context: Parameters<HttpHandler>[1]) => Promise<R>,
) {
  let built: ((event: E, context: Parameters<HttpHandler>[1]) => Promise<R>) | undefined;
  return (event: E, context: Parameters<HttpHandler>[1]): Promise<R> => {
    built ??= create();
    return built(event, context);
  };
}
