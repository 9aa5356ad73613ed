/**
 * The benchmark workload: 200 features a bank would run (flexible rollouts, constraints on
 * channel, app version and customer, variants), generated deterministically so every run and
 * every peer SDK sees the same thing.
 */
import type { ClientFeaturesDocument, Context, Feature } from '../shared';
import { DEFAULT_CHANNELS } from '../shared';
import { seededRandom } from '../shared/simulation/simulation';

export { seededRandom };

export function generateFeatures(count = 200, seed = 42): ClientFeaturesDocument {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const features: Feature[] = [];
  for (let i = 0; i < count; i++) {
    const name = `squad-${i % 12}.capability-${i}`;
    const kind = i % 4;
    const channels = DEFAULT_CHANNELS.filter(() => rnd() < 0.6);
    const constraints = [
      { contextName: 'channel', operator: 'IN', values: channels.length ? channels : ['mobile'] },
      ...(kind === 1
        ? [{ contextName: 'appVersion', operator: 'SEMVER_GTE', value: `${1 + (i % 5)}.${i % 10}.0` }]
        : []),
      ...(kind === 2
        ? [{ contextName: 'userId', operator: 'STR_STARTS_WITH', values: [`c${i % 10}`, `c${(i + 3) % 10}`] }]
        : []),
      ...(kind === 3 ? [{ contextName: 'segmentScore', operator: 'NUM_GTE', value: String(i % 100) }] : []),
    ];
    const feature: Feature = {
      name,
      enabled: rnd() < 0.9,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: String(pick([5, 25, 50, 100])), stickiness: 'default', groupId: name },
          constraints,
        },
      ],
    };
    if (i % 3 === 0) {
      feature.variants = [
        { name: 'control', weight: 500, stickiness: 'default', payload: { type: 'string', value: 'a' } },
        { name: 'treatment', weight: 500, stickiness: 'default', payload: { type: 'string', value: 'b' } },
      ];
    }
    features.push(feature);
  }
  return { version: 2, features };
}

/** Customers across channels, with ASCII ids so that every peer hashes them the same way. */
export function generateContexts(count = 1000, seed = 7): Context[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    userId: `c${Math.floor(rnd() * 10)}-${i}`,
    sessionId: `s-${i}`,
    channel: DEFAULT_CHANNELS[i % DEFAULT_CHANNELS.length],
    properties: {
      appVersion: `${1 + Math.floor(rnd() * 6)}.${Math.floor(rnd() * 10)}.${Math.floor(rnd() * 10)}`,
      segmentScore: String(Math.floor(rnd() * 100)),
      channel: DEFAULT_CHANNELS[i % DEFAULT_CHANNELS.length],
    },
  }));
}
