/**
 * `compile` and `evaluate`: documents refused with the bad field named, delta events applied,
 * OpenFeature reasons, sticky variants, shared frozen results, never a throw, and flag
 * dependencies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClientFeaturesDocument, compile, DocumentError, evaluate } from '../../shared';

const doc = (features: ClientFeaturesDocument['features']): ClientFeaturesDocument => ({
  version: 2,
  features,
});

describe('compile', () => {
  it.each([
    [null, 'document'],
    [{ version: 2 }, 'features'],
    [{ features: [{ enabled: true }] }, 'features[0].name'],
    [{ features: [{ name: 'a', enabled: 'yes' }] }, 'features[0].enabled'],
    [{ features: [{ name: 'a', enabled: true, strategies: {} }] }, 'features[0].strategies'],
    [
      {
        features: [
          { name: 'a', enabled: true, strategies: [{ name: 'default', constraints: [{ operator: 'IN' }] }] },
        ],
      },
      'features[0].strategies[0].constraints[0].contextName',
    ],
    [
      { features: [{ name: 'a', enabled: true, variants: [{ name: 'v', weight: -1 }] }] },
      'features[0].variants[0].weight',
    ],
    [{ features: [], segments: [{ id: 'x', constraints: [] }] }, 'segments[0].id'],
    [
      { events: [{ eventId: 1, type: 'feature-updated', feature: { name: 'a' } }] },
      'events[0].feature.enabled',
    ],
    [{ events: [{ eventId: 1, type: 'teleport' }] }, 'events[0].type'],
  ])('refuses %j, naming %s', (input, field) => {
    try {
      compile(input as never);
      expect.unreachable('compile should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(DocumentError);
      expect((e as DocumentError).field).toBe(field);
      expect((e as DocumentError).code).toBe('INVALID_DOCUMENT');
    }
  });

  it('applies delta events in order, removals included', () => {
    const config = compile({
      events: [
        {
          eventId: 1,
          type: 'hydration',
          features: [{ name: 'a', enabled: true }],
          segments: [{ id: 1, constraints: [] }],
        },
        {
          eventId: 2,
          type: 'feature-updated',
          feature: { name: 'b', enabled: true, strategies: [{ name: 'default', segments: [1] }] },
        },
        { eventId: 3, type: 'segment-removed', segmentId: 1 },
        { eventId: 4, type: 'feature-removed', featureName: 'a', project: 'default' },
      ],
    });
    expect(evaluate(config, 'a', {}).errorCode).toBe('FLAG_NOT_FOUND');
    // b's segment was removed before compile, so its only strategy can never match.
    expect(evaluate(config, 'b', {}).enabled).toBe(false);
    expect(config.document.features.map((f) => f.name)).toEqual(['b']);
  });
});

describe('evaluate', () => {
  const config = compile(
    doc([
      { name: 'static', enabled: true, strategies: [{ name: 'default' }] },
      { name: 'no-strategies', enabled: true },
      { name: 'off', enabled: false, strategies: [{ name: 'default' }] },
      {
        name: 'targeted',
        enabled: true,
        strategies: [{ name: 'userWithId', parameters: { userIds: 'a, b' } }],
      },
      {
        name: 'constrained',
        enabled: true,
        strategies: [
          { name: 'default', constraints: [{ contextName: 'channel', operator: 'IN', values: ['atm'] }] },
        ],
      },
      {
        name: 'rollout',
        enabled: true,
        strategies: [{ name: 'flexibleRollout', parameters: { rollout: '50' } }],
      },
      {
        name: 'ab',
        enabled: true,
        strategies: [{ name: 'default' }],
        variants: [
          { name: 'A', weight: 500, overrides: [{ contextName: 'userId', values: ['tester'] }] },
          { name: 'B', weight: 500, payload: { type: 'json', value: '{"color":"red"}' } },
        ],
      },
      {
        name: 'one-variant',
        enabled: true,
        strategies: [{ name: 'default' }],
        variants: [{ name: 'only', weight: 1 }],
      },
      { name: 'zero-weights', enabled: true, variants: [{ name: 'z', weight: 0 }] },
      { name: 'custom', enabled: true, strategies: [{ name: 'myCustomStrategy', parameters: {} }] },
    ]),
    { random: () => 0.5 },
  );

  it('gives OpenFeature reasons', () => {
    expect(evaluate(config, 'static', {}).reason).toBe('STATIC');
    expect(evaluate(config, 'no-strategies', {}).reason).toBe('STATIC');
    expect(evaluate(config, 'off', {}).reason).toBe('DISABLED');
    expect(evaluate(config, 'targeted', { userId: 'b' }).reason).toBe('TARGETING_MATCH');
    expect(evaluate(config, 'targeted', { userId: 'c' }).reason).toBe('DEFAULT');
    expect(evaluate(config, 'constrained', { channel: 'atm' }).reason).toBe('TARGETING_MATCH');
    const rolled = Array.from({ length: 100 }, (_, i) => evaluate(config, 'rollout', { userId: `u${i}` }));
    expect(new Set(rolled.map((r) => r.reason))).toEqual(new Set(['SPLIT', 'DEFAULT']));
    expect(evaluate(config, 'ab', { userId: 'tester' })).toMatchObject({
      reason: 'TARGETING_MATCH',
      variant: { name: 'A' },
    });
    expect(evaluate(config, 'one-variant', { userId: 'x' })).toMatchObject({
      reason: 'STATIC',
      variant: { name: 'only' },
    });
    expect(evaluate(config, 'missing', {})).toMatchObject({
      enabled: false,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('splits a variant flag by the sticky hash and carries payloads', () => {
    const names = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const r = evaluate(config, 'ab', { userId: `customer-${i}` });
      expect(r.reason).toBe('SPLIT');
      names.add(r.variant.name);
      if (r.variant.name === 'B')
        expect(r.variant.payload).toEqual({ type: 'json', value: '{"color":"red"}' });
    }
    expect(names).toEqual(new Set(['A', 'B']));
  });

  it('is on without a variant when weights sum to 0, and off for unknown strategies', () => {
    expect(evaluate(config, 'zero-weights', {})).toMatchObject({
      enabled: true,
      variant: { name: 'disabled', feature_enabled: true },
    });
    expect(evaluate(config, 'custom', {}).enabled).toBe(false);
  });

  it('hands out frozen, shared results', () => {
    const a = evaluate(config, 'static', { userId: '1' });
    expect(evaluate(config, 'static', { userId: '2' })).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.variant)).toBe(true);
  });

  it('never throws, whatever the context', () => {
    const anything = fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true });
    fc.assert(
      fc.property(fc.constantFrom(...config.features.keys(), 'missing'), anything, (name, context) => {
        const r = evaluate(config, name, context as never);
        expect(typeof r.enabled).toBe('boolean');
        expect(typeof r.reason).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('turns an internal failure into reason ERROR with code GENERAL', () => {
    const hostile = {
      get userId(): string {
        throw new Error('boom');
      },
    };
    expect(evaluate(config, 'targeted', hostile)).toMatchObject({
      enabled: false,
      reason: 'ERROR',
      errorCode: 'GENERAL',
    });
  });
});

describe('dependencies', () => {
  it('fails a child whose parent has parents of its own, whether that parent is on or off', () => {
    const config = compile(
      doc([
        { name: 'grand', enabled: true },
        { name: 'off-parent', enabled: false, dependencies: [{ feature: 'grand' }] },
        { name: 'on-parent', enabled: true, dependencies: [{ feature: 'grand' }] },
        { name: 'child-of-off', enabled: true, dependencies: [{ feature: 'off-parent', enabled: false }] },
        { name: 'child-of-on', enabled: true, dependencies: [{ feature: 'on-parent' }] },
        { name: 'child-of-grand', enabled: true, dependencies: [{ feature: 'grand' }] },
      ]),
    );
    // Evaluated in both orders: a feature's rules are built on its first evaluation, as parent or as flag.
    for (const order of [
      ['child-of-off', 'child-of-on', 'off-parent', 'on-parent'],
      ['off-parent', 'on-parent', 'child-of-off', 'child-of-on'],
    ]) {
      const fresh = compile(config.document);
      for (const name of order) evaluate(fresh, name, {});
      expect(evaluate(fresh, 'child-of-off', {}).reason).toBe('DEFAULT');
      expect(evaluate(fresh, 'child-of-on', {}).reason).toBe('DEFAULT');
      expect(evaluate(fresh, 'off-parent', {}).reason).toBe('DISABLED');
      expect(evaluate(fresh, 'child-of-grand', {}).enabled).toBe(true);
    }
  });
});
