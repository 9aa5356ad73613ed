/** The ofrep function's routes: OpenFeature Remote Evaluation, one flag or all. */
import { ofrepRequestSchema } from '../schemas/client-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'ofrep', entry: 'functions/handlers/ofrep-handler.ts' } as const;

export const OFREP_ROUTES = {
  'POST /ofrep/v1/evaluate/flags/{key}': {
    ...fn,
    access: 'evaluation',
    summary: 'OFREP: evaluate one flag',
    body: ofrepRequestSchema,
  },
  'POST /ofrep/v1/evaluate/flags': {
    ...fn,
    access: 'evaluation',
    summary: 'OFREP: evaluate every flag (ETag covers the context)',
    body: ofrepRequestSchema,
  },
} as const satisfies RouteDeclarations;
