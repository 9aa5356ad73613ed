/**
 * Every HTTP route of omnilab, once. CDK builds one Lambda per `function` from `entry` (bundled by
 * path, so this file never imports a handler) and an HTTP API route per entry; the local server
 * imports `entry` and serves the same handler. Request schemas: functions/schemas/operations.ts.
 */

import type { Access } from '../shared/rights/access';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Who may call a route; finer rights (a squad's own flags) are checked by the handler. */
export type { Access } from '../shared/rights/access';

export interface Route {
  method: HttpMethod;
  /** API Gateway style: `/api/admin/flags/{name}`. */
  path: string;
  /** Stable function name: the Lambda function and its log group are named after it. */
  function: string;
  /** The handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  access: Access;
}

const ADMIN_FLAGS = 'functions/handlers/admin-flags-handler.ts';
const ADMIN_ENVIRONMENTS = 'functions/handlers/admin-environments-handler.ts';
const ADMIN_SEGMENTS = 'functions/handlers/admin-segments-handler.ts';
const ADMIN_TOKENS = 'functions/handlers/admin-tokens-handler.ts';
const CLIENT = 'functions/handlers/client-api-handler.ts';
const FRONTEND = 'functions/handlers/frontend-api-handler.ts';
const OFREP = 'functions/handlers/ofrep-handler.ts';
const OPENAPI = 'functions/handlers/openapi-handler.ts';
const ADMIN_EXPERIMENTS = 'functions/handlers/admin-experiments-handler.ts';
const EVENTS = 'functions/handlers/events-handler.ts';
const ADMIN_GOVERNANCE = 'functions/handlers/admin-governance-handler.ts';

function governance(method: HttpMethod, path: string, access: Access): Route {
  return { method, path, function: 'admin-governance', entry: ADMIN_GOVERNANCE, access };
}
const EXPERIMENT_HISTORY = 'functions/handlers/experiment-history-handler.ts';
const ADMIN_RELEASES = 'functions/handlers/admin-releases-handler.ts';
const DATA_QUALITY = 'functions/handlers/data-quality-handler.ts';

function releaseRoutes(): Route[] {
  const release = (method: HttpMethod, path: string, access: Access): Route => ({
    method,
    path,
    function: 'admin-releases',
    entry: ADMIN_RELEASES,
    access,
  });
  const plan = '/api/admin/flags/{name}/environments/{env}/release-plan';
  return [
    release('GET', '/api/admin/release-templates', 'admin-read'),
    release('POST', '/api/admin/release-templates', 'admin-write'),
    release('GET', '/api/admin/release-templates/{id}', 'admin-read'),
    release('PUT', '/api/admin/release-templates/{id}', 'admin-write'),
    release('GET', plan, 'admin-read'),
    release('PUT', plan, 'admin-write'),
    // pause, resume, skip, abort (the flag's squad or a platform admin) and approve (risk too).
    release('POST', `${plan}/{action}`, 'approver'),
    // Flags to remove from code: fully rolled out, or unused for ?days=N.
    release('GET', '/api/admin/release-cleanup', 'admin-read'),
    // A flag's state in one environment copied to another, as one governed change.
    release('POST', '/api/admin/flags/{name}/promote', 'admin-write'),
    // A lifecycle stage set by a person, governed like the flag's other writes.
    release('PUT', '/api/admin/flags/{name}/lifecycle', 'admin-write'),
  ];
}

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/admin/flags',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/flags',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-write',
  },
  {
    method: 'GET',
    path: '/api/admin/flags/{name}',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-read',
  },
  {
    method: 'PUT',
    path: '/api/admin/flags/{name}',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-write',
  },
  {
    method: 'PUT',
    path: '/api/admin/flags/{name}/environments/{env}',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-write',
  },
  {
    method: 'PUT',
    path: '/api/admin/flags/{name}/environments/{env}/channels/{channel}',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-write',
  },
  {
    method: 'GET',
    path: '/api/admin/flags/{name}/audit',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/flags/{name}/metrics',
    function: 'admin-flags',
    entry: ADMIN_FLAGS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/environments',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/environments',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'platform-admin',
  },
  {
    method: 'GET',
    path: '/api/admin/environments/{env}/audit',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/environments/{env}/applications',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/environments/{env}/import',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'platform-admin',
  },
  {
    method: 'GET',
    path: '/api/admin/environments/{env}/export',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/segments',
    function: 'admin-segments',
    entry: ADMIN_SEGMENTS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/segments',
    function: 'admin-segments',
    entry: ADMIN_SEGMENTS,
    access: 'admin-write',
  },
  {
    method: 'GET',
    path: '/api/admin/segments/{id}',
    function: 'admin-segments',
    entry: ADMIN_SEGMENTS,
    access: 'admin-read',
  },
  {
    method: 'PUT',
    path: '/api/admin/segments/{id}',
    function: 'admin-segments',
    entry: ADMIN_SEGMENTS,
    access: 'admin-write',
  },
  {
    method: 'GET',
    path: '/api/admin/tokens',
    function: 'admin-tokens',
    entry: ADMIN_TOKENS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/tokens',
    function: 'admin-tokens',
    entry: ADMIN_TOKENS,
    access: 'platform-admin',
  },
  {
    method: 'DELETE',
    path: '/api/admin/tokens/{id}',
    function: 'admin-tokens',
    entry: ADMIN_TOKENS,
    access: 'platform-admin',
  },
  { method: 'GET', path: '/api/client/features', function: 'client-api', entry: CLIENT, access: 'client' },
  { method: 'POST', path: '/api/client/register', function: 'client-api', entry: CLIENT, access: 'client' },
  { method: 'POST', path: '/api/client/metrics', function: 'client-api', entry: CLIENT, access: 'client' },
  { method: 'GET', path: '/api/frontend', function: 'frontend-api', entry: FRONTEND, access: 'frontend' },
  { method: 'POST', path: '/api/frontend', function: 'frontend-api', entry: FRONTEND, access: 'frontend' },
  {
    method: 'POST',
    path: '/api/frontend/client/metrics',
    function: 'frontend-api',
    entry: FRONTEND,
    access: 'frontend',
  },
  {
    method: 'POST',
    path: '/api/frontend/client/register',
    function: 'frontend-api',
    entry: FRONTEND,
    access: 'frontend',
  },
  {
    method: 'POST',
    path: '/ofrep/v1/evaluate/flags/{key}',
    function: 'ofrep',
    entry: OFREP,
    access: 'evaluation',
  },
  { method: 'POST', path: '/ofrep/v1/evaluate/flags', function: 'ofrep', entry: OFREP, access: 'evaluation' },
  { method: 'GET', path: '/api/openapi.json', function: 'openapi', entry: OPENAPI, access: 'public' },
  {
    method: 'GET',
    path: '/api/admin/me',
    function: 'admin-tokens',
    entry: ADMIN_TOKENS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/experiments',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/experiments/{key}',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-read',
  },
  {
    method: 'PUT',
    path: '/api/admin/experiments/{key}',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-write',
  },
  {
    method: 'GET',
    path: '/api/admin/experiments/{key}/results',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/metrics',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-read',
  },
  {
    method: 'PUT',
    path: '/api/admin/metrics/{key}',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-write',
  },
  { method: 'POST', path: '/api/events', function: 'events', entry: EVENTS, access: 'client' },
  {
    // Per channel and day, from the raw event store (DuckDB locally, Athena on AWS).
    method: 'GET',
    path: '/api/admin/data-quality',
    function: 'data-quality',
    entry: DATA_QUALITY,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/experiments/{key}/results/history',
    function: 'experiment-history',
    entry: EXPERIMENT_HISTORY,
    access: 'admin-read',
  },
  {
    method: 'PUT',
    path: '/api/admin/environments/{env}',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'platform-admin',
  },
  {
    method: 'POST',
    path: '/api/admin/experiments/{key}/resume',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-write',
  },
  {
    method: 'POST',
    path: '/api/admin/experiments/{key}/rollout-plan',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-write',
  },
  {
    // Statistics from the raw events (docs/experiments.md, "Backfill"): DuckDB locally, Athena on AWS.
    method: 'POST',
    path: '/api/admin/experiments/{key}/backfill',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-write',
  },
  governance('GET', '/api/admin/change-requests', 'admin-read'),
  governance('GET', '/api/admin/change-requests/{id}', 'admin-read'),
  // The author edits (a squad or platform admin); who is who is the handler's check.
  governance('PUT', '/api/admin/change-requests/{id}', 'admin-write'),
  governance('POST', '/api/admin/change-requests/{id}/approve', 'approver'),
  governance('POST', '/api/admin/change-requests/{id}/reject', 'approver'),
  governance('POST', '/api/admin/change-requests/{id}/apply', 'approver'),
  governance('GET', '/api/admin/audit/verify', 'audit-read'),
  governance('GET', '/api/admin/audit/export', 'audit-read'),
  governance('GET', '/api/admin/notifications', 'admin-read'),
  // An Unleash features-batch export: its plan (writes nothing), and the governed import.
  {
    method: 'POST',
    path: '/api/admin/import/unleash/plan',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/import/unleash',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'platform-admin',
  },
  // An AWS AppConfig feature-flag profile: its plan, and the governed import.
  {
    method: 'POST',
    path: '/api/admin/import/appconfig/plan',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'POST',
    path: '/api/admin/import/appconfig',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'platform-admin',
  },
  // Context field definitions and tag types an Unleash import stored (read-only here).
  {
    method: 'GET',
    path: '/api/admin/context-fields',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  {
    method: 'GET',
    path: '/api/admin/tag-types',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  // The OpenFeature CLI's manifest API (sync v0), for `openfeature pull`.
  {
    method: 'GET',
    path: '/openfeature/v0/manifest',
    function: 'admin-environments',
    entry: ADMIN_ENVIRONMENTS,
    access: 'admin-read',
  },
  // Planning: the minimum detectable effect of a metric for the traffic and days expected.
  {
    method: 'GET',
    path: '/api/admin/metrics/{key}/power',
    function: 'admin-experiments',
    entry: ADMIN_EXPERIMENTS,
    access: 'admin-read',
  },
  // Release templates and plans (functions/handlers/admin-releases-handler.ts).
  ...releaseRoutes(),
  // Unleash's delta and streaming APIs (SSE; on AWS a streaming Function URL, docs/deploy.md).
  {
    method: 'GET',
    path: '/api/client/delta',
    function: 'client-streaming',
    entry: 'functions/handlers/client-streaming-handler.ts',
    access: 'client',
  },
  {
    method: 'GET',
    path: '/api/client/streaming',
    function: 'client-streaming',
    entry: 'functions/handlers/client-streaming-handler.ts',
    access: 'client',
  },
  {
    method: 'GET',
    path: '/ofrep/v1/sse',
    function: 'client-streaming',
    entry: 'functions/handlers/client-streaming-handler.ts',
    access: 'evaluation',
  },
];

export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
