/**
 * How an Unleash client-features document becomes omnilab flags in one environment: each feature's
 * state replaces the flag's state there (on every channel for a new flag or environment; a flag's
 * own per-channel state is kept, since a plain Unleash document has no channels); flags the document does not name lose their state there; segments are upserted by id.
 * Variant weights are kept as given, so the environment evaluates exactly as the document did.
 *
 * The plan is checked whole before anything is written: a flag or segment too large to store, or
 * an import whose record would be, is refused naming the document's field, so an import either
 * writes everything or nothing (never segments without the flags, nor some flags of it).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Feature, Segment, Strategy } from '../../shared/model/client-features';
import { NAME_PATTERN } from '../../shared/model/environment';
import { ValidationError } from '../../shared/model/errors';
import { FLAG_TYPES, type Flag, type FlagType, type SegmentDefinition } from '../../shared/model/flag';
import { flagNameProblem } from '../../shared/model/names';
import type { FlagWrite } from '../../shared/store/flag-store';
import type { SegmentWrite } from '../../shared/store/segment-store';

export interface ImportPlan {
  flags: FlagWrite[];
  segments: SegmentWrite[];
  summary: { created: string[]; updated: string[]; removed: string[]; unchanged: number; segments: number[] };
}

/**
 * The most an imported flag or segment may take, as JSON: DynamoDB stores an item in less than its
 * JSON (names and values, without quotes or separators), and keeps headroom up to its 400 KB for
 * the item's keys and later small edits. Its audit entry keeps only a diff past a few kilobytes.
 */
export const MAX_IMPORTED_ITEM_BYTES = 300 * 1024;

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

function checkSize(value: unknown, field: string, what: string): void {
  const size = jsonBytes(value);
  if (size > MAX_IMPORTED_ITEM_BYTES)
    throw new ValidationError(
      `${what} would take ${size} bytes stored, over the ${MAX_IMPORTED_ITEM_BYTES} bytes an item may: make it smaller (fewer or shorter constraint values, strategies, variants or payloads), nothing was imported`,
      field,
    );
}

/** Refuses, before anything is written, a plan holding an item too large to store. */
function checkPlan(plan: ImportPlan, document: { features: Feature[]; segments?: Segment[] }): void {
  const featureAt = new Map(document.features.map((f, i) => [f.name, i]));
  const segmentAt = new Map((document.segments ?? []).map((s, i) => [s.id, i]));
  for (const w of plan.flags) {
    const i = featureAt.get(w.flag.name);
    checkSize(w.flag, i === undefined ? 'features' : `features[${i}]`, `flag ${w.flag.name}`);
  }
  for (const w of plan.segments) {
    checkSize(w.segment, `segments[${segmentAt.get(w.segment.id) ?? 0}]`, `segment ${w.segment.id}`);
  }
  // The import's own audit record lists every flag it created, updated or removed.
  checkSize(plan.summary, 'features', 'the record of this import (the names of the flags it changes)');
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
  for (const [i, feature] of document.features.entries()) {
    // Two features of one name would be two writes of one flag: refused before anything is written.
    if (named.has(feature.name))
      throw new ValidationError('is named twice in the document', `features[${i}].name`);
    named.add(feature.name);
    const current = byName.get(feature.name);
    // A plain Unleash document carries no channels: a flag's own per-channel state there stays.
    const channelState = current?.environments[environment]?.channels ?? allChannels;
    const state = { enabled: feature.enabled, channels: channelState, strategies: strategiesOf(feature) };
    const fields = {
      description: feature.description ?? '',
      type: flagType(feature.type),
      impressionData: feature.impressionData ?? false,
      dependencies: feature.dependencies ?? [],
      variants: feature.variants ?? [],
    };
    if (!current) {
      const nameProblem = flagNameProblem(feature.name);
      if (nameProblem) throw new ValidationError(nameProblem, `features[${i}].name`);
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
  const ids = new Set<number>();
  for (const [i, s] of (document.segments ?? []).entries()) {
    if (ids.has(s.id)) throw new ValidationError('is used twice in the document', `segments[${i}].id`);
    ids.add(s.id);
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
  checkPlan(plan, document);
  return plan;
}
