/**
 * How an Unleash client-features document becomes omnilab flags in one environment: each feature's
 * state (on every channel, since a plain Unleash document has no channels) replaces the flag's
 * state there; flags the document does not name lose their state there; segments are upserted by id.
 * Variant weights are kept as given, so the environment evaluates exactly as the document did.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Feature, Segment, Strategy } from '../../shared/model/client-features';
import { NAME_PATTERN } from '../../shared/model/environment';
import { FLAG_TYPES, type Flag, type FlagType, type SegmentDefinition } from '../../shared/model/flag';
import type { FlagWrite } from '../../shared/store/flag-store';
import type { SegmentWrite } from '../../shared/store/segment-store';

export interface ImportPlan {
  flags: FlagWrite[];
  segments: SegmentWrite[];
  summary: { created: string[]; updated: string[]; removed: string[]; unchanged: number; segments: number[] };
}

function flagType(type: string | undefined): FlagType {
  return FLAG_TYPES.includes(type as FlagType) ? (type as FlagType) : 'release';
}

function strategiesOf(feature: Feature): Strategy[] {
  return (feature.strategies ?? []).map((s) => ({ ...s }));
}

export function planImport(
  document: { features: Feature[]; segments?: Segment[] },
  environment: string,
  existing: { flags: Flag[]; segments: SegmentDefinition[] },
  channels: readonly string[],
  now: string,
): ImportPlan {
  const byName = new Map(existing.flags.map((f) => [f.name, f]));
  const plan: ImportPlan = {
    flags: [],
    segments: [],
    summary: { created: [], updated: [], removed: [], unchanged: 0, segments: [] },
  };
  const allChannels = Object.fromEntries(channels.map((c) => [c, true]));
  const named = new Set<string>();
  for (const feature of document.features) {
    named.add(feature.name);
    const current = byName.get(feature.name);
    const state = { enabled: feature.enabled, channels: allChannels, strategies: strategiesOf(feature) };
    const fields = {
      description: feature.description ?? '',
      type: flagType(feature.type),
      impressionData: feature.impressionData ?? false,
      dependencies: feature.dependencies ?? [],
      variants: feature.variants ?? [],
    };
    if (!current) {
      const project = feature.project && NAME_PATTERN.test(feature.project) ? feature.project : 'default';
      plan.flags.push({
        expectedVersion: null,
        flag: {
          name: feature.name,
          squad: project,
          tags: [],
          ...fields,
          environments: { [environment]: state },
          archived: false,
          version: 1,
          createdAt: now,
          updatedAt: now,
        },
      });
      plan.summary.created.push(feature.name);
      continue;
    }
    const next: Flag = {
      ...current,
      ...fields,
      archived: false,
      environments: { ...current.environments, [environment]: state },
    };
    if (isDeepStrictEqual(next, current)) {
      plan.summary.unchanged++;
      continue;
    }
    plan.flags.push({
      expectedVersion: current.version,
      flag: { ...next, version: current.version + 1, updatedAt: now },
    });
    plan.summary.updated.push(feature.name);
  }
  for (const flag of existing.flags) {
    if (named.has(flag.name) || !flag.environments[environment]) continue;
    const { [environment]: _removed, ...environments } = flag.environments;
    plan.flags.push({
      expectedVersion: flag.version,
      flag: { ...flag, environments, version: flag.version + 1, updatedAt: now },
    });
    plan.summary.removed.push(flag.name);
  }
  const segmentsById = new Map(existing.segments.map((s) => [s.id, s]));
  for (const s of document.segments ?? []) {
    const current = segmentsById.get(s.id);
    const next: SegmentDefinition = {
      ...(current ?? {}),
      id: s.id,
      name: s.name ?? current?.name ?? `segment-${s.id}`,
      description: (s as { description?: string | null }).description ?? current?.description ?? '',
      constraints: s.constraints,
      version: current?.version ?? 1,
    };
    if (current && isDeepStrictEqual(next, current)) continue;
    plan.segments.push(
      current
        ? { expectedVersion: current.version, segment: { ...next, version: current.version + 1 } }
        : { expectedVersion: null, segment: next },
    );
    plan.summary.segments.push(s.id);
  }
  return plan;
}
