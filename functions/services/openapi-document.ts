/**
 * The OpenAPI 3 document of the whole HTTP API, generated from the route list and the request
 * schemas. Every status a route is documented with is one the server sends for it: its own
 * successes (201 for creates, 202 for held changes and accepted metrics, 204, 304), and the errors
 * the one HTTP stack and the route can answer (test/openapi-statuses.test.ts walks every route).
 */
import type * as zc from 'zod/v4/core';
import { toJSONSchema } from 'zod/v4/core';
import { type Access, ROUTES, type Route, routeKey } from '../routes/routes';

const SECURITY: Record<Access, string[]> = {
  public: [],
  client: ['client token'],
  frontend: ['frontend token'],
  evaluation: ['client or frontend token'],
  'admin-read': ['admin token (any role)'],
  'admin-write': ['platform-admin token, or the owning squad'],
  'platform-admin': ['platform-admin token'],
  approver: ['platform-admin, auditor, or owning squad token (never the author)'],
  'audit-read': ['platform-admin, product-owner or auditor token'],
};

function jsonSchema(schema: zc.$ZodType): unknown {
  return toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
}

type Responses = Record<string, { description: string; content?: unknown }>;

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
const HELD =
  'Held: a change request opened (or the same change already pending, `alreadyPending`), `{ changeRequest, message }`';
const UNCHANGED =
  'Nothing to change: the stored item as it is, version kept, header `omnilab-unchanged: true`';

/**
 * Each route's successes, where they are not a plain 200 (or a 200 a held change can replace).
 * Statuses by route key, as the handlers answer them.
 */
const SUCCESSES: Record<string, Record<string, string>> = {
  'POST /api/admin/flags': { '201': 'Created' },
  'POST /api/admin/segments': { '201': 'Created' },
  'POST /api/admin/environments': { '201': 'Created' },
  'POST /api/admin/tokens': { '201': 'Created: the token, its secret shown this once' },
  'DELETE /api/admin/tokens/{id}': { '204': 'Revoked' },
  'PUT /api/admin/experiments/{key}': { '200': `Changed; or: ${UNCHANGED}`, '201': 'Created' },
  'PUT /api/admin/metrics/{key}': { '200': `Changed; or: ${UNCHANGED}`, '201': 'Created' },
  'POST /api/admin/experiments/{key}/rollout-plan': {},
  'POST /api/admin/change-requests/{id}/apply': {
    '200': 'Applied',
    '409': 'It could not apply (a target changed meanwhile): the request is `failed`',
  },
  'GET /api/client/features': { '200': 'OK', '304': 'Not modified (`If-None-Match` matched the ETag)' },
  'GET /api/frontend': { '200': 'OK', '304': 'Not modified (`If-None-Match` matched the ETag)' },
  'POST /api/frontend': { '200': 'OK', '304': 'Not modified (`If-None-Match` matched the ETag)' },
  'POST /ofrep/v1/evaluate/flags': { '200': 'OK', '304': 'Not modified (`If-None-Match` matched the ETag)' },
  'POST /api/client/register': { '202': 'Accepted' },
  'POST /api/client/metrics': { '202': 'Accepted' },
  'POST /api/frontend/client/register': { '202': 'Accepted' },
  'POST /api/frontend/client/metrics': { '202': 'Accepted' },
};

/** Admin writes run through the governed commit: any of them may be held (202). */
function governedWrite(route: Route): boolean {
  return (
    route.method !== 'GET' &&
    route.function !== 'admin-governance' &&
    (route.access === 'admin-write' || route.access === 'platform-admin')
  );
}

/** Every status the route can answer: its successes, then the errors the stack and the route give. */
export function routeResponses(route: Route): Responses {
  const key = routeKey(route);
  const out: Responses = {};
  const own = SUCCESSES[key] ?? {
    '200': route.method === 'PUT' && governedWrite(route) ? `Changed; or: ${UNCHANGED}` : 'OK',
  };
  for (const [status, description] of Object.entries(own)) out[status] = { description };
  if (governedWrite(route)) out['202'] = { description: HELD };
  const admin = route.path.startsWith('/api/admin/');
  const error = (status: string, description: string) => {
    out[status] ??= { description, content: ERROR_BODY };
  };
  error('400', 'Bad input (a body, query, path parameter or header); `field` names the problem');
  if (route.access !== 'public') {
    error('401', 'No token, or an unknown one');
    error('403', 'The token lacks the right');
  }
  if (route.path.includes('{') || (admin && route.method !== 'GET'))
    error('404', 'Not found: what the path (or the body) names does not exist');
  if (admin && route.method !== 'GET')
    error('409', 'A version conflict (send the version you read), or it exists already');
  if (route.body || governedWrite(route))
    error('413', 'Too large: the body, or the served document the change would grow past its bound');
  if (route.access !== 'public')
    error('503', 'The database is busy or restarting: retry after `Retry-After` seconds');
  error('500', 'Internal error');
  return out;
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = route.query
      ? (jsonSchema(route.query) as { properties?: Record<string, unknown> })
      : undefined;
    const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      schema,
    }));
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      tags: [route.function],
      description: `Access: ${SECURITY[route.access].join(', ') || 'public'}.`,
      parameters: [...params, ...queryParams],
      security: route.access === 'public' ? [] : [{ ApiKeyAuth: [] }, { BearerAuth: [] }],
      responses: routeResponses(route),
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body) } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'omnilab',
      version: '0.1.0',
      description: 'Feature flags and A/B experiments for every channel of a retail bank.',
    },
    paths,
    components: {
      securitySchemes: {
        ApiKeyAuth: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'The token itself, as Unleash SDKs send it',
        },
        BearerAuth: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
        },
      },
    },
  };
}
