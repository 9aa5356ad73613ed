/**
 * omnilab's own flag model, as squads edit it. The served Unleash document is derived from it
 * (see served-document.ts): one flag per capability, with a state per environment and per channel.
 */
import type { Constraint, Dependency, Strategy, VariantDefinition } from './client-features';

export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export interface FlagEnvironmentState {
  /** The environment's master switch: off means off on every channel (the kill switch). */
  enabled: boolean;
  /** On/off per channel; a channel missing from the map is off. */
  channels: Record<string, boolean>;
  /** Who gets the flag where it is on; empty means everyone. Strategies may constrain `channel` too. */
  strategies: Strategy[];
  /** Variants for this environment only (an Unleash import carries them per environment); absent: the flag's. */
  variants?: VariantDefinition[];
}

export interface Flag {
  name: string;
  description: string;
  /** The owning squad: a squad's token changes only its own flags. */
  squad: string;
  type: FlagType;
  tags: string[];
  impressionData: boolean;
  /** Marked stale (kept from an Unleash import, served as `stale`); absent means not stale. */
  stale?: boolean;
  dependencies: Dependency[];
  /** Feature variants; `variable` weights are shared out to a total of 1000 when served. */
  variants: VariantDefinition[];
  environments: Record<string, FlagEnvironmentState>;
  archived: boolean;
  /** A lifecycle stage set by a person (PUT /api/admin/flags/{name}/lifecycle); absent: derived from evidence. */
  lifecycleStage?: FlagLifecycleSet;
  /** Incremented on every write; a write carries the version it read, and a stale one is refused. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The stages a person may set (archived is archiving the flag): `since` is when it was set, `by` who. */
export interface FlagLifecycleSet {
  stage: 'initial' | 'pre-live' | 'live' | 'completed';
  since: string;
  by: string;
}

export interface SegmentDefinition {
  id: number;
  name: string;
  description: string;
  constraints: Constraint[];
  /** The squad that owns the segment and may change it; absent for imported segments (platform admins only). */
  squad?: string;
  version: number;
}

/** The total that variant weights are shared out to, as in Unleash. */
export const VARIANT_WEIGHT_TOTAL = 1000;

/**
 * Fixed weights stay; variable ones share what is left of 1000 equally, the first ones taking
 * the remainder, so weights always sum to exactly 1000 when any variant is variable.
 */
export function normalizeVariantWeights<V extends { weight: number; weightType?: 'variable' | 'fix' }>(
  variants: readonly V[],
): V[] {
  const variable = variants.filter((v) => v.weightType !== 'fix');
  if (variable.length === 0) return variants.map((v) => ({ ...v }));
  const fixed = variants.reduce((sum, v) => (v.weightType === 'fix' ? sum + v.weight : sum), 0);
  const left = Math.max(0, VARIANT_WEIGHT_TOTAL - fixed);
  const share = Math.floor(left / variable.length);
  let remainder = left - share * variable.length;
  return variants.map((v) => {
    if (v.weightType === 'fix') return { ...v };
    const extra = remainder > 0 ? 1 : 0;
    remainder -= extra;
    return { ...v, weight: share + extra, weightType: 'variable' as const };
  });
}
