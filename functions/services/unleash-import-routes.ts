/**
 * The routes that bring an Unleash features-batch export in (`…/import/unleash/plan` answers the plan,
 * `…/import/unleash` proposes its writes, which the governed commit applies or holds as one change
 * request) and take an environment out as one (`…/export?format=unleash`).
 */
import { type AppConfigFlags, appConfigToUnleashExport } from '../../shared/model/appconfig-import';
import type { Flag, SegmentDefinition } from '../../shared/model/flag';
import { toOpenFeatureManifest } from '../../shared/model/openfeature-manifest';
import type { Principal } from '../../shared/model/token';
import type { ContextFieldDefinition, TagTypeDefinition } from '../../shared/model/unleash-definitions';
import { toUnleashExport, type UnleashExport } from '../../shared/model/unleash-export';
import type { UnleashImportQuery } from '../../shared/model/unleash-export-schema';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry } from './admin-support';
import {
  parseEnvironmentMap,
  planUnleashImport,
  type UnleashImportDocument,
  type UnleashImportPlan,
} from './unleash-import-plan';

export async function planFromRequest(
  runtime: Runtime,
  body: UnleashImportDocument,
  query: UnleashImportQuery,
): Promise<{
  plan: UnleashImportPlan;
  flags: Flag[];
  segments: SegmentDefinition[];
  contextFields: ContextFieldDefinition[];
  tagTypes: TagTypeDefinition[];
}> {
  const [flags, segments, environments, contextFields, tagTypes] = await Promise.all([
    runtime.flags.list(),
    runtime.segments.list(),
    runtime.environments.list(),
    runtime.definitions.listContextFields(),
    runtime.definitions.listTagTypes(),
  ]);
  const plan = planUnleashImport(
    body,
    {
      environments: parseEnvironmentMap(query.environments),
      unknownStrategies: query.unknownStrategies ?? 'disable',
      from: query.from,
      channels: runtime.config.channels,
      now: runtime.now().toISOString(),
    },
    { flags, segments, environments: environments.map((e) => e.name), contextFields, tagTypes },
  );
  return { plan, flags, segments, contextFields, tagTypes };
}

/** Proposes the plan's writes (segments first: a flag must never be served without its segments). */
export async function proposeUnleashImport(
  runtime: Runtime,
  principal: Principal,
  body: UnleashImportDocument,
  query: UnleashImportQuery,
): Promise<UnleashImportPlan> {
  const { plan, flags, segments, contextFields, tagTypes } = await planFromRequest(runtime, body, query);
  const allEnvironments = (await runtime.environments.list()).map((e) => e.name);
  const touched = [...new Set(plan.report.environments.flatMap((e) => (e.to ? [e.to] : [])))].sort();
  if (plan.segments.length > 0)
    await runtime.segments.write(
      plan.segments,
      plan.segments.map((w) =>
        auditEntry(runtime, principal, {
          action: 'segment.imported',
          target: { type: 'segment', id: String(w.segment.id) },
          environments: allEnvironments,
          before: segments.find((s) => s.id === w.segment.id) ?? null,
          after: w.segment,
        }),
      ),
    );
  if (plan.definitions.length > 0) {
    const stored = new Map<string, unknown>([
      ...contextFields.map((c): [string, unknown] => [`context-field ${c.name}`, c]),
      ...tagTypes.map((t): [string, unknown] => [`tag-type ${t.name}`, t]),
    ]);
    await runtime.definitions.write(
      plan.definitions,
      plan.definitions.map((w) =>
        auditEntry(runtime, principal, {
          action: `${w.kind}.imported`,
          target: { type: w.kind, id: w.definition.name },
          environments: [],
          before: stored.get(`${w.kind} ${w.definition.name}`) ?? null,
          after: w.definition,
        }),
      ),
    );
  }
  if (plan.flags.length > 0) {
    const before = new Map(flags.map((f) => [f.name, f]));
    await runtime.flags.write(plan.flags, [
      ...touched.map((env) =>
        auditEntry(runtime, principal, {
          action: 'environment.imported',
          target: { type: 'environment', id: env },
          environments: [env],
          before: null,
          after: { format: 'unleash-export', summary: plan.report.summary },
        }),
      ),
      ...plan.flags.map((w) =>
        auditEntry(runtime, principal, {
          action: 'flag.imported',
          target: { type: 'flag', id: w.flag.name },
          environments: touched,
          before: before.get(w.flag.name) ?? null,
          after: w.flag,
        }),
      ),
    ]);
  }
  return plan;
}

export async function unleashExportOf(
  runtime: Runtime,
  environment: string,
  segmentsMode: 'inline' | 'by-name',
): Promise<UnleashExport> {
  // Read fresh, not through the serving cache: an export right after an import must show it.
  const [flags, segments, contextFields, tagTypes] = await Promise.all([
    runtime.flags.list(),
    runtime.segments.list(),
    runtime.definitions.listContextFields(),
    runtime.definitions.listTagTypes(),
  ]);
  return toUnleashExport(flags, segments, {
    environment,
    channels: runtime.config.channels,
    segments: segmentsMode,
    contextFields,
    tagTypes,
  });
}

/** An AppConfig feature-flag profile as a one-environment export, with what it could not carry reported per flag. */
export function appConfigDocument(
  profile: AppConfigFlags,
  environment: string,
): {
  document: UnleashExport;
  query: UnleashImportQuery;
  annotate: (plan: UnleashImportPlan) => UnleashImportPlan;
} {
  const { document, warnings } = appConfigToUnleashExport(profile, environment);
  return {
    document,
    query: { from: environment },
    annotate(plan) {
      for (const f of plan.report.flags) f.warnings.push(...(warnings.get(f.name) ?? []));
      for (const [name, w] of warnings)
        if (!plan.report.flags.some((f) => f.name === name))
          plan.report.warnings.push(...w.map((x) => `${name} ${x}`));
      plan.report.summary.warnings = [...warnings.values()].reduce(
        (n, w) => n + w.length,
        plan.report.summary.warnings,
      );
      return plan;
    },
  };
}

export async function openFeatureManifestOf(runtime: Runtime) {
  return toOpenFeatureManifest(await runtime.flags.list());
}
