/**
 * The admin-experiments function's routes: experiments, resume, rollout plans and backfill, and the
 * metric catalogue. Results and planning power are read by the experiment-history function
 * (experiment-history-routes.ts).
 */
import { experimentPutSchema, metricPutSchema } from '../../shared/model/experiment-schema';
import { backfillSchema } from '../schemas/backfill-schemas';
import { experimentResumeSchema, rolloutPlanSchema } from '../schemas/experiment-action-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = {
  function: 'admin-experiments',
  entry: 'functions/handlers/admin-experiments-handler.ts',
} as const;

export const ADMIN_EXPERIMENTS_ROUTES = {
  'GET /api/admin/experiments': { ...fn, access: 'admin-read', summary: 'List experiments' },
  'GET /api/admin/experiments/{key}': { ...fn, access: 'admin-read', summary: 'Read an experiment' },
  'PUT /api/admin/experiments/{key}': {
    ...fn,
    access: 'admin-write',
    summary: 'Create an experiment (no version) or change it (the version read); writes its flags too',
    body: experimentPutSchema,
  },
  'GET /api/admin/metrics': { ...fn, access: 'admin-read', summary: 'The metric catalogue' },
  'PUT /api/admin/metrics/{key}': {
    ...fn,
    access: 'admin-write',
    summary: 'Create a metric (no version) or change it (the version read)',
    body: metricPutSchema,
  },
  'POST /api/admin/experiments/{key}/resume': {
    ...fn,
    access: 'admin-write',
    summary: 'Ask to turn the treatment back on where a guardrail halted it (always a change request)',
    body: experimentResumeSchema,
  },
  'POST /api/admin/experiments/{key}/rollout-plan': {
    ...fn,
    access: 'admin-write',
    summary: "Ask to step the experiment's traffic share up at set times (a change request)",
    body: rolloutPlanSchema,
  },
  // Statistics from the raw events (docs/experiments.md, "Backfill"): DuckDB locally, Athena on AWS.
  'POST /api/admin/experiments/{key}/backfill': {
    ...fn,
    access: 'admin-write',
    summary:
      "Compute the experiment's statistics for catalogue metrics (quantiles too) from the raw events, and keep them for results",
    body: backfillSchema,
  },
} as const satisfies RouteDeclarations;
