/**
 * Context field definitions and tag types, pure, over random ones: what an import stores, exported for
 * Unleash and imported again, plans no write (the round trip keeps them as they came); a changed
 * definition is an update of that one alone; ones the export does not name are kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANNELS } from '../../shared/model/channels';
import {
  type ContextFieldDefinition,
  type DefinitionWrite,
  planDefinitions,
  type TagTypeDefinition,
} from '../../shared/model/unleash-definitions';
import {
  toUnleashExport,
  UNLEASH_BUILTIN_CONTEXT_FIELDS,
  type UnleashContextField,
  type UnleashTagType,
} from '../../shared/model/unleash-export';

const word = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,11}$/);
const contextField: fc.Arbitrary<UnleashContextField> = fc.record(
  {
    name: word.filter(
      (n) => n !== 'channel' && !(UNLEASH_BUILTIN_CONTEXT_FIELDS as readonly string[]).includes(n),
    ),
    description: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    stickiness: fc.boolean(),
    sortOrder: fc.integer({ min: 0, max: 20 }),
    legalValues: fc.uniqueArray(
      fc.record(
        { value: word, description: fc.string({ minLength: 1, maxLength: 10 }) },
        { requiredKeys: ['value'] },
      ),
      { maxLength: 4, selector: (v) => v.value },
    ),
  },
  { requiredKeys: ['name'] },
);
const tagType: fc.Arbitrary<UnleashTagType> = fc.record(
  {
    name: word,
    description: fc.string({ maxLength: 20 }),
    icon: fc.option(fc.constantFrom('#', 'group', 'flag'), { nil: null }),
  },
  { requiredKeys: ['name'] },
);
const documentOf = fc.record({
  contextFields: fc.uniqueArray(contextField, { maxLength: 6, selector: (c) => c.name }),
  tagTypes: fc.uniqueArray(tagType, { maxLength: 4, selector: (t) => t.name }),
});

/** What the store holds after the writes (as the DynamoDB store keeps them). */
function stored(writes: DefinitionWrite[]) {
  const contextFields: ContextFieldDefinition[] = [];
  const tagTypes: TagTypeDefinition[] = [];
  for (const w of writes)
    if (w.kind === 'context-field') contextFields.push(JSON.parse(JSON.stringify(w.definition)));
    else tagTypes.push(JSON.parse(JSON.stringify(w.definition)));
  return { contextFields, tagTypes };
}

describe('context field definitions and tag types', () => {
  it('imported, exported for Unleash and imported again: no write', () => {
    fc.assert(
      fc.property(documentOf, (doc) => {
        const first = planDefinitions(doc, { contextFields: [], tagTypes: [] });
        expect(first.writes).toHaveLength(doc.contextFields.length + doc.tagTypes.length);
        const held = stored(first.writes);
        const out = toUnleashExport([], [], {
          environment: 'development',
          channels: [...DEFAULT_CHANNELS],
          ...held,
        });
        const again = planDefinitions(out, held);
        expect(again.writes).toEqual([]);
        expect(new Set(again.contextFields.map((c) => c.name))).toEqual(
          new Set(doc.contextFields.map((c) => c.name)),
        );
        expect(new Set(again.tagTypes.map((t) => t.name))).toEqual(new Set(doc.tagTypes.map((t) => t.name)));
      }),
      { numRuns: 200 },
    );
  });

  it('a changed definition is one update at the next version; ones not named stay', () => {
    fc.assert(
      fc.property(
        documentOf.filter((d) => d.contextFields.length >= 2),
        fc.string({ minLength: 1, maxLength: 10 }),
        (doc, text) => {
          const held = stored(planDefinitions(doc, { contextFields: [], tagTypes: [] }).writes);
          const [changed, ...rest] = doc.contextFields;
          const next = { ...changed, description: `${changed.description ?? ''}${text}` };
          const plan = planDefinitions({ contextFields: [next], tagTypes: [] }, held);
          expect(plan.writes).toEqual([
            {
              kind: 'context-field',
              expectedVersion: 1,
              definition: expect.objectContaining({
                name: changed.name,
                description: next.description,
                version: 2,
              }),
            },
          ]);
          expect(plan.contextFields.map((c) => c.name)).not.toContain(rest[0].name);
        },
      ),
      { numRuns: 100 },
    );
  });
});
