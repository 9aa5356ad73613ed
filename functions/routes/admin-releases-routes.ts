/**
 * The admin-releases function's routes: release templates and plans, the cleanup report, promotion
 * between environments and lifecycle stages.
 */
import {
  flagLifecycleSchema,
  flagPromoteSchema,
  releasePlanActionSchema,
  releasePlanPutSchema,
  releaseTemplateCreateSchema,
  releaseTemplateUpdateSchema,
} from '../schemas/release-schemas';
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'admin-releases', entry: 'functions/handlers/admin-releases-handler.ts' } as const;

export const ADMIN_RELEASES_ROUTES = {
  'GET /api/admin/release-templates': {
    ...fn,
    access: 'admin-read',
    summary: 'Release templates: ordered milestones across channels',
  },
  'POST /api/admin/release-templates': {
    ...fn,
    access: 'admin-write',
    summary: 'Create a release template',
    body: releaseTemplateCreateSchema,
  },
  'GET /api/admin/release-templates/{id}': {
    ...fn,
    access: 'admin-read',
    summary: 'Read a release template',
  },
  'PUT /api/admin/release-templates/{id}': {
    ...fn,
    access: 'admin-write',
    summary:
      'Change a release template (carries the version read); plans keep the milestones they started with',
    body: releaseTemplateUpdateSchema,
  },
  'GET /api/admin/flags/{name}/environments/{env}/release-plan': {
    ...fn,
    access: 'admin-read',
    summary: "The flag's release plan in the environment: status, milestones, current, gates, safeguards",
  },
  'PUT /api/admin/flags/{name}/environments/{env}/release-plan': {
    ...fn,
    access: 'admin-write',
    summary:
      'Start a release plan from a template (the flag version read), or replace a live plan’s milestones (the plan version read; it needs approval again)',
    body: releasePlanPutSchema,
  },
  // pause, resume, skip, abort (the flag's squad or a platform admin) and approve (risk too).
  'POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}': {
    ...fn,
    access: 'approver',
    summary:
      'pause, resume, skip (an edit: approval again), abort, or approve the plan or one milestone’s gate',
    body: releasePlanActionSchema,
  },
  // Flags to remove from code: fully rolled out, or unused for ?days=N.
  'GET /api/admin/release-cleanup': {
    ...fn,
    access: 'admin-read',
    summary: 'Cleanup report: flags fully rolled out, or not evaluated anywhere for ?days (default 30)',
  },
  // A flag's state in one environment copied to another, as one governed change.
  'POST /api/admin/flags/{name}/promote': {
    ...fn,
    access: 'admin-write',
    summary:
      "Copy a flag's state from one environment to another as one change (held, with its effect, when it reaches a protected one)",
    body: flagPromoteSchema,
  },
  // A lifecycle stage set by a person, governed like the flag's other writes.
  'PUT /api/admin/flags/{name}/lifecycle': {
    ...fn,
    access: 'admin-write',
    summary:
      "Set a flag's lifecycle stage (null: derived from evidence again); held as a change request where the flag is in a protected environment",
    body: flagLifecycleSchema,
  },
} as const satisfies RouteDeclarations;
