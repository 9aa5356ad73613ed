/**
 * Context field definitions and tag types as Unleash keeps them: what an SDK may send and what a
 * tag may be called. omnilab stores them so an import from Unleash and an export back carry them
 * (they change nothing served). Pure: the records, and the plan of an import's writes.
 */
import { isDeepStrictEqual } from 'node:util';

export interface ContextFieldDefinition {
  name: string;
  description: string;
  stickiness: boolean;
  sortOrder?: number;
  legalValues: { value: string; description?: string }[];
  version: number;
}

export interface TagTypeDefinition {
  name: string;
  description: string;
  icon: string | null;
  version: number;
}

export type DefinitionWrite =
  | { kind: 'context-field'; definition: ContextFieldDefinition; expectedVersion: number | null }
  | { kind: 'tag-type'; definition: TagTypeDefinition; expectedVersion: number | null };

export interface DefinitionPlan {
  name: string;
  action: 'create' | 'update' | 'unchanged';
}

/**
 * A context field as an import reads it: what Unleash's export may send (the import schema lets
 * nulls through where Unleash sends them; the sort order is not checked, so it is taken only when a
 * number). An `UnleashContextField` is one.
 */
export interface ImportedContextField {
  name: string;
  description?: string | null;
  stickiness?: boolean | null;
  sortOrder?: unknown;
  legalValues?: readonly { value: string; description?: string | null }[] | null;
}

/** A tag type as an import reads it (nulls where Unleash sends them); an `UnleashTagType` is one. */
export interface ImportedTagType {
  name: string;
  description?: string | null;
  icon?: string | null;
}

/** A context field of an export as omnilab stores it (without its version). */
export function contextFieldOf(c: ImportedContextField): Omit<ContextFieldDefinition, 'version'> {
  return {
    name: c.name,
    description: c.description ?? '',
    stickiness: c.stickiness === true,
    ...(typeof c.sortOrder === 'number' ? { sortOrder: c.sortOrder } : {}),
    legalValues: (c.legalValues ?? []).map((v) => ({
      value: v.value,
      ...(v.description ? { description: v.description } : {}),
    })),
  };
}

export function tagTypeOf(t: ImportedTagType): Omit<TagTypeDefinition, 'version'> {
  return { name: t.name, description: t.description ?? '', icon: t.icon ?? null };
}

function planKind<D extends { name: string; version: number }>(
  incoming: readonly Omit<D, 'version'>[],
  existing: readonly D[],
  write: (definition: D, expectedVersion: number | null) => DefinitionWrite,
): { writes: DefinitionWrite[]; plans: DefinitionPlan[] } {
  const byName = new Map(existing.map((d) => [d.name, d]));
  const writes: DefinitionWrite[] = [];
  const plans: DefinitionPlan[] = [];
  const seen = new Set<string>();
  for (const next of incoming) {
    if (seen.has(next.name)) continue;
    seen.add(next.name);
    const current = byName.get(next.name);
    if (current) {
      const { version, ...stored } = current;
      if (isDeepStrictEqual(stored, next)) {
        plans.push({ name: next.name, action: 'unchanged' });
        continue;
      }
      plans.push({ name: next.name, action: 'update' });
      writes.push(write({ ...next, version: version + 1 } as D, version));
    } else {
      plans.push({ name: next.name, action: 'create' });
      writes.push(write({ ...next, version: 1 } as D, null));
    }
  }
  return { writes, plans };
}

/**
 * The writes an export's context fields and tag types need: new ones created, changed ones
 * updated, identical ones left alone (a re-import writes nothing), ones the export does not name
 * kept (an export is a selection).
 */
export function planDefinitions(
  incoming: { contextFields?: readonly ImportedContextField[]; tagTypes?: readonly ImportedTagType[] },
  existing: { contextFields: readonly ContextFieldDefinition[]; tagTypes: readonly TagTypeDefinition[] },
): { writes: DefinitionWrite[]; contextFields: DefinitionPlan[]; tagTypes: DefinitionPlan[] } {
  const fields = planKind<ContextFieldDefinition>(
    (incoming.contextFields ?? []).map(contextFieldOf),
    existing.contextFields,
    (definition, expectedVersion) => ({ kind: 'context-field', definition, expectedVersion }),
  );
  const types = planKind<TagTypeDefinition>(
    (incoming.tagTypes ?? []).map(tagTypeOf),
    existing.tagTypes,
    (definition, expectedVersion) => ({ kind: 'tag-type', definition, expectedVersion }),
  );
  return {
    writes: [...fields.writes, ...types.writes],
    contextFields: fields.plans,
    tagTypes: types.plans,
  };
}
