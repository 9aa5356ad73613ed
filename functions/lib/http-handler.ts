/**
 * The one middy stack every HTTP function runs, built from the function's route declarations
 * (functions/routes/) and its route table: look the route up, authenticate, authorize by the
 * route's access, parse the body (size limit, malformed JSON), validate with the route's schema,
 * and map every error to a status in one place. A client's mistake is a 4xx naming the field,
 * never a 500.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as zc from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import {
  ForbiddenError,
  NotFoundError,
  OmnilabError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '../../shared/model/errors';
import { personOf } from '../../shared/model/person';
import type { Principal, TokenRecord } from '../../shared/model/token';
import { mayCall, WRITE_ACCESS } from '../../shared/rights/access';
import type { TokenStore } from '../../shared/store/token-store';
import type { Route, RouteDeclaration, RouteDeclarations } from '../routes/route-declaration';
import type { ApiRequest, ApiResponse, RouteHandlers, RouteTable } from './api-types';
import { STATUS_BY_CODE } from './errors';
import { errorFields, logger, logInvocation } from './logger';
import { publishMetrics } from './metrics';
import { checkHeaderLengths, checkJsonDepth, checkStorableNumbers } from './request-bounds';
import {
  apiResponseHeaders,
  corsPolicyOfAccess,
  corsPolicyOfPath,
  type ResponseHeaderSettings,
} from './response-headers';
import { hashToken, tokenFromAuthorization } from './tokens';
import { isTransientAwsError } from './transient-error';

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

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

/** What the middlewares below hand each other on the middy request, in the order they run. */
interface Internal extends Record<string, unknown> {
  route?: { key: string; declaration: RouteDeclaration; headers: Record<string, string> };
  principal?: Principal;
}

/**
 * The validated request of each event in flight, by the event itself (never written on it): the
 * route receives it, and the streaming function reads it after the answer to keep the stream open.
 */
const validated = new WeakMap<Event, ApiRequest>();

/** The request the stack validated for this event and handed to its route; undefined if none was. */
export function validatedRequestOf(event: Event): ApiRequest | undefined {
  return validated.get(event);
}
type Middleware = middy.MiddlewareObj<Event, Result, Error, Context, Internal>;
type MiddyRequest = middy.Request<Event, Result, Error, Context, Internal>;

function routeOf(request: MiddyRequest): NonNullable<Internal['route']> {
  if (!request.internal.route) throw new Error('the route is found before it is used');
  return request.internal.route;
}

function principalOfRequest(request: MiddyRequest): Principal {
  if (!request.internal.principal) throw new Error('the caller is authenticated before it is authorized');
  return request.internal.principal;
}

const ANONYMOUS: Principal = { name: 'anonymous', kind: 'client' };

function pathOf(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (p === '') out += '[""]';
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** The zod issue as `field.path[0].name: message`, so the caller knows exactly what to fix. */
export function validationErrorFrom(error: zc.$ZodError, root = ''): ValidationError {
  const issue = error.issues[0];
  const base = [...(root ? [root] : []), ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return new ValidationError('is not a known field', pathOf([...base, issue.keys[0]]));
  }
  return new ValidationError(issue.message, pathOf(base) || 'body');
}

export function parseBody(raw: string | undefined, isBase64: boolean | undefined, limit: number): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = isBase64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > limit) throw new PayloadTooLargeError(limit);
  checkJsonDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`is not valid JSON (${(e as Error).message})`, 'body');
  }
  checkStorableNumbers(parsed);
  return parsed;
}

/** Names, keys and ids in paths become DynamoDB keys, which refuse anything over 1 KB: say so first. */
const MAX_PARAM_BYTES = 1024;

function checkedParams(params: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    if (Buffer.byteLength(value, 'utf8') > MAX_PARAM_BYTES)
      throw new ValidationError(`is longer than ${MAX_PARAM_BYTES} bytes`, name);
    out[name] = value;
  }
  return out;
}

function principalOf(t: TokenRecord): Principal {
  const { hash: _hash, id: _id, createdAt: _createdAt, createdBy: _createdBy, ...principal } = t;
  // Tokens minted before persons existed belong to the person their name names.
  return t.kind === 'admin' ? { ...principal, person: personOf(t) } : principal;
}

function errorResult(status: number, code: string, message: string, field?: string): Result {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(field ? { code, message, field } : { code, message }),
  };
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

