/**
 * An experiment becomes flags that every Unleash SDK evaluates unchanged: its own flag, with the
 * variants and the traffic share, and for a mutual-exclusion layer one "slot" flag per experiment
 * that carves the layer's buckets into disjoint ranges through Unleash's dependent features.
 */
import type { Dependency, Strategy, VariantDefinition } from '../model/client-features';
import type { Experiment, RandomisationUnit } from '../model/experiment';
import type { Flag } from '../model/flag';
import { normalizeVariantWeights, VARIANT_WEIGHT_TOTAL } from '../model/flag';

/** The context field a unit's id is read from: the customer id, or a cluster id in properties. */
export function stickinessFor(unit: RandomisationUnit): string {
  return unit === 'customer' ? 'userId' : unit;
}

/** Generated layer slot flags are named under this prefix; no other flag may be. */
export const GENERATED_FLAG_PREFIX = 'layer.';

export function slotFlagName(layer: string, experimentKey: string): string {
  return `${GENERATED_FLAG_PREFIX}${layer}.${experimentKey}`;
}

/** True for a name in the generated namespace, which only experiments' layer slots may take. */
export function isGeneratedFlagName(name: string): boolean {
  return name.startsWith(GENERATED_FLAG_PREFIX);
}

/**
 * The experiment a flag of this name is generated for, among `experiments`: the one whose own
 * flag or whose layer slot bears the name. Two experiments can compute one slot name (layer
 * `a.b` with key `c`, layer `a` with key `b.c`): the first one stored keeps it.
 */
export function generatedFlagOwner<E extends Pick<Experiment, 'key' | 'layer'>>(
  name: string,
  experiments: readonly E[],
): E | undefined {
  return experiments.find(
    (x) => x.key === name || (x.layer !== undefined && slotFlagName(x.layer, x.key) === name),
  );
}

/** Running experiments in a layer own consecutive bucket ranges in the order they started. */
export function layerOrder(experiments: readonly Experiment[]): Experiment[] {
  return [...experiments].sort(
    (a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.key.localeCompare(b.key),
  );
}

function rollout(groupId: string, percent: number, unit: RandomisationUnit): Strategy {
  return {
    name: 'flexibleRollout',
    parameters: { rollout: String(percent), stickiness: stickinessFor(unit), groupId },
    constraints: [],
  };
}

function variantsOf(e: Experiment): VariantDefinition[] {
  const stickiness = stickinessFor(e.unit);
  if (e.status === 'shipped' && e.shippedVariant) {
    const winner = e.variants.find((v) => v.name === e.shippedVariant);
    return [
      {
        name: e.shippedVariant,
        weight: VARIANT_WEIGHT_TOTAL,
        stickiness,
        ...(winner?.payload && { payload: winner.payload }),
      },
    ];
  }
  const total = e.variants.reduce((s, v) => s + v.weight, 0);
  // Weights become shares of 1000, as Unleash serves them; rounding goes to the first variants.
  const fixed = e.variants.map((v) => ({
    name: v.name,
    weight: Math.floor((v.weight / total) * VARIANT_WEIGHT_TOTAL),
    weightType: 'fix' as const,
    stickiness,
    ...(v.payload && { payload: v.payload }),
  }));
  let rest = VARIANT_WEIGHT_TOTAL - fixed.reduce((s, v) => s + v.weight, 0);
  for (const v of fixed) {
    if (rest <= 0) break;
    v.weight++;
    rest--;
  }
  return normalizeVariantWeights(fixed);
}

interface ProjectionOptions {
  /** The experiments sharing this experiment's layer, this one included (drafts hold no range). */
  layerMates?: readonly Experiment[];
  /** Channels where a guardrail halted the treatment: off until an approved change resumes them. */
  haltedChannels?: readonly string[];
  /** Every configured channel: a layer's slots must hold on all of them, or exclusion leaks. */
  allChannels: readonly string[];
  now: string;
}

function baseFlag(name: string, description: string, squad: string, type: Flag['type'], now: string): Flag {
  return {
    name,
    description,
    squad,
    type,
    tags: ['experiment'],
    impressionData: true,
    dependencies: [],
    variants: [],
    environments: {},
    archived: false,
    version: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The flags an experiment needs, as they should be in its environment: its own flag first, then
 * its layer slot. Callers merge these into stored flags (keeping other environments as they are).
 */
export function experimentFlags(e: Experiment, options: ProjectionOptions): Flag[] {
  const live = e.status === 'running' || e.status === 'shipped';
  const halted = new Set(options.haltedChannels ?? []);
  const channels = Object.fromEntries(e.channels.map((c) => [c, live && !halted.has(c)]));
  const shipped = e.status === 'shipped';
  const own = baseFlag(e.key, e.name, e.squad, shipped ? 'release' : 'experiment', options.now);
  own.variants = variantsOf(e);
  own.impressionData = !shipped;

  // Every experiment that ever ran in the layer keeps its range: were a stopped one to give its
  // buckets back, the ranges after it would shift and move customers between experiments.
  const mates = layerOrder((options.layerMates ?? []).filter((m) => m.status !== 'draft' || m.key === e.key));
  const inLayer = e.layer !== undefined && !shipped && mates.some((m) => m.key === e.key);
  if (!inLayer || e.layer === undefined) {
    own.environments[e.environment] = {
      enabled: live,
      channels,
      strategies: [rollout(e.key, shipped ? 100 : e.trafficPercent, e.unit)],
    };
    return [own];
  }

  const layer = e.layer;
  const index = mates.findIndex((m) => m.key === e.key);
  const upTo = Math.min(
    100,
    mates.slice(0, index + 1).reduce((s, m) => s + m.trafficPercent, 0),
  );
  const dependencies: Dependency[] = [{ feature: slotFlagName(layer, e.key), enabled: true }];
  if (index > 0) dependencies.unshift({ feature: slotFlagName(layer, mates[index - 1].key), enabled: false });
  own.dependencies = dependencies;
  own.environments[e.environment] = { enabled: live, channels, strategies: [rollout(e.key, 100, e.unit)] };

  const slot = baseFlag(
    slotFlagName(layer, e.key),
    `Layer ${layer}: the buckets of ${e.key}`,
    e.squad,
    'operational',
    options.now,
  );
  slot.impressionData = false;
  slot.tags = ['experiment-layer'];
  const allChannels = Object.fromEntries(options.allChannels.map((c) => [c, true]));
  slot.environments[e.environment] = {
    enabled: true,
    channels: allChannels,
    strategies: [rollout(`layer.${layer}`, upTo, e.unit)],
  };
  return [own, slot];
}
