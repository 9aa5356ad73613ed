/**
 * How an Unleash features-batch export becomes omnilab flags: a plan first (per flag what changes,
 * field by field, and what could not be imported as Unleash serves it), whose item writes the import
 * route then proposes through the governance path. Pure and synchronous.
 *
 * - Environments map by name, or by an explicit map; an environment with no omnilab counterpart is
 *   reported and left out.
 * - A strategy omnilab cannot run (a custom strategy, a constraint it refuses, a segment the export
 *   names without constraints omnilab has) is imported disabled with a warning, or left out; a flag
 *   left with no strategy it can run where it had some is imported off there, never on for everyone.
 * - What the document does not carry is never touched: per-channel state of an existing flag,
 *   other environments, a flag's squad, tags, dependencies or variants when the export has none of
 *   them. Flags the export does not name stay as they are (an export is a selection).
 * - Nothing unchanged is written: a re-import of the same export plans no write and keeps versions.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Constraint, Dependency, Strategy, VariantDefinition } from '../../shared/model/client-features';
import { STRATEGY_NAMES } from '../../shared/model/client-features';
import {
  constraintSchema,
  dependencySchema,
  strategySchema,
  variantSchema,
} from '../../shared/model/client-features-schema';
import { NAME_PATTERN } from '../../shared/model/environment';
import { ValidationError } from '../../shared/model/errors';
import {
  FLAG_TYPES,
  type Flag,
  type FlagEnvironmentState,
  type FlagType,
  type SegmentDefinition,
} from '../../shared/model/flag';
import { flagNameProblem, segmentNameProblem } from '../../shared/model/names';
import {
  type ContextFieldDefinition,
  type DefinitionPlan,
  type DefinitionWrite,
  type ImportedContextField,
  type ImportedTagType,
  planDefinitions,
  type TagTypeDefinition,
} from '../../shared/model/unleash-definitions';
import { joinTag } from '../../shared/model/unleash-export';
import * as z from '../../shared/model/zod';
import type { FlagWrite } from '../../shared/store/flag-store';
import type { SegmentWrite } from '../../shared/store/segment-store';
import { MAX_IMPORTED_ITEM_BYTES } from './import-plan';

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface FlagPlan {
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'skipped';
  changes: FieldChange[];
  warnings: string[];
}

export interface SegmentPlan {
  /** The segment's id in the export, and the omnilab segment it maps to (null: none). */
  unleashId: number;
  name: string;
  id: number | null;
  action: 'create' | 'update' | 'unchanged' | 'missing';
  warnings: string[];
}

export interface UnleashImportReport {
  environments: { from: string; to: string | null }[];
  flags: FlagPlan[];
  segments: SegmentPlan[];
  /** The names of the context field definitions and tag types the export gives. */
  contextFields: string[];
  tagTypes: string[];
  /** What becomes of them: created, updated, or unchanged (then nothing is written). */
  definitions: { contextFields: DefinitionPlan[]; tagTypes: DefinitionPlan[] };
  warnings: string[];
  summary: { created: number; updated: number; unchanged: number; skipped: number; warnings: number };
}

export interface UnleashImportPlan {
  flags: FlagWrite[];
  segments: SegmentWrite[];
  /** Context field definitions and tag types to store (shared/model/unleash-definitions.ts). */
  definitions: DefinitionWrite[];
  report: UnleashImportReport;
}

/**
 * What the plan reads of a features-batch export, typed as the import schema checks it
 * (shared/model/unleash-export-schema.ts): nulls where Unleash sends them, and a strategy's
 * fields beyond its name, feature, environment and order unchecked (`unknown`), since the plan
 * checks them per flag and reports a flag it cannot take rather than refusing the document. The
 * schema's output is one, and so is an `UnleashExport` (what the AppConfig import builds).
 */
export interface UnleashImportDocument {
  features: readonly {
    name: string;
    type?: string | null;
    description?: string | null;
    project?: string | null;
    stale?: boolean | null;
    impressionData?: boolean | null;
    archived?: boolean | null;
  }[];
  featureStrategies: readonly UnleashImportStrategy[];
  featureEnvironments?: readonly {
    featureName?: string;
    name?: string;
    environment?: string;
    enabled: boolean;
    variants?: readonly unknown[] | null;
  }[];
  contextFields?: readonly ImportedContextField[];
  featureTags?: readonly {
    featureName: string;
    tagType?: string;
    tagValue?: string;
    type?: string;
    value?: string;
  }[];
  segments?: readonly {
    id: number;
    name: string;
    description?: string | null;
    constraints?: readonly unknown[];
  }[];
  tagTypes?: readonly ImportedTagType[];
  dependencies?: readonly { feature: string; dependencies: readonly unknown[] }[];
}

