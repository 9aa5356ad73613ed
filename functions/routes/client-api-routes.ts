/** The client-api function's routes: the Unleash client API (features, register, metrics). */
import { clientMetricsSchema, clientRegisterSchema } from '../schemas/client-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'client-api', entry: 'functions/handlers/client-api-handler.ts' } as const;

export const CLIENT_API_ROUTES = {
  'GET /api/client/features': {
    ...fn,
    access: 'client',
    summary: 'Unleash client API: the client-features document (ETag, 304)',
  },
  'POST /api/client/register': {
    ...fn,
    access: 'client',
    summary: 'Unleash client API: an SDK instance registers',
    body: clientRegisterSchema,
  },
  'POST /api/client/metrics': {
    ...fn,
    access: 'client',
    summary: 'Unleash client API: yes/no/variant counts',
    body: clientMetricsSchema,
  },
} as const satisfies RouteDeclarations;
