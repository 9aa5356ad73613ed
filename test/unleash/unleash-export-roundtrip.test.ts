/**
 * The pure mapping both ways, over random flags: exporting an environment for Unleash and importing
 * that export into an empty omnilab serves the same document (segments inlined, as old SDKs get it)
 * and the same answers; exporting again gives the same export; and re-importing it plans no write.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planUnleashImport } from '../../functions/services/unleash-import-plan';
import { compile, evaluate } from '../../shared';
import { DEFAULT_CHANNELS } from '../../shared/model/channels';
import type {
  Constraint,
  Feature,
  Strategy,
  StrategyVariant,
  VariantDefinition,
} from '../../shared/model/client-features';
import type { Flag, SegmentDefinition } from '../../shared/model/flag';
import { toClientFeaturesDocument } from '../../shared/model/served-document';
import { toUnleashExport } from '../../shared/model/unleash-export';

const channels = [...DEFAULT_CHANNELS];
const ENV = 'development';
const NOW = '2026-12-01T10:00:00.000Z';

const constraint: fc.Arbitrary<Constraint> = fc.oneof(
  fc.record({
    contextName: fc.constantFrom('channel', 'region', 'userId'),
    operator: fc.constantFrom('IN', 'NOT_IN'),
    values: fc.uniqueArray(fc.constantFrom('mobile', 'web', 'north', 'south', 'u1', 'u7'), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    contextName: fc.constant('age'),
    operator: fc.constantFrom('NUM_GTE', 'NUM_LT'),
    value: fc.integer({ min: 0, max: 99 }).map(String),
  }),
);

const strategy: fc.Arbitrary<Strategy> = fc.oneof(
  fc.record(
    {
      name: fc.constant('flexibleRollout'),
      parameters: fc.record({
        rollout: fc.integer({ min: 0, max: 100 }).map(String),
        stickiness: fc.constant('default'),
        groupId: fc.constantFrom('g1', 'g2'),
      }),
      constraints: fc.array(constraint, { maxLength: 2 }),
      segments: fc.uniqueArray(fc.constantFrom(1, 2), { minLength: 1, maxLength: 2 }),
      variants: fc.constant<StrategyVariant[]>([
        { name: 'blue', weight: 1000, weightType: 'variable' as const, stickiness: 'default' },
      ]),
      title: fc.constantFrom('Half the customers', '灰度发布'),
    },
    { requiredKeys: ['name', 'parameters', 'constraints'] },
  ),
  fc.record({
    name: fc.constant('default'),
    parameters: fc.constant({}),
    constraints: fc.array(constraint, { maxLength: 2 }),
  }),
  fc.record({
    name: fc.constant('userWithId'),
    parameters: fc.record({ userIds: fc.constantFrom('u1,u2', 'u7') }),
    constraints: fc.constant<Constraint[]>([]),
  }),
);

const flagArb = (name: string): fc.Arbitrary<Flag> =>
  fc
    .record({
      enabled: fc.boolean(),
      on: fc.subarray(channels),
      strategies: fc.array(strategy, { maxLength: 3 }),
      variants: fc.constantFrom<VariantDefinition[]>(
        [],
        [
          {
            name: 'control',
            weight: 500,
            weightType: 'variable' as const,
            stickiness: 'default',
            overrides: [],
          },
          {
            name: 'treatment',
            weight: 500,
            weightType: 'variable' as const,
            stickiness: 'default',
            overrides: [],
            payload: { type: 'json', value: '{"a":1}' },
          },
        ],
      ),
      stale: fc.boolean(),
      impressionData: fc.boolean(),
      tags: fc.subarray(['simple:lending', 'team:growth']),
    })
    .map((r) => ({
      name,
      description: '',
      squad: 'lending',
      type: 'release' as const,
      tags: r.tags,
      impressionData: r.impressionData,
      ...(r.stale ? { stale: true } : {}),
      dependencies: [],
      variants: r.variants,
      environments: {
        [ENV]: {
          enabled: r.enabled,
          channels: Object.fromEntries(channels.map((c) => [c, r.on.includes(c)])),
          strategies: r.strategies,
        },
      },
      archived: false,
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
    }));

const flagsArb = fc
  .uniqueArray(fc.constantFrom('loan-banner', 'fx-widget', 'card-freeze', 'branch-queue'), {
    minLength: 1,
    maxLength: 4,
  })
  .chain((names) => fc.tuple(...names.map(flagArb)));

const segments: SegmentDefinition[] = [
  {
    id: 1,
    name: 'adults',
    description: '',
    constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }],
    version: 1,
  },
  {
    id: 2,
    name: 'north',
    description: '',
    constraints: [{ contextName: 'region', operator: 'IN', values: ['north'] }],
    version: 1,
  },
];

const serve = (flags: readonly Flag[], segs: readonly SegmentDefinition[]) =>
  toClientFeaturesDocument(flags, segs, { environment: ENV, channels, inlineSegments: true });

/** What a served feature means, without presentation details the round trip may normalise. */
const meaning = (f: Feature) => ({
  ...f,
  strategies: (f.strategies ?? []).map((s) => ({ ...s, parameters: s.parameters ?? {} })),
});

