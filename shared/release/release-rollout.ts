/**
 * What a plan's milestone serves: the flag's state in the plan's environment (one flexibleRollout
 * per channel, sticky on the customer, grouped by the flag's name so raising a share never moves
 * anyone out; segment audiences as their own strategies), and the arm a unit is in, computed with
 * the same hash the evaluator uses, so units outside the rollout are a valid control.
 */
import { murmur3 } from '../evaluation/murmur3';
import type { Strategy } from '../model/client-features';
import type { FlagEnvironmentState } from '../model/flag';
import type { Rollout } from './release-plan';

const channelIs = (channel: string) => ({
  contextName: 'channel',
  operator: 'IN' as const,
  values: [channel],
});

function rolloutStrategy(flag: string, channel: string, percent: number, segmentId?: number): Strategy {
  return {
    name: 'flexibleRollout',
    parameters: { rollout: String(percent), stickiness: 'default', groupId: flag },
    constraints: [channelIs(channel)],
    ...(segmentId !== undefined ? { segments: [segmentId] } : {}),
  };
}

/** The environment state that serves `rollout`: a channel is on when anyone on it gets the flag. */
export function environmentStateFor(
  flag: string,
  rollout: Rollout,
  channels: readonly string[],
): FlagEnvironmentState {
  const strategies: Strategy[] = [];
  const on: Record<string, boolean> = {};
  for (const c of channels) {
    const p = rollout.channels[c] ?? 0;
    const audiences = rollout.audiences.filter((a) => (a.channels[c] ?? 0) > 0);
    on[c] = p > 0 || audiences.length > 0;
    if (p > 0) strategies.push(rolloutStrategy(flag, c, p));
    for (const a of audiences) strategies.push(rolloutStrategy(flag, c, a.channels[c], a.segmentId));
  }
  return { enabled: true, channels: on, strategies };
}

/** The unit's bucket, 1–100, as Unleash's flexibleRollout computes it for this flag (normalizedValue). */
export function bucketOf(flag: string, userId: string): number {
  return (murmur3(`${flag}:${userId}`, 0) % 100) + 1;
}

export type Arm = 'exposed' | 'held-back';

/** The arm of a unit on a channel at a share: exposed when its bucket is within the share. */
export function armOf(flag: string, userId: string, percent: number): Arm {
  return percent > 0 && bucketOf(flag, userId) <= percent ? 'exposed' : 'held-back';
}
