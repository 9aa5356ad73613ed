/**
 * What each route accepts, by route key: the HTTP stack validates requests with these schemas and
 * the OpenAPI document is generated from them.
 */
import * as z from 'zod';
import { appConfigFlagsSchema, appConfigImportQuerySchema } from '../../shared/model/appconfig-import';
import { MAX_EVENT_BATCH_BYTES } from '../../shared/model/event';
import { eventBatchSchema } from '../../shared/model/event-schema';
import { experimentPutSchema, metricPutSchema } from '../../shared/model/experiment-schema';
import {
  exportQuerySchema,
  unleashExportSchema,
  unleashImportQuerySchema,
} from '../../shared/model/unleash-export-schema';
import {
  auditExportQuerySchema,
  auditQuerySchema,
  changeRequestDecisionSchema,
  changeRequestEditSchema,
  changeRequestListSchema,
  channelToggleSchema,
  environmentCreateSchema,
  environmentStateUpdateSchema,
  environmentUpdateSchema,
  experimentResumeSchema,
  flagCreateSchema,
  flagUpdateSchema,
  importSchema,
  notificationsQuerySchema,
  rolloutPlanSchema,
  segmentCreateSchema,
  segmentUpdateSchema,
  tokenCreateSchema,
} from './admin-schemas';
import { backfillSchema } from './backfill-schemas';
import {
  clientMetricsSchema,
  clientRegisterSchema,
  frontendRequestSchema,
  ofrepRequestSchema,
} from './client-schemas';
import { dataQualityQuerySchema } from './data-quality-schemas';
import { metricPowerQuerySchema } from './planning-schemas';
import {
  flagLifecycleSchema,
  flagPromoteSchema,
  releasePlanActionSchema,
  releasePlanPutSchema,
  releaseTemplateCreateSchema,
  releaseTemplateUpdateSchema,
} from './release-schemas';

export interface Operation {
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Bodies above this are refused with 413; defaults to the configured limit. */
  maxBodyBytes?: number;
}

