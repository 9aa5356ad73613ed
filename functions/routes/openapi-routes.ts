/** The openapi function's route: the OpenAPI document (its function also answers CORS preflights on AWS). */
import type { RouteDeclarations } from './route-declaration';

export const OPENAPI_ROUTES = {
  'GET /api/openapi.json': {
    function: 'openapi',
    entry: 'functions/handlers/openapi-handler.ts',
    access: 'public',
    summary: 'This document',
  },
} as const satisfies RouteDeclarations;
