/** The experiment-history function's route: cumulative results at the end of each day. */

import { resultsQuerySchema } from './results-query-schema';
import type { RouteDeclarations } from './route-declaration';

export const EXPERIMENT_HISTORY_ROUTES = {
  'GET /api/admin/experiments/{key}/results/history': {
    function: 'experiment-history',
    entry: 'functions/handlers/experiment-history-handler.ts',
    access: 'admin-read',
    summary:
      'Cumulative results at the end of each day of the events: lift and interval per goal metric and variant',
    query: resultsQuerySchema,
  },
} as const satisfies RouteDeclarations;
