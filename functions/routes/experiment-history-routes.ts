/**
 * The experiment-history function's routes, every read-only analysis of an experiment's statistics:
 * its results, their cumulative history by day, and a metric's planning power.
 */

import { metricPowerQuerySchema } from '../schemas/planning-schemas';
import { resultsQuerySchema } from './results-query-schema';
import type { RouteDeclarations } from './route-declaration';

const fn = {
  function: 'experiment-history',
  entry: 'functions/handlers/experiment-history-handler.ts',
} as const;

export const EXPERIMENT_HISTORY_ROUTES = {
  'GET /api/admin/experiments/{key}/results': {
    ...fn,
    access: 'admin-read',
    summary: "An experiment's results: lift, intervals, chance to win, SRM, guardrails, verdict",
    query: resultsQuerySchema,
  },
  'GET /api/admin/experiments/{key}/results/history': {
    ...fn,
    access: 'admin-read',
    summary:
      'Cumulative results at the end of each day of the events: lift and interval per goal metric and variant',
    query: resultsQuerySchema,
  },
  // Planning: the minimum detectable effect of a metric for the traffic and days expected.
  'GET /api/admin/metrics/{key}/power': {
    ...fn,
    access: 'admin-read',
    summary:
      "Planning: a metric's minimum detectable effect for the expected daily units and days, from its historical variance when an earlier experiment measured it",
    query: metricPowerQuerySchema,
  },
} as const satisfies RouteDeclarations;
