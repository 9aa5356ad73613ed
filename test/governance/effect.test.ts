/**
 * The computed effect against the evaluator itself: for random flags, segments and one random
 * change, every feature the effect does not name answers every customer exactly as before, and
 * every feature it calls `reduced` answers each customer either off or exactly as before. So a
 * kill switch let through as a pure reduction never turns anything on or changes a variant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/evaluation/compile';
import { evaluate } from '../../shared/evaluation/evaluate';
import { computeEffect, isPureReduction, servedDiff } from '../../shared/governance/effect';
import type { ConfigState } from '../../shared/governance/proposed-change';
import type { Strategy } from '../../shared/model/client-features';
import type { Environment } from '../../shared/model/environment';
import type { Flag, FlagEnvironmentState, SegmentDefinition } from '../../shared/model/flag';
import { toClientFeaturesDocument } from '../../shared/model/served-document';

const CHANNELS = ['mobile', 'web', 'atm'] as const;
const NAMES = ['f0', 'f1', 'f2', 'f3'] as const;
const ENVIRONMENTS: Environment[] = [
  {
    name: 'development',
    type: 'development',
    protected: false,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
  },
  { name: 'production', type: 'production', protected: true, version: 1, createdAt: '2026-01-01T00:00:00Z' },
];

const strategies = (name: string): fc.Arbitrary<Strategy[]> =>
  fc.constantFrom<Strategy[]>(
    [],
    [
      {
        name: 'default',
        parameters: {},
        constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }],
      },
    ],
    [{ name: 'default', parameters: {}, constraints: [], segments: [1] }],
    [
      {
        name: 'flexibleRollout',
        parameters: { rollout: '50', stickiness: 'default', groupId: name },
        constraints: [],
      },
    ],
    [
      {
        name: 'default',
        parameters: {},
        constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }],
        variants: [{ name: 'gold', weight: 1000, stickiness: 'default' }],
      },
      { name: 'default', parameters: {}, constraints: [] },
    ],
  );

const state = (name: string): fc.Arbitrary<FlagEnvironmentState> =>
  fc.record({
    enabled: fc.boolean(),
    channels: fc.record({ mobile: fc.boolean(), web: fc.boolean(), atm: fc.boolean() }),
    strategies: strategies(name),
  });

const payload = fc.constantFrom('1.5%', '2.5%');

function flagArb(name: string, index: number): fc.Arbitrary<Flag> {
  return fc
    .record({
      production: state(name),
      development: state(name),
      variant: fc.option(payload, { nil: undefined }),
      dependsOn: index === 3 ? fc.option(fc.boolean(), { nil: undefined }) : fc.constant(undefined),
    })
    .map(({ production, development, variant, dependsOn }) => ({
      name,
      description: '',
      squad: 'payments',
      type: 'release' as const,
      tags: [],
      impressionData: false,
      dependencies: dependsOn === undefined ? [] : [{ feature: 'f0', enabled: dependsOn }],
      variants: variant
        ? [
            {
              name: 'offer',
              weight: 1000,
              stickiness: 'default',
              payload: { type: 'string', value: variant },
            },
          ]
        : [],
      environments: { production, development },
      archived: false,
      version: 1,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    }));
}

const segment = (wide: boolean): SegmentDefinition => ({
  id: 1,
  name: 'tiers',
  description: '',
  constraints: [{ contextName: 'tier', operator: 'IN', values: wide ? ['gold', 'basic'] : ['gold'] }],
  version: 1,
});

const stateArb: fc.Arbitrary<ConfigState> = fc
  .record({ flags: fc.tuple(...NAMES.map((n, i) => flagArb(n, i))), wide: fc.boolean() })
  .map(({ flags, wide }) => ({
    flags,
    segments: [segment(wide)],
    experiments: [],
    metrics: [],
    environments: ENVIRONMENTS,
  }));

type Change =
  | { kind: 'channel'; flag: number; env: 'production' | 'development'; channel: number; on: boolean }
  | { kind: 'enabled'; flag: number; env: 'production' | 'development'; on: boolean }
  | { kind: 'strategies'; flag: number; to: Strategy[] }
  | { kind: 'variant'; flag: number; to: string }
  | { kind: 'segment'; wide: boolean }
  | { kind: 'dependency'; enabled: boolean };

const env = fc.constantFrom<'production' | 'development'>('production', 'development');
const flagIx = fc.integer({ min: 0, max: NAMES.length - 1 });
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('channel' as const),
    flag: flagIx,
    env,
    channel: fc.integer({ min: 0, max: 2 }),
    on: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('enabled' as const), flag: flagIx, env, on: fc.boolean() }),
  fc.record({ kind: fc.constant('strategies' as const), flag: flagIx, to: strategies('x') }),
  fc.record({ kind: fc.constant('variant' as const), flag: flagIx, to: payload }),
  fc.record({ kind: fc.constant('segment' as const), wide: fc.boolean() }),
  fc.record({ kind: fc.constant('dependency' as const), enabled: fc.boolean() }),
);

function apply(s: ConfigState, c: Change): ConfigState {
  const flags = s.flags.map((f) => structuredClone(f));
  switch (c.kind) {
    case 'channel':
      flags[c.flag].environments[c.env].channels[CHANNELS[c.channel]] = c.on;
      break;
    case 'enabled':
      flags[c.flag].environments[c.env].enabled = c.on;
      break;
    case 'strategies':
      flags[c.flag].environments.production.strategies = c.to;
      break;
    case 'variant':
      flags[c.flag].variants = [
        { name: 'offer', weight: 1000, stickiness: 'default', payload: { type: 'string', value: c.to } },
      ];
      break;
    case 'segment':
      return { ...s, flags, segments: [segment(c.wide)] };
    case 'dependency':
      flags[3].dependencies = [{ feature: 'f0', enabled: c.enabled }];
      break;
  }
  return { ...s, flags };
}

const CUSTOMERS = CHANNELS.flatMap((channel) =>
  ['gold', 'basic'].flatMap((tier) =>
    ['u1', 'u2', 'u3', 'u4', 'u5'].map((userId) => ({ userId, channel, tier })),
  ),
);

function answers(s: ConfigState): Map<string, string> {
  const config = compile(
    toClientFeaturesDocument(s.flags, s.segments, { environment: 'production', channels: CHANNELS }),
  );
  const out = new Map<string, string>();
  for (const name of NAMES)
    for (const c of CUSTOMERS) {
      const r = evaluate(config, name, c);
      out.set(
        `${name}|${c.userId}|${c.channel}|${c.tier}`,
        r.enabled ? `${r.variant.name}|${r.variant.payload?.value}` : 'off',
      );
    }
  return out;
}

describe('the computed effect', () => {
  it('names every feature whose answers change, and a reduced one only ever answers off or as before', () => {
    fc.assert(
      fc.property(stateArb, changeArb, (before, change) => {
        const after = apply(before, change);
        const effect = computeEffect(before, after, CHANNELS);
        const served = effect.served.production ?? {};
        const was = answers(before);
        const now = answers(after);
        for (const [key, answer] of now) {
          const feature = key.split('|')[0];
          const verdict = served[feature];
          if (verdict === undefined) expect(answer, key).toBe(was.get(key));
          if (verdict === 'reduced') expect([was.get(key), 'off'], key).toContain(answer);
        }
        if (
          change.kind !== 'segment' &&
          change.kind !== 'dependency' &&
          'env' in change &&
          change.env === 'development'
        )
          expect(effect.served).toEqual({});
      }),
      { numRuns: 2000 },
    );
  });

  it('nothing changed is no effect', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        expect(computeEffect(s, s, CHANNELS)).toEqual({ served: {}, definitions: [], declared: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('killing a flag in production is a pure reduction unless a production flag wants it off', () => {
    fc.assert(
      fc.property(stateArb, flagIx, (before, i) => {
        const after = apply(before, { kind: 'enabled', flag: i, env: 'production', on: false });
        const effect = computeEffect(before, after, CHANNELS);
        const wantsOff = before.flags[3].dependencies.some((d) => d.enabled === false);
        const dependentLive = servedDiff(
          toClientFeaturesDocument(before.flags, before.segments, {
            environment: 'production',
            channels: CHANNELS,
            inlineSegments: true,
          }),
          toClientFeaturesDocument(after.flags, after.segments, {
            environment: 'production',
            channels: CHANNELS,
            inlineSegments: true,
          }),
        ).f3;
        if (i !== 0 || !wantsOff)
          expect(Object.values(effect.served.production ?? {}).every((c) => c === 'reduced')).toBe(true);
        if (i === 0 && wantsOff && dependentLive !== undefined) expect(isPureReduction(effect)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
