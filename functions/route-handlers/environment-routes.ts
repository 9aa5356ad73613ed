/** The environment routes: environments (list, create, change), their audit and applications, imports (omnilab, Unleash, AppConfig, each with a plan) and export, run staged and governed. */

import type { Environment } from '../../shared/model/environment';
import { toClientFeaturesDocument } from '../../shared/model/served-document';
import { json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_ENVIRONMENTS_ROUTES } from '../routes/admin-environments-routes';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry, requireEnvironment, requireVersion } from '../services/admin-support';
import { planImport } from '../services/import-plan';
import { changesNothing, unchanged } from '../services/unchanged-write';
import {
  appConfigDocument,
  openFeatureManifestOf,
  planFromRequest,
  proposeUnleashImport,
  unleashExportOf,
} from '../services/unleash-import-routes';

export function environmentRoutes(runtime: Runtime): RouteHandlers<typeof ADMIN_ENVIRONMENTS_ROUTES> {
  return {
    'GET /api/admin/environments': async () =>
      json(200, { environments: await runtime.environments.list(), channels: runtime.config.channels }),

    'POST /api/admin/environments': async (req) => {
      const body = req.body;
      const env: Environment = {
        ...body,
        protected: body.protected ?? body.type === 'production',
        version: 1,
        createdAt: runtime.now().toISOString(),
      };
      await runtime.environments.create(env, [
        auditEntry(runtime, req.principal, {
          action: 'environment.created',
          target: { type: 'environment', id: env.name },
          environments: [env.name],
          before: null,
          after: env,
        }),
      ]);
      return json(201, env);
    },

    'PUT /api/admin/environments/{env}': async (req) => {
      const body = req.body;
      const env = await requireEnvironment(runtime, req.params.env);
      requireVersion(env.version, body.version, `environment ${env.name}`);
      // Protecting applies at once (it only tightens); lifting protection is a change of rights
      // the effect names, approved by another platform admin or an auditor.
      const after: Environment = { ...env, protected: body.protected, version: env.version + 1 };
      if (changesNothing(env, after)) return unchanged(env);
      await runtime.environments.update(after, env.version, [
        auditEntry(runtime, req.principal, {
          action: body.protected ? 'environment.protected' : 'environment.unprotected',
          target: { type: 'environment', id: env.name },
          environments: [env.name],
          before: env,
          after,
        }),
      ]);
      return json(200, after);
    },

    'GET /api/admin/environments/{env}/audit': async (req) => {
      const env = await requireEnvironment(runtime, req.params.env);
      const limit = req.query.limit ? Number(req.query.limit) : undefined;
      return json(200, { entries: await runtime.audit.listByEnvironment(env.name, { limit }) });
    },

    'GET /api/admin/environments/{env}/applications': async (req) => {
      const env = await requireEnvironment(runtime, req.params.env);
      return json(200, { applications: await runtime.clientMetrics.listApplications(env.name) });
    },

    'POST /api/admin/environments/{env}/import': async (req) => {
      const env = (await requireEnvironment(runtime, req.params.env)).name;
      const document = req.body;
      const [flags, segments] = await Promise.all([runtime.flags.list(), runtime.segments.list()]);
      const now = runtime.now().toISOString();
      const plan = planImport(document, env, { flags, segments }, runtime.config.channels, now);
      const allEnvironments = (await runtime.environments.list()).map((e) => e.name);
      // Segments first: the flags that name them must never be served without them.
      if (plan.segments.length > 0) {
        await runtime.segments.write(
          plan.segments,
          plan.segments.map((w) =>
            auditEntry(runtime, req.principal, {
              action: 'segment.imported',
              target: { type: 'segment', id: String(w.segment.id) },
              environments: allEnvironments,
              before: segments.find((s) => s.id === w.segment.id) ?? null,
              after: w.segment,
            }),
          ),
        );
      }
      const before = new Map(flags.map((f) => [f.name, f]));
      await runtime.flags.write(plan.flags, [
        auditEntry(runtime, req.principal, {
          action: 'environment.imported',
          target: { type: 'environment', id: env },
          environments: [env],
          before: null,
          after: plan.summary,
        }),
        ...plan.flags.map((w) =>
          auditEntry(runtime, req.principal, {
            action: 'flag.imported',
            target: { type: 'flag', id: w.flag.name },
            environments: [env],
            before: before.get(w.flag.name) ?? null,
            after: w.flag,
          }),
        ),
      ]);
      return json(200, plan.summary);
    },

    'GET /api/admin/environments/{env}/export': async (req) => {
      const env = (await requireEnvironment(runtime, req.params.env)).name;
      if (req.query.format === 'unleash')
        return json(
          200,
          await unleashExportOf(runtime, env, req.query.segments === 'by-name' ? 'by-name' : 'inline'),
        );
      // Read fresh, not through the serving cache: an export right after an import must show it.
      const [flags, segments] = await Promise.all([runtime.flags.list(), runtime.segments.list()]);
      return json(
        200,
        toClientFeaturesDocument(flags, segments, { environment: env, channels: runtime.config.channels }),
      );
    },

    // An Unleash features-batch export, as Unleash answers it: the plan, then the governed import.
    // The schema checks the export's shape loosely (nulls where Unleash sends them), and its output
    // is what the plan reads (UnleashImportDocument); the plan checks each flag's fields and reports
    // what it cannot take, so the document is read as Unleash's own.
    'POST /api/admin/import/unleash/plan': async (req) => {
      const { plan } = await planFromRequest(runtime, req.body, req.query);
      return json(200, plan.report);
    },

    'POST /api/admin/import/unleash': async (req) => {
      const plan = await proposeUnleashImport(runtime, req.principal, req.body, req.query);
      return json(200, plan.report);
    },

    // An AWS AppConfig feature-flag profile (AWS.AppConfig.FeatureFlags), into one environment.
    'POST /api/admin/import/appconfig/plan': async (req) => {
      const env = (await requireEnvironment(runtime, req.query.environment)).name;
      const { document, query, annotate } = appConfigDocument(req.body, env);
      const { plan } = await planFromRequest(runtime, document, query);
      return json(200, annotate(plan).report);
    },

    'POST /api/admin/import/appconfig': async (req) => {
      const env = (await requireEnvironment(runtime, req.query.environment)).name;
      const { document, query, annotate } = appConfigDocument(req.body, env);
      const plan = await proposeUnleashImport(runtime, req.principal, document, query);
      return json(200, annotate(plan).report);
    },

    // Context field definitions and tag types, as an Unleash import stored them.
    'GET /api/admin/context-fields': async () =>
      json(200, { contextFields: await runtime.definitions.listContextFields() }),
    'GET /api/admin/tag-types': async () => json(200, { tagTypes: await runtime.definitions.listTagTypes() }),

    // The OpenFeature CLI's manifest API: `openfeature pull --provider-url <omnilab>` reads it.
    'GET /openfeature/v0/manifest': async () =>
      json(200, await openFeatureManifestOf(runtime), { 'x-manifest-capabilities': 'read' }),
  };
}
