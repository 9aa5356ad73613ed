/**
 * Channels in evaluation: constrained on and used as stickiness, one variant per customer across
 * channels; the served document's per-channel state; variable variant weights summing to 1000.
 */
import { describe, expect, it } from 'vitest';
import {
  compile,
  DEFAULT_CHANNELS,
  evaluate,
  type Flag,
  normalizeVariantWeights,
  toClientFeaturesDocument,
} from '../../shared';

function flag(overrides: Partial<Flag> = {}): Flag {
  return {
    name: 'loan-banner',
    description: 'Pre-approved loan banner',
    squad: 'lending',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: {
      production: { enabled: true, channels: { mobile: true, web: true, branch: false }, strategies: [] },
    },
    archived: false,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

const serve = (flags: Flag[], environment = 'production') =>
  compile(toClientFeaturesDocument(flags, [], { environment, channels: DEFAULT_CHANNELS }));

describe('channel as a first-class context field', () => {
  it('is constrained on from the top level or from properties', () => {
    const config = compile({
      version: 2,
      features: [
        {
          name: 'f',
          enabled: true,
          strategies: [
            { name: 'default', constraints: [{ contextName: 'channel', operator: 'IN', values: ['atm'] }] },
          ],
        },
      ],
    });
    expect(evaluate(config, 'f', { channel: 'atm' }).enabled).toBe(true);
    expect(evaluate(config, 'f', { properties: { channel: 'atm' } }).enabled).toBe(true);
    expect(evaluate(config, 'f', { channel: 'web' }).enabled).toBe(false);
    // The top level wins over properties, as for userId.
    expect(evaluate(config, 'f', { channel: 'web', properties: { channel: 'atm' } }).enabled).toBe(false);
  });

  it('can be the stickiness: a 50% rollout by channel puts whole channels in or out', () => {
    const config = compile({
      version: 2,
      features: [
        {
          name: 'f',
          enabled: true,
          strategies: [
            { name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'channel', groupId: 'f' } },
          ],
        },
      ],
    });
    for (const channel of DEFAULT_CHANNELS) {
      const answers = new Set(
        Array.from({ length: 50 }, (_, i) => evaluate(config, 'f', { channel, userId: `u${i}` }).enabled),
      );
      expect(answers.size).toBe(1);
    }
    const onChannels = DEFAULT_CHANNELS.filter((channel) => evaluate(config, 'f', { channel }).enabled);
    expect(onChannels.length).toBeGreaterThan(0);
    expect(onChannels.length).toBeLessThan(DEFAULT_CHANNELS.length);
    expect(evaluate(config, 'f', { userId: 'u1' }).enabled).toBe(false);
  });

  it('gives one customer the same variant on every channel', () => {
    const config = compile({
      version: 2,
      features: [
        {
          name: 'exp',
          enabled: true,
          strategies: [{ name: 'flexibleRollout', parameters: { rollout: '100', groupId: 'exp' } }],
          variants: [
            { name: 'control', weight: 500, stickiness: 'default' },
            { name: 'treatment', weight: 500, stickiness: 'default' },
          ],
        },
      ],
    });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const userId = `customer-${i}`;
      const names = new Set(
        DEFAULT_CHANNELS.map(
          (channel) => evaluate(config, 'exp', { userId, channel, sessionId: channel }).variant.name,
        ),
      );
      expect(names.size).toBe(1);
      seen.add([...names][0]);
    }
    expect(seen).toEqual(new Set(['control', 'treatment']));
  });
});