/** A strategy of the export: placed and ordered by the schema's checks, the rest checked here. */
export interface UnleashImportStrategy {
  name: string;
  featureName: string;
  environment?: string;
  sortOrder?: number | null;
  title?: unknown;
  disabled?: unknown;
  parameters?: unknown;
  constraints?: unknown;
  segments?: unknown;
  variants?: unknown;
}

export interface UnleashImportOptions {
  /** Unleash environment → omnilab environment; others map by name. */
  environments?: Record<string, string>;
  unknownStrategies?: 'disable' | 'skip';
  /** The Unleash environment of strategies and states that do not name one (a one-environment export). */
  from?: string;
  channels: readonly string[];
  now: string;
}

export interface ExistingConfig {
  flags: readonly Flag[];
  segments: readonly SegmentDefinition[];
  environments: readonly string[];
  contextFields?: readonly ContextFieldDefinition[];
  tagTypes?: readonly TagTypeDefinition[];
}

/** `a:b,c:d` → { a: 'b', c: 'd' }. */
export function parseEnvironmentMap(spec: string | undefined): Record<string, string> | undefined {
  if (!spec) return undefined;
  return Object.fromEntries(
    spec.split(',').map((pair) => {
      const [from, to] = pair.split(':');
      return [from.trim(), to.trim()];
    }),
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaf-by-leaf differences; arrays compare whole, since their order matters. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (isDeepStrictEqual(before, after)) return [];
  return [{ path, before, after }];
}

function flagType(type: string | null | undefined): FlagType {
  return FLAG_TYPES.includes(type as FlagType) ? (type as FlagType) : 'release';
}

function issueText(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix: string): string {
  const issue = error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${prefix}${path} ${issue.message}`;
}

/** Non-empty, as `v && v.length > 0` reads it: a list (or a string, which the strategy check refuses). */
function hasItems(v: unknown): boolean {
  return (Array.isArray(v) || typeof v === 'string') && v.length > 0;
}

const stripUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;

export function planUnleashImport(
  doc: UnleashImportDocument,
  options: UnleashImportOptions,
  existing: ExistingConfig,
): UnleashImportPlan {
  const warnings: string[] = [];
  const known = new Set(existing.environments);
  const map = options.environments ?? {};
  for (const [from, to] of Object.entries(map))
    if (!known.has(to))
      throw new ValidationError(
        `maps ${from} to ${to}, which is not an omnilab environment`,
        'query.environments',
      );

  // Which Unleash environments the document speaks of, and the one of entries that name none.
  const named = new Set<string>();
  for (const fe of doc.featureEnvironments ?? []) if (fe.environment) named.add(fe.environment);
  for (const s of doc.featureStrategies) if (s.environment) named.add(s.environment);
  const fallback = options.from ?? (named.size === 1 ? [...named][0] : undefined);
  const sourceOf = (e: string | undefined): string | undefined => e ?? fallback;
  const unplaced =
    doc.featureStrategies.some((s) => !s.environment) ||
    (doc.featureEnvironments ?? []).some((fe) => !fe.environment);
  if (unplaced && fallback === undefined)
    throw new ValidationError(
      'names several environments (or none), so strategies without one cannot be placed: say which with from=<unleash environment>',
      'query.from',
    );
  if (fallback) named.add(fallback);
  const target = new Map<string, string | null>();
  const envReport: UnleashImportReport['environments'] = [];
  for (const from of [...named].sort()) {
    const to = map[from] ?? (known.has(from) ? from : null);
    target.set(from, to);
    envReport.push({ from, to });
    if (to === null)
      warnings.push(
        `environment ${from}: omnilab has no environment of that name, so it was left out (map it with environments=${from}:<omnilab environment>)`,
      );
  }

  // Segments: matched to omnilab's by name; created when the document carries their constraints.
  const segmentByName = new Map(existing.segments.map((s) => [s.name, s]));
  let nextId = Math.max(0, ...existing.segments.map((s) => s.id)) + 1;
  const segmentWrites: SegmentWrite[] = [];
  const segmentPlans: SegmentPlan[] = [];
  const segmentId = new Map<number, number>();
  for (const [i, s] of (doc.segments ?? []).entries()) {
    const current = segmentByName.get(s.name);
    const segmentNameIssue = current ? undefined : segmentNameProblem(s.name);
    if (segmentNameIssue) throw new ValidationError(segmentNameIssue, `segments[${i}].name`);
    const plan: SegmentPlan = {
      unleashId: s.id,
      name: s.name,
      id: current?.id ?? null,
      action: 'unchanged',
      warnings: [],
    };
    segmentPlans.push(plan);
    let constraints: Constraint[] | undefined;
    if (s.constraints !== undefined) {
      const parsed = z.array(constraintSchema).check(z.maxLength(1000)).safeParse(s.constraints);
      if (parsed.success) constraints = parsed.data as Constraint[];
      else plan.warnings.push(issueText(parsed.error, `segments[${i}].constraints`));
    }
    if (current) {
      segmentId.set(s.id, current.id);
      if (!constraints) continue;
      const next: SegmentDefinition = {
        ...current,
        description: s.description ?? current.description,
        constraints,
      };
      if (isDeepStrictEqual(next, current)) continue;
      plan.action = 'update';
      segmentWrites.push({
        expectedVersion: current.version,
        segment: { ...next, version: current.version + 1 },
      });
      continue;
    }
    if (!constraints) {
      plan.action = 'missing';
      plan.warnings.push(
        `segment ${s.name}: the export names it without its constraints and omnilab has no segment of that name; strategies using it are imported disabled (create the segment first, or use npx omnilab migrate, which reads it)`,
      );
      continue;
    }
    const id = nextId++;
    segmentId.set(s.id, id);
    plan.id = id;
    plan.action = 'create';
    segmentWrites.push({
      expectedVersion: null,
      segment: { id, name: s.name, description: s.description ?? '', constraints, version: 1 },
    });
  }

  // Per-feature pieces, grouped once.
  const strategiesOf = new Map<string, UnleashImportStrategy[]>();
  for (const s of doc.featureStrategies) {
    const list = strategiesOf.get(s.featureName) ?? [];
    list.push(s);
    strategiesOf.set(s.featureName, list);
  }
  const envsOf = new Map<string, NonNullable<UnleashImportDocument['featureEnvironments']>[number][]>();
  for (const fe of doc.featureEnvironments ?? []) {
    const name = fe.featureName ?? fe.name;
    if (!name) continue;
    envsOf.set(name, [...(envsOf.get(name) ?? []), fe]);
  }
  const tagsOf = new Map<string, string[]>();
  for (const t of doc.featureTags ?? []) {
    const type = t.tagType ?? t.type ?? 'simple';
    const value = t.tagValue ?? t.value;
    if (!value) continue;
    tagsOf.set(t.featureName, [...(tagsOf.get(t.featureName) ?? []), joinTag(type, value)]);
  }
  const depsOf = new Map<string, readonly unknown[]>();
  for (const d of doc.dependencies ?? []) depsOf.set(d.feature, d.dependencies);

  const byName = new Map(existing.flags.map((f) => [f.name, f]));
  const inDocument = new Set(doc.features.map((f) => f.name));
  const allChannels = Object.fromEntries(options.channels.map((c) => [c, true]));
  const flagWrites: FlagWrite[] = [];
  const flagPlans: FlagPlan[] = [];
  const seen = new Set<string>();
  for (const [fi, feature] of doc.features.entries()) {
    const fw: string[] = [];
    const plan: FlagPlan = { name: feature.name, action: 'unchanged', changes: [], warnings: fw };
    flagPlans.push(plan);
    if (seen.has(feature.name)) {
      plan.action = 'skipped';
      fw.push(`features[${fi}] names ${feature.name} a second time: only the first was imported`);
      continue;
    }
    seen.add(feature.name);
    const current = byName.get(feature.name);
    // A new flag's name follows omnilab's rule (Unleash's own names pass); a stored one keeps working.
    const nameProblem = current ? undefined : flagNameProblem(feature.name);
    if (nameProblem) throw new ValidationError(nameProblem, `features[${fi}].name`);

    // Environment states: strategies and enabled/variants per Unleash environment, mapped.
    const states = new Map<
      string,
      { enabled: boolean; strategies: Strategy[]; variants?: VariantDefinition[] }
    >();
    const stateFor = (from: string | undefined) => {
      const src = sourceOf(from);
      const to = src === undefined ? null : (target.get(src) ?? null);
      if (to === null) return null;
      let st = states.get(to);
      if (!st) {
        st = { enabled: false, strategies: [] };
        states.set(to, st);
      }
      return st;
    };
    for (const fe of envsOf.get(feature.name) ?? []) {
      const st = stateFor(fe.environment);
      if (!st) continue;
      st.enabled = fe.enabled;
      if (fe.variants !== undefined && fe.variants !== null) {
        const parsed = z.array(variantSchema).check(z.maxLength(100)).safeParse(fe.variants);
        if (parsed.success) st.variants = parsed.data.map((v) => stripUndefined(v)) as VariantDefinition[];
        else {
          st.enabled = false;
          fw.push(
            `${issueText(parsed.error, 'variants')}: imported off in this environment, since omnilab cannot serve its variants as Unleash does`,
          );
        }
      }
    }
    const listed = [...(strategiesOf.get(feature.name) ?? [])].sort(
      (a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0),
    );
    const weDisabled = new Map<object, number>();
    for (const raw of listed) {
      const st = stateFor(raw.environment);
      if (!st) continue;
      const where = `strategy ${raw.title ? `"${raw.title}" ` : ''}(${raw.name})`;
      const segments: number[] = [];
      let problem: string | undefined;
      const named = raw.segments ?? [];
      if (!Array.isArray(named)) problem = 'segments is not a list of segment ids';
      else
        for (const id of named) {
          const mapped = typeof id === 'number' ? segmentId.get(id) : undefined;
          if (mapped === undefined) problem ??= `uses segment ${id}, which omnilab does not have`;
          else segments.push(mapped);
        }
      const candidate = stripUndefined({
        name: raw.name,
        title: raw.title ?? undefined,
        disabled: raw.disabled === true ? true : undefined,
        parameters: raw.parameters,
        constraints: raw.constraints,
        segments: Array.isArray(named) && named.length > 0 ? segments : undefined,
        variants: hasItems(raw.variants) ? raw.variants : undefined,
      }) as Strategy & { title?: string; disabled?: boolean };
      const unknown = !(STRATEGY_NAMES as readonly string[]).includes(raw.name);
      if (unknown) {
        if (options.unknownStrategies === 'skip') {
          fw.push(`${where} is not a strategy omnilab runs: left out`);
          if (raw.disabled !== true) weDisabled.set(st, (weDisabled.get(st) ?? 0) + 1);
          continue;
        }
        problem ??= 'is not a strategy omnilab runs';
      } else {
        const parsed = strategySchema.safeParse(candidate);
        if (!parsed.success) problem ??= issueText(parsed.error, 'strategy');
      }
      if (problem) {
        fw.push(`${where} ${problem}: imported disabled`);
        if (raw.disabled !== true) weDisabled.set(st, (weDisabled.get(st) ?? 0) + 1);
        st.strategies.push({ ...candidate, disabled: true } as Strategy);
      } else st.strategies.push(candidate);
    }
    // A flag whose every runnable strategy had to go would serve as on for everyone: off instead.
    for (const [to, st] of states) {
      const active = st.strategies.filter((s) => (s as { disabled?: boolean }).disabled !== true).length;
      if ((weDisabled.get(st) ?? 0) > 0 && active === 0 && st.enabled) {
        st.enabled = false;
        fw.push(
          `imported off in ${to}: none of its strategies there can run in omnilab, and with none it would be on for everyone`,
        );
      }
    }

    // Flag-wide fields: only what the document carries.
    let dependencies: Dependency[] | undefined;
    const rawDeps = depsOf.get(feature.name);
    if (rawDeps !== undefined) {
      const parsed = z.array(dependencySchema).check(z.maxLength(20)).safeParse(rawDeps);
      if (parsed.success) {
        dependencies = parsed.data.map((d) => stripUndefined(d));
        for (const d of dependencies)
          if (!inDocument.has(d.feature) && !byName.has(d.feature))
            fw.push(
              `depends on ${d.feature}, which neither the export nor omnilab has: it stays off until that flag exists`,
            );
      } else fw.push(`${issueText(parsed.error, 'dependencies')}: dependencies left as they were`);
    } else if (doc.dependencies !== undefined) dependencies = [];
    let tags: string[] | undefined;
    if (doc.featureTags !== undefined) {
      const own = (current?.tags ?? []).filter((t) => !t.includes(':'));
      tags = [...new Set([...own, ...(tagsOf.get(feature.name) ?? [])])].sort();
    }

    const base: Flag = current ?? {
      name: feature.name,
      description: '',
      squad: feature.project && NAME_PATTERN.test(feature.project) ? feature.project : 'default',
      type: 'release',
      tags: [],
      impressionData: false,
      dependencies: [],
      variants: [],
      environments: {},
      archived: false,
      version: 1,
      createdAt: options.now,
      updatedAt: options.now,
    };
    // Variants stay flag-wide where they can (what the admin API and experiments edit): a new flag
    // whose environments all carry the same variants takes them as its own; an environment keeps
    // variants of its own only where they differ from the flag's.
    const carried = [...states.values()].flatMap((st) => (st.variants !== undefined ? [st.variants] : []));
    const flagVariants =
      !current && carried.length > 0 && carried.every((v) => isDeepStrictEqual(v, carried[0]))
        ? carried[0]
        : base.variants;
    const environments = { ...base.environments };
    for (const [to, st] of states) {
      const was = environments[to];
      const next: FlagEnvironmentState = {
        ...(was ?? { channels: { ...allChannels } }),
        enabled: st.enabled,
        strategies: st.strategies,
      };
      if (st.variants !== undefined) {
        if (isDeepStrictEqual(st.variants, flagVariants)) delete next.variants;
        else next.variants = st.variants;
      }
      environments[to] = next;
    }
    const next: Flag = {
      ...base,
      ...(feature.description !== undefined ? { description: feature.description ?? '' } : {}),
      ...(feature.type ? { type: flagType(feature.type) } : {}),
      ...(feature.impressionData !== undefined && feature.impressionData !== null
        ? { impressionData: feature.impressionData }
        : {}),
      ...(tags ? { tags } : {}),
      ...(dependencies ? { dependencies } : {}),
      archived: feature.archived === true,
      variants: flagVariants,
      environments,
    };
    if (feature.stale === true) next.stale = true;
    else if (feature.stale === false) delete next.stale;
    if (feature.type && !FLAG_TYPES.includes(feature.type as FlagType))
      fw.push(`type ${feature.type} is not an omnilab flag type: imported as release`);

    const size = Buffer.byteLength(JSON.stringify(next), 'utf8');
    if (size > MAX_IMPORTED_ITEM_BYTES) {
      plan.action = 'skipped';
      fw.push(
        `would take ${size} bytes stored, over the ${MAX_IMPORTED_ITEM_BYTES} bytes an item may: left out`,
      );
      continue;
    }
    if (current && isDeepStrictEqual(next, current)) continue;
    const { version: _v, updatedAt: _u, createdAt: _c, ...afterView } = next;
    const { version: _v2, updatedAt: _u2, createdAt: _c2, ...beforeView } = current ?? ({} as Flag);
    plan.changes = diffValues(current ? beforeView : {}, afterView);
    if (current) {
      plan.action = 'update';
      flagWrites.push({
        expectedVersion: current.version,
        flag: { ...next, version: current.version + 1, updatedAt: options.now },
      });
    } else {
      plan.action = 'create';
      flagWrites.push({ expectedVersion: null, flag: next });
    }
  }

  const definitions = planDefinitions(doc, {
    contextFields: existing.contextFields ?? [],
    tagTypes: existing.tagTypes ?? [],
  });
  const count = (a: FlagPlan['action']) => flagPlans.filter((p) => p.action === a).length;
  const allWarnings =
    warnings.length +
    flagPlans.reduce((n, p) => n + p.warnings.length, 0) +
    segmentPlans.reduce((n, p) => n + p.warnings.length, 0);
  return {
    flags: flagWrites,
    segments: segmentWrites,
    definitions: definitions.writes,
    report: {
      environments: envReport,
      flags: flagPlans,
      segments: segmentPlans,
      contextFields: (doc.contextFields ?? []).map((c) => c.name),
      tagTypes: (doc.tagTypes ?? []).map((t) => t.name),
      definitions: { contextFields: definitions.contextFields, tagTypes: definitions.tagTypes },
      warnings,
      summary: {
        created: count('create'),
        updated: count('update'),
        unchanged: count('unchanged'),
        skipped: count('skipped'),
        warnings: allWarnings,
      },
    },
  };
}