function lowerCased(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/**
 * The mark of a route table whose writes go through the governed commit
 * (functions/lib/governed-handler.ts). A table without it may hold no configuration write route.
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
  const verified = new Map<string, { token: TokenRecord; at: number }>();

  async function principalFor(headers: Record<string, string>): Promise<Principal> {
    const secret = tokenFromAuthorization(headers.authorization);
    if (!secret) throw new UnauthorizedError();
    const hash = hashToken(secret);
    const cached = verified.get(hash);
    if (cached && Date.now() - cached.at < deps.tokenCacheMs) return principalOf(cached.token);
    const token = await deps.tokens.get(hash);
    if (!token) throw new UnauthorizedError('the token is not known (or was revoked)');
    if (deps.tokenCacheMs > 0) verified.set(hash, { token, at: Date.now() });
    return principalOf(token);
  }

  /** The declared route of the request (404 for any other), its headers lower-cased and bounded. */
  const findRoute: Middleware = {
    before: async (request) => {
      const key = request.event.routeKey;
      const declaration = declared.get(key);
      if (!declaration || !table.has(key)) throw new NotFoundError(`no route ${key}`);
      // Every line logged while this request runs names its route (reset after the invocation).
      logger.appendKeys({ route: key });
      const headers = lowerCased(request.event.headers);
      checkHeaderLengths(headers);
      request.internal.route = { key, declaration, headers };
    },
  };

  /** Who calls: the token's principal (401 without a known one), anonymous on public routes. */
  const authenticate: Middleware = {
    before: async (request) => {
      const { declaration, headers } = routeOf(request);
      // Authentication comes before the body: an anonymous caller learns nothing about the schema.
      request.internal.principal = declaration.access === 'public' ? ANONYMOUS : await principalFor(headers);
    },
  };

  /** Whether that principal may call the route at all (shared/rights/access.ts), else 403. */
  const authorize: Middleware = {
    before: async (request) => {
      const { key, declaration } = routeOf(request);
      const principal = principalOfRequest(request);
      if (!mayCall(declaration.access, principal)) {
        throw new ForbiddenError(
          `a ${principal.kind}${principal.role ? ` (${principal.role})` : ''} token may not call ${key}`,
        );
      }
    },
  };

  /**
   * The body parsed (size limit, malformed JSON) and validated by the route's schema, the query
   * validated, path parameters bounded: the request the route receives.
   */
  const parseAndValidate: Middleware = {
    before: async (request) => {
      const { event } = request;
      const { key, declaration, headers } = routeOf(request);
      let body: unknown;
      if (declaration.body) {
        const parsed = parseBody(
          event.body,
          event.isBase64Encoded,
          declaration.maxBodyBytes ?? deps.maxBodyBytes,
        );
        const result = safeParse(declaration.body, parsed ?? {});
        if (!result.success) throw validationErrorFrom(result.error);
        body = result.data;
      }
      const query = (event.queryStringParameters ?? {}) as Record<string, string>;
      if (declaration.query) {
        const result = safeParse(declaration.query, query);
        if (!result.success) throw validationErrorFrom(result.error, 'query');
      }
      validated.set(event, {
        routeKey: key,
        params: checkedParams(event.pathParameters),
        query,
        headers,
        body,
        principal: principalOfRequest(request),
        sourceIp: event.requestContext?.http?.sourceIp,
      });
    },
  };

  const mapErrors: Middleware = {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof OmnilabError) {
        const field = error instanceof ValidationError ? error.field : undefined;
        request.response = errorResult(STATUS_BY_CODE[error.code], error.code, error.message, field);
        if (error instanceof ServiceUnavailableError) {
          request.response.headers = {
            ...request.response.headers,
            'retry-after': String(error.retryAfterSeconds),
          };
        }
        return;
      }
      // Only the error's class and code and the route: messages may carry customer ids or secrets.
      const route = request.event?.routeKey;
      if (isTransientAwsError(error)) {
        logger.warn('the database was busy: answered 503', {
          route,
          error: errorFields(error),
          retryable: true,
        });
        request.response = errorResult(
          503,
          'UNAVAILABLE',
          'the database is busy or restarting: send the same request again (event ids make that safe)',
        );
        request.response.headers = { ...request.response.headers, 'retry-after': '1' };
        return;
      }
      logger.error('the route failed: answered 500', {
        route,
        error: errorFields(error, { awsMessage: true }),
      });
      request.response = errorResult(500, 'INTERNAL', 'internal error');
    },
  };

  // First in, last out: it answers preflights before anything else, and gives every answer,
  // errors included, its security and CORS headers.
  const headerSettings = deps.responseHeaders ?? { consoleOrigins: [], hstsMaxAgeSeconds: 0 };
  const responseHeaders: Middleware = {
    before: async (request) => {
      const event = request.event;
      if (event.requestContext?.http?.method !== 'OPTIONS') return undefined;
      return {
        statusCode: 204,
        headers: apiResponseHeaders(
          corsPolicyOfPath(event.rawPath ?? '', corsRoutes),
          event.headers,
          headerSettings,
          true,
        ),
        body: '',
      };
    },
    after: async (request) => addResponseHeaders(request.event, request.response),
    onError: async (request) => addResponseHeaders(request.event, request.response),
  };
  function addResponseHeaders(event: Event, response: Result | null | undefined): void {
    if (!response) return;
    const access = declared.get(event.routeKey)?.access;
    const policy = access ? corsPolicyOfAccess(access) : corsPolicyOfPath(event.rawPath ?? '', corsRoutes);
    response.headers = {
      ...response.headers,
      ...apiResponseHeaders(policy, event.headers, headerSettings),
    };
  }

  return middy<Event, Result, Error, Context, Internal>()
    .use(logInvocation())
    .use(publishMetrics())
    .use(responseHeaders)
    .use(mapErrors)
    .use(findRoute)
    .use(authenticate)
    .use(authorize)
    .use(parseAndValidate)
    .handler(async (event) => {
      const api = validated.get(event);
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
export function lazyHandler(create: () => HttpHandler) {
  let built: HttpHandler | undefined;
  return (event: Event, context: Parameters<HttpHandler>[1]): Promise<Result> => {
    built ??= create();
    return built(event, context);
  };
}
