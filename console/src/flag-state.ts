/**
 * How the console reads and edits a flag's targeting. Squads think in "rollout percentage,
 * constraints, segments"; the model stores Unleash strategies, so the console edits one
 * gradual-rollout strategy and leaves anything richer (imported flags) to the API and the CLI.
 */
import type { Constraint, Flag, FlagEnvironmentState, Strategy } from './types';

export const DEFAULT_CHANNELS = ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'];

/** The percentage that gets the flag where it is on; null when strategies are richer than one rollout. */
export function rolloutOf(state: FlagEnvironmentState | undefined): number | null {
  if (!state || state.strategies.length === 0) return 100;
  if (state.strategies.length > 1) return null;
  const s = state.strategies[0];
  if (s.name === 'default') return 100;
  if (s.name !== 'flexibleRollout') return null;
  const rollout = Number(s.parameters?.rollout ?? 100);
  return Number.isFinite(rollout) ? rollout : null;
}

/** Whether the console's targeting editor can show and save the state without losing anything. */
export function isSimpleTargeting(state: FlagEnvironmentState | undefined): boolean {
  if (!state || state.strategies.length === 0) return true;
  if (state.strategies.length > 1) return false;
  const s = state.strategies[0];
  return (s.name === 'default' || s.name === 'flexibleRollout') && !s.variants?.length;
}

export interface Targeting {
  rollout: number;
  constraints: Constraint[];
  segments: number[];
}

export function targetingOf(state: FlagEnvironmentState | undefined): Targeting {
  const s = state?.strategies[0];
  return {
    rollout: rolloutOf(state) ?? 100,
    constraints: s?.constraints ?? [],
    segments: s?.segments ?? [],
  };
}

/**
 * 100% with no constraints and no segments is "everyone": no strategy at all, as Unleash serves
 * it. Otherwise one flexibleRollout sticky on the customer id, grouped by the flag's name so a
 * customer's bucket is the same on every channel and does not move when the percentage grows.
 */
export function strategiesFor(flag: Pick<Flag, 'name'>, targeting: Targeting): Strategy[] {
  const rollout = Math.round(Math.min(100, Math.max(0, targeting.rollout)));
  if (rollout === 100 && targeting.constraints.length === 0 && targeting.segments.length === 0) return [];
  return [
    {
      name: 'flexibleRollout',
      parameters: { rollout: String(rollout), stickiness: 'default', groupId: flag.name },
      constraints: targeting.constraints,
      segments: targeting.segments,
    },
  ];
}

export function parseValues(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export interface FlagFilter {
  query: string;
  squad: string;
  tag: string;
}

export function filterFlags(flags: readonly Flag[], filter: FlagFilter): Flag[] {
  const q = filter.query.trim().toLowerCase();
  return flags
    .filter((f) => !f.archived)
    .filter((f) => filter.squad === '' || f.squad === filter.squad)
    .filter((f) => filter.tag === '' || f.tags.includes(filter.tag))
    .filter(
      (f) =>
        q === '' ||
        f.name.toLowerCase().includes(q) ||
        f.description.toLowerCase().includes(q) ||
        f.tags.some((tag) => tag.toLowerCase().includes(q)),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}