function importInto(
  flags: readonly Flag[],
  segs: readonly SegmentDefinition[],
  doc: ReturnType<typeof toUnleashExport>,
) {
  return planUnleashImport(doc, { channels, now: NOW }, { flags, segments: segs, environments: [ENV] });
}

describe('Unleash export and import', () => {
  it('export then import into an empty omnilab serves the same document and answers', () => {
    fc.assert(
      fc.property(flagsArb, (flags) => {
        const exported = toUnleashExport(flags, segments, { environment: ENV, channels });
        const plan = importInto([], [], exported);
        expect(plan.report.summary.warnings).toBe(0);
        const imported = plan.flags.map((w) => w.flag);
        const before = serve(flags, segments);
        const after = serve(imported, []);
        expect(after.features.map(meaning)).toEqual(before.features.map(meaning));
        const a = compile(before);
        const b = compile(after);
        for (let i = 0; i < 40; i++) {
          const ctx = {
            userId: `u${i % 9}`,
            channel: channels[i % channels.length],
            properties: { age: String((i * 7) % 40), region: i % 2 ? 'north' : 'south' },
          };
          for (const f of flags) expect(evaluate(b, f.name, ctx)).toEqual(evaluate(a, f.name, ctx));
        }
        // Exporting what was imported gives the same export; importing it again writes nothing.
        expect(toUnleashExport(imported, [], { environment: ENV, channels })).toEqual(exported);
        const again = importInto(imported, [], exported);
        expect(again.flags).toEqual([]);
        expect(again.segments).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('segments by name round-trip through segment names and keep their ids', () => {
    fc.assert(
      fc.property(flagsArb, (flags) => {
        const exported = toUnleashExport(flags, segments, {
          environment: ENV,
          channels,
          segments: 'by-name',
        });
        const plan = importInto([], segments, exported);
        const imported = plan.flags.map((w) => w.flag);
        expect(plan.segments).toEqual([]);
        expect(serve(imported, segments).features.map(meaning)).toEqual(
          serve(flags, segments).features.map(meaning),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('importing into existing flags never changes their per-channel state, squad or other environments', () => {
    fc.assert(
      fc.property(flagsArb, flagsArb, (existing, source) => {
        const stored = existing.map(
          (f): Flag => ({
            ...f,
            squad: 'cards',
            environments: {
              ...f.environments,
              production: { enabled: true, channels: { web: true }, strategies: [] },
            },
          }),
        );
        const exported = toUnleashExport(source, segments, { environment: ENV, channels });
        const plan = importInto(stored, segments, exported);
        for (const w of plan.flags) {
          const before = stored.find((f) => f.name === w.flag.name);
          if (!before) {
            expect(w.flag.environments[ENV].channels).toEqual(
              Object.fromEntries(channels.map((c) => [c, true])),
            );
            continue;
          }
          expect(w.flag.environments[ENV].channels).toEqual(before.environments[ENV].channels);
          expect(w.flag.environments.production).toEqual(before.environments.production);
          expect(w.flag.squad).toBe('cards');
          expect(w.expectedVersion).toBe(before.version);
        }
      }),
      { numRuns: 100 },
    );
  });
});
