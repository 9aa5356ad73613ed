/**
 * What a route declaration is: the route's function, entry, access, summary and request schemas,
 * keyed by `METHOD /path` (API Gateway's route key). Plain data read by CDK, `local/`, the HTTP
 * stack and the OpenAPI document; the schemas are typed against zod's core so classic zod and
 * `zod/mini` schemas both fit.
 */
import type * as zc from 'zod/v4/core';
import type { Access } from '../../shared/rights/access';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** `METHOD /path/{param}`, as API Gateway names a matched route. */
export type RouteKeyOf<M extends HttpMethod = HttpMethod> = `${M} /${string}`;

export interface RouteDeclaration {
  /** Stable function name: the Lambda function and its log group are named after it. */
  function: string;
  /** The handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  /** Who may call it; finer rights (a squad's own flags) are checked by the route. */
  access: Access;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The JSON body's schema; a route without one reads no body. */
  body?: zc.$ZodType;
  /** The query's schema; the route still receives the query's strings as sent. */
  query?: zc.$ZodType;
  /** Bodies above this are refused with 413; defaults to the configured limit. */
  maxBodyBytes?: number;
  /**
   * A top-level body field whose items the route checks one by one, numbers included (an event
   * with an out-of-range value is that event's rejection, never the batch's 400).
   */
  ownNumbers?: string;
}

/** One function's routes (or all of them), by route key. */
export type RouteDeclarations = { readonly [key: RouteKeyOf]: RouteDeclaration };

/** A route with its method and path apart, as CDK, the local server and tests walk them. */
export interface Route extends RouteDeclaration {
  method: HttpMethod;
  /** API Gateway style: `/api/admin/flags/{name}`. */
  path: string;
}

/** The body a route receives: its schema's output, or nothing. */
export type BodyOf<D> = D extends { body: infer S extends zc.$ZodType } ? zc.output<S> : undefined;

/** A query field as sent: the schema's input where that is a string (an enum, say), else a string. */
type SentAs<T> = Exclude<T, undefined> extends string ? T : string;

/**
 * The query a route receives: the strings as sent (validated, not transformed), typed by the
 * schema's input side; any strings where the route declares no schema.
 */
export type QueryOf<D> = D extends { query: infer S extends zc.$ZodType }
  ? { [K in keyof zc.input<S>]: SentAs<zc.input<S>[K]> }
  : Record<string, string>;

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

function isMethod(m: string): m is HttpMethod {
  return METHODS.some((known) => known === m);
}

/** The declarations as routes (method and path apart), in declaration order. */
export function routesOf(declarations: RouteDeclarations): Route[] {
  return Object.entries(declarations).map(([key, declaration]) => {
    const space = key.indexOf(' ');
    const method = key.slice(0, space);
    if (!isMethod(method)) throw new Error(`route ${key}: unknown method ${method}`);
    return { method, path: key.slice(space + 1), ...declaration };
  });
}

export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
