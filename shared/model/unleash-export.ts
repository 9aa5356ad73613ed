/**
 * Unleash's features-batch export document (what `POST /api/admin/features-batch/export` answers and
 * `POST /api/admin/features-batch/import` takes as `data`), and the projection of omnilab's flags to it,
 * so a bank can take its flags back to Unleash. Pure: no I/O.
 */
import { CHANNEL_FIELD } from './channels';
import type { Constraint, Dependency, Payload, StrategyVariant, VariantDefinition } from './client-features';
import type { Flag, SegmentDefinition } from './flag';
import type { ContextFieldDefinition, TagTypeDefinition } from './unleash-definitions';

export interface UnleashExportFeature {
  name: string;
  type?: string;
  description?: string | null;
  project?: string;
  stale?: boolean;
  impressionData?: boolean;
  archived?: boolean;
  [more: string]: unknown;
}

export interface UnleashExportStrategy {
  id?: string;
  name: string;
  featureName: string;
  title?: string | null;
  disabled?: boolean | null;
  sortOrder?: number;
  parameters?: Record<string, unknown>;
  constraints?: Constraint[];
  segments?: number[];
  variants?: StrategyVariant[];
  /** Not in Unleash's export (one environment per export): `npx omnilab migrate` adds it to merge several. */
  environment?: string;
}

export interface UnleashExportVariant {
  name: string;
  weight: number;
  weightType?: 'variable' | 'fix';
  stickiness?: string;
  payload?: Payload;
  overrides?: { contextName: string; values: string[] }[];
}

export interface UnleashFeatureEnvironment {
  name?: string;
  featureName?: string;
  environment?: string;
  enabled: boolean;
  variants?: UnleashExportVariant[];
  [more: string]: unknown;
}

export interface UnleashContextField {
  name: string;
  description?: string | null;
  stickiness?: boolean;
  sortOrder?: number;
  legalValues?: { value: string; description?: string }[];
  [more: string]: unknown;
}

export interface UnleashFeatureTag {
  featureName: string;
  tagType?: string;
  tagValue?: string;
  type?: string;
  value?: string;
}

export interface UnleashTagType {
  name: string;
  description?: string;
  icon?: string | null;
}

export interface UnleashExportSegment {
  id: number;
  name: string;
  /** Not in Unleash's export (names only): `npx omnilab migrate` adds them from the admin API. */
  constraints?: Constraint[];
  description?: string | null;
}

export interface UnleashFeatureDependencies {
  feature: string;
  dependencies: Dependency[];
}

export interface UnleashExport {
  features: UnleashExportFeature[];
  featureStrategies: UnleashExportStrategy[];
  featureEnvironments?: UnleashFeatureEnvironment[];
  contextFields?: UnleashContextField[];
  featureTags?: UnleashFeatureTag[];
  segments?: UnleashExportSegment[];
  tagTypes: UnleashTagType[];
  dependencies?: UnleashFeatureDependencies[];
}

/** Context fields every Unleash instance has: an export does not need to define them. */
export const UNLEASH_BUILTIN_CONTEXT_FIELDS = [
  'appName',
  'environment',
  'userId',
  'sessionId',
  'remoteAddress',
  'currentTime',
] as const;

/** An omnilab tag as Unleash's `type:value`; a tag without a type is Unleash's `simple` type. */
export function splitTag(tag: string): { type: string; value: string } {
  const at = tag.indexOf(':');
  return at > 0 ? { type: tag.slice(0, at), value: tag.slice(at + 1) } : { type: 'simple', value: tag };
}

export function joinTag(type: string, value: string): string {
  return `${type}:${value}`;
}

function stringParameters(p: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p ?? {})) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

function cleanConstraint(c: Constraint): Constraint {
  const out: Constraint = { contextName: c.contextName, operator: c.operator };
  if (c.values !== undefined) out.values = [...c.values];
  if (c.value !== undefined) out.value = c.value;
  if (c.inverted !== undefined) out.inverted = c.inverted;
  if (c.caseInsensitive !== undefined) out.caseInsensitive = c.caseInsensitive;
  return out;
}

function cleanVariant(v: VariantDefinition): UnleashExportVariant {
  const out: UnleashExportVariant = {
    name: v.name,
    weight: v.weight,
    weightType: v.weightType ?? 'variable',
  };
  if (v.stickiness) out.stickiness = v.stickiness;
  if (v.payload) out.payload = { type: v.payload.type, value: v.payload.value };
  out.overrides = (v.overrides ?? []).map((o) => ({ contextName: o.contextName, values: [...o.values] }));
  return out;
}

export interface UnleashExportOptions {
  environment: string;
  /** The configured channel list: a flag on only some channels is exported with a `channel IN` constraint. */
  channels: readonly string[];
  /**
   * Segments as Unleash names them (the target must have segments of those names), or their
   * constraints copied into each strategy (the default: the document imports into any Unleash).
   */
  segments?: 'inline' | 'by-name';
  /** Stored definitions (an import from Unleash brought them): exported whether or not a flag uses them. */
  contextFields?: readonly ContextFieldDefinition[];
  tagTypes?: readonly TagTypeDefinition[];
}

/**
 * The export of one environment, as Unleash's own export gives it: every flag that is not archived,
 * its strategies (disabled ones too, with titles), its state and variants there, tags and tag types,
 * the context fields its constraints use beyond Unleash's built-in ones, and dependencies. Per-channel
 * state becomes a `channel IN [...]` constraint on each strategy, as omnilab serves it, so Unleash
 * evaluates each flag as omnilab does for an SDK that sends `channel`.
 */
