/** The OpenAPI 3 document of the whole HTTP API, generated from the route list and the request schemas. */
import * as z from 'zod';
import { type Access, ROUTES, routeKey } from '../../infra/routes';
import { OPERATIONS } from '../schemas/operations';

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

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const op = OPERATIONS[routeKey(route)];
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = op?.query ? (jsonSchema(op.query) as { properties?: Record<string, unknown> }) : undefined;
    const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      schema,
    }));
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: op?.summary ?? '',
      tags: [route.function],
      description: `Access: ${SECURITY[route.access].join(', ') || 'public'}.`,
      parameters: [...params, ...queryParams],
      security: route.access === 'public' ? [] : [{ ApiKeyAuth: [] }, { BearerAuth: [] }],
      responses: {
        '200': { description: 'OK' },
        '400': {
          description: 'Bad input; `field` names the problem',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        '401': { description: 'No token, or an unknown one' },
        '403': { description: 'The token lacks the right' },
      },
    };
    if (op?.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(op.body) } },
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