describe('per-channel state in the served document', () => {
  it('is on for the channels switched on and off elsewhere', () => {
    const config = serve([flag()]);
    expect(evaluate(config, 'loan-banner', { channel: 'mobile' }).enabled).toBe(true);
    expect(evaluate(config, 'loan-banner', { properties: { channel: 'web' } }).enabled).toBe(true);
    expect(evaluate(config, 'loan-banner', { channel: 'branch' }).enabled).toBe(false);
    expect(evaluate(config, 'loan-banner', { channel: 'atm' }).enabled).toBe(false);
    expect(evaluate(config, 'loan-banner', {}).enabled).toBe(false);
  });

  it('adds no channel constraint when every channel is on', () => {
    const all = Object.fromEntries(DEFAULT_CHANNELS.map((c) => [c, true]));
    const doc = toClientFeaturesDocument(
      [flag({ environments: { production: { enabled: true, channels: all, strategies: [] } } })],
      [],
      { environment: 'production', channels: DEFAULT_CHANNELS },
    );
    expect(doc.features[0].strategies).toEqual([]);
    expect(evaluate(compile(doc), 'loan-banner', {}).enabled).toBe(true);
  });

  it('keeps each strategy and adds the channel constraint in front', () => {
    const config = serve([
      flag({
        environments: {
          production: {
            enabled: true,
            channels: { mobile: true, wechat: true },
            strategies: [
              {
                name: 'flexibleRollout',
                parameters: { rollout: '100', groupId: 'loan-banner' },
                constraints: [],
              },
              { name: 'userWithId', parameters: { userIds: 'vip-1' } },
            ],
          },
        },
      }),
    ]);
    expect(evaluate(config, 'loan-banner', { channel: 'wechat', userId: 'anyone' }).enabled).toBe(true);
    expect(evaluate(config, 'loan-banner', { channel: 'web', userId: 'vip-1' }).enabled).toBe(false);
  });

  it('is off everywhere when the environment switch is off, when no channel is on, or in another environment', () => {
    const killed = flag({
      environments: { production: { enabled: false, channels: { mobile: true }, strategies: [] } },
    });
    expect(evaluate(serve([killed]), 'loan-banner', { channel: 'mobile' }).reason).toBe('DISABLED');
    const none = flag({ environments: { production: { enabled: true, channels: {}, strategies: [] } } });
    expect(evaluate(serve([none]), 'loan-banner', { channel: 'mobile' }).enabled).toBe(false);
    expect(evaluate(serve([flag()], 'development'), 'loan-banner', { channel: 'mobile' }).enabled).toBe(
      false,
    );
  });

  it('leaves archived flags out and inlines segments for old SDKs', () => {
    const segment = {
      id: 7,
      name: 'shanghai',
      description: '',
      version: 1,
      constraints: [{ contextName: 'city', operator: 'IN', values: ['shanghai'] }],
    };
    const flags = [
      flag({
        environments: {
          production: {
            enabled: true,
            channels: { mobile: true },
            strategies: [{ name: 'default', segments: [7] }],
          },
        },
      }),
      flag({ name: 'old', archived: true }),
    ];
    const inlined = toClientFeaturesDocument(flags, [segment], {
      environment: 'production',
      channels: DEFAULT_CHANNELS,
      inlineSegments: true,
    });
    expect(inlined.segments).toBeUndefined();
    expect(inlined.features.map((f) => f.name)).toEqual(['loan-banner']);
    const separate = toClientFeaturesDocument(flags, [segment], {
      environment: 'production',
      channels: DEFAULT_CHANNELS,
    });
    for (const doc of [inlined, separate]) {
      const config = compile(doc);
      expect(
        evaluate(config, 'loan-banner', { channel: 'mobile', properties: { city: 'shanghai' } }).enabled,
      ).toBe(true);
      expect(
        evaluate(config, 'loan-banner', { channel: 'mobile', properties: { city: 'beijing' } }).enabled,
      ).toBe(false);
    }
  });
});

describe('variant weights', () => {
  it('share what fixed weights leave among variable ones, summing to 1000', () => {
    const out = normalizeVariantWeights([
      { name: 'a', weight: 0, weightType: 'variable' as const },
      { name: 'b', weight: 200, weightType: 'fix' as const },
      { name: 'c', weight: 0 },
    ]);
    expect(out.map((v) => v.weight)).toEqual([400, 200, 400]);
    const thirds = normalizeVariantWeights([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 1 },
    ]);
    expect(thirds.map((v) => v.weight)).toEqual([334, 333, 333]);
  });
});
