/** The data-quality function's route: per channel and day, from the raw event store (DuckDB locally, Athena on AWS). */
import { dataQualityQuerySchema } from '../schemas/data-quality-schemas';
import type { RouteDeclarations } from './route-declaration';

export const DATA_QUALITY_ROUTES = {
  'GET /api/admin/data-quality': {
    function: 'data-quality',
    entry: 'functions/handlers/data-quality-handler.ts',
    access: 'admin-read',
    summary:
      'Data quality per channel and received day, from the raw events: received, accepted, stored raw, duplicates, late, rejected by reason',
    query: dataQualityQuerySchema,
  },
} as const satisfies RouteDeclarations;
