/**
 * Middleware, first in and last out: answers preflights before anything else, and gives every
 * answer, errors included, its security and CORS headers (functions/http/response-headers.ts) — by
 * the route's access when the route is declared here, else by the path among `corsRoutes`.
 */
import type { Route, RouteDeclaration } from '../../routes/route-declaration';
import {
  apiResponseHeaders,
  corsPolicyOfAccess,
  corsPolicyOfPath,
  type ResponseHeaderSettings,
} from '../response-headers';
import type { Event, Middleware, Result } from './middleware-types';

export function securityHeaders(options: {
  settings: ResponseHeaderSettings;
  declared: ReadonlyMap<string, RouteDeclaration>;
  corsRoutes: readonly Pick<Route, 'path' | 'access'>[];
}): Middleware {
  const { settings, declared, corsRoutes } = options;
  function addResponseHeaders(event: Event, response: Result | null | undefined): void {
    if (!response) return;
    const access = declared.get(event.routeKey)?.access;
    const policy = access ? corsPolicyOfAccess(access) : corsPolicyOfPath(event.rawPath ?? '', corsRoutes);
    response.headers = {
      ...response.headers,
      ...apiResponseHeaders(policy, event.headers, settings),
    };
  }
  return {
    before: async (request) => {
      const event = request.event;
      if (event.requestContext?.http?.method !== 'OPTIONS') return undefined;
      return {
        statusCode: 204,
        headers: apiResponseHeaders(
          corsPolicyOfPath(event.rawPath ?? '', corsRoutes),
          event.headers,
          settings,
          true,
        ),
        body: '',
      };
    },
    after: async (request) => addResponseHeaders(request.event, request.response),
    onError: async (request) => addResponseHeaders(request.event, request.response),
  };
}
