/**
 * What the HTTP stack's middlewares share: the event and result types, and the state they hand
 * each other on the middy request (`request.internal`), in the order they run — never on the event.
 */
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '../../../shared/model/token';
import type { RouteDeclaration } from '../../routes/route-declaration';

export type Event = APIGatewayProxyEventV2;
export type Result = APIGatewayProxyStructuredResultV2;

export interface Internal extends Record<string, unknown> {
  /** Set by findRoute. */
  route?: { key: string; declaration: RouteDeclaration; headers: Record<string, string> };
  /** Set by authenticate. */
  principal?: Principal;
}

export type Middleware = middy.MiddlewareObj<Event, Result, Error, Context, Internal>;
export type MiddyRequest = middy.Request<Event, Result, Error, Context, Internal>;

export function routeOf(request: MiddyRequest): NonNullable<Internal['route']> {
  if (!request.internal.route) throw new Error('the route is found before it is used');
  return request.internal.route;
}

export function principalOfRequest(request: MiddyRequest): Principal {
  if (!request.internal.principal) throw new Error('the caller is authenticated before it is authorized');
  return request.internal.principal;
}
