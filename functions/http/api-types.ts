/**
 * A request and an answer as route handlers see them, whatever carried them (API Gateway, or the
 * local server), and the route table a function implements: exactly its declared routes, each
 * receiving its body as its schema's output.
 */
import type { Principal } from '../../shared/model/token';
import type { BodyOf, QueryOf, RouteDeclarations } from '../routes/route-declaration';

export interface ApiRequest<Body = unknown, Query = Record<string, string>> {
  /** `METHOD /path/{param}`, as API Gateway names the matched route. */
  routeKey: string;
  params: Record<string, string>;
  /** Repeated parameters are joined by commas, as API Gateway does; validated, not transformed. */
  query: Query;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed and validated JSON (the schema's output), or undefined when the route reads none. */
  body: Body;
  principal: Principal;
  sourceIp: string | undefined;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler<Body = unknown, Query = Record<string, string>> = (
  request: ApiRequest<Body, Query>,
) => Promise<ApiResponse>;

/** The request of one declared route: its body and query typed from its schemas. */
export type RequestOf<D> = ApiRequest<BodyOf<D>, QueryOf<D>>;

/** A route table implementing exactly these declarations: a missing or misspelled key fails tsc. */
export type RouteHandlers<Decls extends RouteDeclarations> = {
  [K in keyof Decls]: RouteHandler<BodyOf<Decls[K]>, QueryOf<Decls[K]>>;
};

/**
 * Any route's handler, as the HTTP stack calls it once the declaration validated the request
 * (method syntax, so a handler typed for its own body fits).
 */
export type AnyRouteHandler = { call(request: ApiRequest): Promise<ApiResponse> }['call'];

/** A route table of any routes, by route key, as the HTTP stack looks them up. */
export type RouteTable = { readonly [key: string]: AnyRouteHandler };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers };
}