export function toUnleashExport(
  flags: readonly Flag[],
  segments: readonly SegmentDefinition[],
  options: UnleashExportOptions,
): UnleashExport {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const inline = (options.segments ?? 'inline') === 'inline';
  const live = flags
    .filter((f) => !f.archived)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: UnleashExport = {
    features: [],
    featureStrategies: [],
    featureEnvironments: [],
    contextFields: [],
    featureTags: [],
    segments: [],
    tagTypes: [],
    dependencies: [],
  };
  const usedFields = new Map<string, Set<string> | null>();
  const useField = (c: Constraint) => {
    if ((UNLEASH_BUILTIN_CONTEXT_FIELDS as readonly string[]).includes(c.contextName)) return;
    if (!usedFields.has(c.contextName)) usedFields.set(c.contextName, null);
  };
  const usedSegments = new Set<number>();
  const tagTypes = new Set<string>();
  for (const flag of live) {
    const state = flag.environments[options.environment];
    const on = options.channels.filter((c) => state?.channels[c] === true);
    const channel: Constraint | null =
      on.length > 0 && on.length < options.channels.length
        ? { contextName: CHANNEL_FIELD, operator: 'IN', values: on }
        : null;
    out.features.push({
      name: flag.name,
      description: flag.description,
      type: flag.type,
      project: flag.squad,
      stale: flag.stale === true,
      impressionData: flag.impressionData,
      archived: false,
    });
    const strategies = state?.strategies ?? [];
    const listed =
      strategies.length === 0 && channel
        ? [{ name: 'default', parameters: {}, constraints: [] }]
        : strategies;
    listed.forEach((s, i) => {
      const extra = s as { title?: string | null; disabled?: boolean | null };
      const constraints = [...(channel ? [channel] : []), ...(s.constraints ?? [])].map(cleanConstraint);
      const ids = s.segments ?? [];
      if (inline) {
        for (const id of ids) {
          const seg = byId.get(id);
          // An unknown segment never matches: an impossible constraint keeps it so in Unleash.
          constraints.push(
            ...(seg
              ? seg.constraints.map(cleanConstraint)
              : [{ contextName: 'omnilabMissingSegment', operator: 'IN', values: [] }]),
          );
        }
      } else for (const id of ids) usedSegments.add(id);
      for (const c of constraints) useField(c);
      const strategy: UnleashExportStrategy = {
        name: s.name,
        featureName: flag.name,
        sortOrder: i,
        parameters: stringParameters(s.parameters),
        constraints,
        segments: inline ? [] : [...ids],
        variants: (s.variants ?? []).map((v) => {
          const sv: StrategyVariant = {
            name: v.name,
            weight: v.weight,
            weightType: v.weightType ?? 'variable',
          };
          if (v.stickiness) sv.stickiness = v.stickiness;
          if (v.payload) sv.payload = { type: v.payload.type, value: v.payload.value };
          return sv;
        }),
        disabled: extra.disabled === true,
      };
      if (extra.title) strategy.title = extra.title;
      out.featureStrategies.push(strategy);
    });
    out.featureEnvironments?.push({
      name: flag.name,
      featureName: flag.name,
      environment: options.environment,
      enabled: state?.enabled === true && on.length > 0,
      variants: (state?.variants ?? flag.variants).map(cleanVariant),
    });
    for (const v of state?.variants ?? flag.variants)
      for (const o of v.overrides ?? []) useField({ contextName: o.contextName, operator: 'IN' });
    for (const tag of flag.tags) {
      const { type, value } = splitTag(tag);
      tagTypes.add(type);
      out.featureTags?.push({ featureName: flag.name, tagType: type, tagValue: value });
    }
    if (flag.dependencies.length > 0)
      out.dependencies?.push({ feature: flag.name, dependencies: flag.dependencies.map((d) => ({ ...d })) });
  }
  const storedFields = new Map((options.contextFields ?? []).map((c) => [c.name, c]));
  const storedChannel = storedFields.get(CHANNEL_FIELD);
  usedFields.set(
    CHANNEL_FIELD,
    usedFields.has(CHANNEL_FIELD) || storedChannel ? new Set(options.channels) : null,
  );
  for (const name of storedFields.keys())
    if (!(UNLEASH_BUILTIN_CONTEXT_FIELDS as readonly string[]).includes(name) && !usedFields.has(name))
      usedFields.set(name, null);
  for (const [name, legal] of [...usedFields.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === CHANNEL_FIELD && legal === null) continue;
    const stored = storedFields.get(name);
    // The channel's legal values are omnilab's channels (what its constraints name); any other
    // field is exported as it was stored.
    const legalValues = legal
      ? [...legal].map((value) => ({
          value,
          ...(stored?.legalValues.find((v) => v.value === value)?.description
            ? { description: stored?.legalValues.find((v) => v.value === value)?.description }
            : {}),
        }))
      : (stored?.legalValues ?? []).map((v) => ({ ...v }));
    out.contextFields?.push({
      name,
      description:
        stored?.description || (name === CHANNEL_FIELD ? 'The channel the customer uses (omnilab)' : ''),
      stickiness: stored?.stickiness ?? false,
      ...(stored?.sortOrder !== undefined ? { sortOrder: stored.sortOrder } : {}),
      legalValues,
    });
  }
  out.segments = [...usedSegments]
    .sort((a, b) => a - b)
    .flatMap((id) => {
      const s = byId.get(id);
      return s ? [{ id, name: s.name }] : [];
    });
  const storedTypes = new Map((options.tagTypes ?? []).map((t) => [t.name, t]));
  for (const name of storedTypes.keys()) tagTypes.add(name);
  out.tagTypes = [...tagTypes].sort().map((name) => {
    const stored = storedTypes.get(name);
    return { name, description: stored?.description ?? '', icon: stored?.icon ?? null };
  });
  return out;
}