export const OPERATIONS: Record<string, Operation> = {
  'PUT /api/admin/environments/{env}': {
    summary: 'Protect an environment, or ask to lift its protection (a change request)',
    body: environmentUpdateSchema,
  },
  'POST /api/admin/experiments/{key}/resume': {
    summary: 'Ask to turn the treatment back on where a guardrail halted it (always a change request)',
    body: experimentResumeSchema,
  },
  'POST /api/admin/experiments/{key}/rollout-plan': {
    summary: "Ask to step the experiment's traffic share up at set times (a change request)",
    body: rolloutPlanSchema,
  },
  'POST /api/admin/experiments/{key}/backfill': {
    summary:
      "Compute the experiment's statistics for catalogue metrics (quantiles too) from the raw events, and keep them for results",
    body: backfillSchema,
  },
  'GET /api/admin/change-requests': {
    summary: 'List change requests, newest first',
    query: changeRequestListSchema,
  },
  'GET /api/admin/change-requests/{id}': { summary: 'Read a change request' },
  'PUT /api/admin/change-requests/{id}': {
    summary: "Edit a change request's write (the author only); approvals given so far stop counting",
    body: changeRequestEditSchema,
  },
  'POST /api/admin/change-requests/{id}/approve': {
    summary: 'Approve a change request (never your own), or review a kill switch',
    body: changeRequestDecisionSchema,
  },
  'POST /api/admin/change-requests/{id}/reject': {
    summary: 'Reject a change request (its author withdraws it)',
    body: changeRequestDecisionSchema,
  },
  'POST /api/admin/change-requests/{id}/apply': {
    summary: 'Apply an approved change request now',
    body: changeRequestDecisionSchema,
  },
  'GET /api/admin/audit/verify': { summary: 'Verify the audit hash chain; names the first broken entry' },
  'GET /api/admin/audit/export': {
    summary: 'The audit log for a date range, as JSON or CSV, with its hashes',
    query: auditExportQuerySchema,
  },
  'GET /api/admin/notifications': {
    summary: 'Guardrail roll-backs and other alerts, newest first',
    query: notificationsQuerySchema,
  },
  'GET /api/admin/flags': { summary: 'List flags' },
  'POST /api/admin/flags': { summary: 'Create a flag', body: flagCreateSchema },
  'GET /api/admin/flags/{name}': { summary: 'Read a flag' },
  'PUT /api/admin/flags/{name}': {
    summary: 'Change a flag (carries the version read)',
    body: flagUpdateSchema,
  },
  'PUT /api/admin/flags/{name}/environments/{env}': {
    summary: "Change a flag's state in one environment",
    body: environmentStateUpdateSchema,
  },
  'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}': {
    summary: 'Turn a flag on or off for one channel of one environment',
    body: channelToggleSchema,
  },
  'GET /api/admin/flags/{name}/audit': {
    summary: "A flag's audit log, newest first",
    query: auditQuerySchema,
  },
  'GET /api/admin/flags/{name}/metrics': {
    summary: 'Yes/no/variant counts reported by SDKs, per app and channel',
  },
  'GET /api/admin/environments': { summary: 'List environments' },
  'POST /api/admin/environments': { summary: 'Create an environment', body: environmentCreateSchema },
  'GET /api/admin/environments/{env}/audit': {
    summary: "An environment's audit log, newest first",
    query: auditQuerySchema,
  },
  'GET /api/admin/environments/{env}/applications': { summary: 'SDK instances that registered' },
  'POST /api/admin/environments/{env}/import': {
    summary: 'Make the flags match an Unleash client-features document',
    body: importSchema,
    maxBodyBytes: 5 * 1024 * 1024,
  },
  'GET /api/admin/environments/{env}/export': {
    summary: "The environment's Unleash client-features document; format=unleash: a features-batch export",
    query: exportQuerySchema,
  },
  'GET /api/admin/segments': { summary: 'List segments' },
  'POST /api/admin/segments': { summary: 'Create a segment', body: segmentCreateSchema },
  'GET /api/admin/segments/{id}': { summary: 'Read a segment' },
  'PUT /api/admin/segments/{id}': {
    summary: 'Change a segment (carries the version read)',
    body: segmentUpdateSchema,
  },
  'GET /api/admin/tokens': { summary: 'List tokens, without secrets' },
  'POST /api/admin/tokens': { summary: 'Create a token; its secret is shown once', body: tokenCreateSchema },
  'DELETE /api/admin/tokens/{id}': { summary: 'Revoke a token' },
  'GET /api/admin/me': { summary: 'The principal of the token sent: its kind, role and squad' },
  'GET /api/admin/experiments': { summary: 'List experiments' },
  'GET /api/admin/experiments/{key}': { summary: 'Read an experiment' },
  'PUT /api/admin/experiments/{key}': {
    summary: 'Create an experiment (no version) or change it (the version read); writes its flags too',
    body: experimentPutSchema,
  },
  'GET /api/admin/experiments/{key}/results': {
    summary: "An experiment's results: lift, intervals, chance to win, SRM, guardrails, verdict",
    query: z.strictObject({ channel: z.string().min(1).max(50).optional() }),
  },
  'GET /api/admin/experiments/{key}/results/history': {
    summary:
      'Cumulative results at the end of each day of the events: lift and interval per goal metric and variant',
    query: z.strictObject({ channel: z.string().min(1).max(50).optional() }),
  },
  'GET /api/admin/metrics': { summary: 'The metric catalogue' },
  'PUT /api/admin/metrics/{key}': {
    summary: 'Create a metric (no version) or change it (the version read)',
    body: metricPutSchema,
  },
  'POST /api/events': {
    summary: 'Ingest up to 500 exposure and metric events; each gets its own outcome',
    body: eventBatchSchema,
    maxBodyBytes: MAX_EVENT_BATCH_BYTES,
  },
  'GET /api/client/features': { summary: 'Unleash client API: the client-features document (ETag, 304)' },
  'POST /api/client/register': {
    summary: 'Unleash client API: an SDK instance registers',
    body: clientRegisterSchema,
  },
  'POST /api/client/metrics': {
    summary: 'Unleash client API: yes/no/variant counts',
    body: clientMetricsSchema,
  },
  'GET /api/frontend': { summary: 'Unleash frontend API: enabled toggles for the context in the query' },
  'POST /api/frontend': {
    summary: 'Unleash frontend API: enabled toggles for the context in the body',
    body: frontendRequestSchema,
  },
  'POST /api/frontend/client/metrics': { summary: 'Unleash frontend API: counts', body: clientMetricsSchema },
  'POST /api/frontend/client/register': {
    summary: 'Unleash frontend API: registration',
    body: clientRegisterSchema,
  },
  'POST /ofrep/v1/evaluate/flags/{key}': { summary: 'OFREP: evaluate one flag', body: ofrepRequestSchema },
  'POST /ofrep/v1/evaluate/flags': {
    summary: 'OFREP: evaluate every flag (ETag covers the context)',
    body: ofrepRequestSchema,
  },
  'GET /api/openapi.json': { summary: 'This document' },
  'POST /api/admin/import/unleash/plan': {
    summary: 'The plan of importing an Unleash features-batch export: per flag what changes, and warnings',
    body: unleashExportSchema,
    query: unleashImportQuerySchema,
    maxBodyBytes: 5 * 1024 * 1024,
  },
  'POST /api/admin/import/unleash': {
    summary: 'Import an Unleash features-batch export (through governance: production changes are held)',
    body: unleashExportSchema,
    query: unleashImportQuerySchema,
    maxBodyBytes: 5 * 1024 * 1024,
  },
  'POST /api/admin/import/appconfig/plan': {
    summary: 'The plan of importing an AWS AppConfig feature-flag profile (AWS.AppConfig.FeatureFlags)',
    body: appConfigFlagsSchema,
    query: appConfigImportQuerySchema,
    maxBodyBytes: 5 * 1024 * 1024,
  },
  'POST /api/admin/import/appconfig': {
    summary: 'Import an AWS AppConfig feature-flag profile into one environment (through governance)',
    body: appConfigFlagsSchema,
    query: appConfigImportQuerySchema,
    maxBodyBytes: 5 * 1024 * 1024,
  },
  'GET /openfeature/v0/manifest': {
    summary: 'OpenFeature CLI manifest: every flag with its type and default value, for openfeature pull',
  },
  'GET /api/admin/context-fields': {
    summary: 'Context field definitions, as an Unleash import brought them (exported with format=unleash)',
  },
  'GET /api/admin/tag-types': {
    summary: 'Tag types (as an Unleash import brought them; exported back with format=unleash)',
  },
  'GET /api/admin/metrics/{key}/power': {
    summary:
      "Planning: a metric's minimum detectable effect for the expected daily units and days, from its historical variance when an earlier experiment measured it",
    query: metricPowerQuerySchema,
  },
  'GET /api/admin/release-templates': { summary: 'Release templates: ordered milestones across channels' },
  'POST /api/admin/release-templates': {
    summary: 'Create a release template',
    body: releaseTemplateCreateSchema,
  },
  'GET /api/admin/release-templates/{id}': { summary: 'Read a release template' },
  'PUT /api/admin/release-templates/{id}': {
    summary:
      'Change a release template (carries the version read); plans keep the milestones they started with',
    body: releaseTemplateUpdateSchema,
  },
  'GET /api/admin/flags/{name}/environments/{env}/release-plan': {
    summary: "The flag's release plan in the environment: status, milestones, current, gates, safeguards",
  },
  'PUT /api/admin/flags/{name}/environments/{env}/release-plan': {
    summary:
      'Start a release plan from a template (the flag version read), or replace a live plan’s milestones (the plan version read; it needs approval again)',
    body: releasePlanPutSchema,
  },
  'GET /api/admin/data-quality': {
    summary:
      'Data quality per channel and received day, from the raw events: received, accepted, stored raw, duplicates, late, rejected by reason',
    query: dataQualityQuerySchema,
  },
  'GET /api/admin/release-cleanup': {
    summary: 'Cleanup report: flags fully rolled out, or not evaluated anywhere for ?days (default 30)',
  },
  'POST /api/admin/flags/{name}/promote': {
    summary:
      "Copy a flag's state from one environment to another as one change (held, with its effect, when it reaches a protected one)",
    body: flagPromoteSchema,
  },
  'PUT /api/admin/flags/{name}/lifecycle': {
    summary:
      "Set a flag's lifecycle stage (null: derived from evidence again); held as a change request where the flag is in a protected environment",
    body: flagLifecycleSchema,
  },
  'POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}': {
    summary:
      'pause, resume, skip (an edit: approval again), abort, or approve the plan or one milestone’s gate',
    body: releasePlanActionSchema,
  },
  'GET /api/client/delta': {
    summary:
      'Unleash delta API: the events from the If-None-Match revision (else a hydration); the revision in the ETag, 304 when current',
  },
  'GET /api/client/streaming': {
    summary:
      'Unleash streaming API (SSE): unleash-connected with what the client lacks (Last-Event-ID), then unleash-updated deltas',
  },
  'GET /ofrep/v1/sse': {
    summary:
      "OFREP change notification (ADR-0008, SSE): a refresh message when the environment's flags change; offered in bulk evaluation's eventStreams",
  },
};
