/** The frontend-api function's routes: the Unleash frontend API, evaluated on the server. */
import { clientMetricsSchema, clientRegisterSchema, frontendRequestSchema } from '../schemas/client-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'frontend-api', entry: 'functions/handlers/frontend-api-handler.ts' } as const;

export const FRONTEND_API_ROUTES = {
  'GET /api/frontend': {
    ...fn,
    access: 'frontend',
    summary: 'Unleash frontend API: enabled toggles for the context in the query',
  },
  'POST /api/frontend': {
    ...fn,
    access: 'frontend',
    summary: 'Unleash frontend API: enabled toggles for the context in the body',
    body: frontendRequestSchema,
  },
  'POST /api/frontend/client/metrics': {
    ...fn,
    access: 'frontend',
    summary: 'Unleash frontend API: counts',
    body: clientMetricsSchema,
  },
  'POST /api/frontend/client/register': {
    ...fn,
    access: 'frontend',
    summary: 'Unleash frontend API: registration',
    body: clientRegisterSchema,
  },
} as const satisfies RouteDeclarations;
