/**
 * The platform's own answer to "which variant is this unit in?": the experiment flags an
 * environment serves, evaluated by the same evaluator the SDKs bundle, for the unit's context. An
 * exposure whose variant disagrees was not produced by an SDK reading that configuration.
 */
import { type CompiledConfig, compile } from '../evaluation/compile';
import { evaluate } from '../evaluation/evaluate';
import type { Context } from '../model/client-features';
import type { Experiment } from '../model/experiment';
import type { Flag, SegmentDefinition } from '../model/flag';
import { toClientFeaturesDocument } from '../model/served-document';
import { experimentFlags } from './experiment-flags';

/** What an exposure says about its unit: enough to evaluate the experiment's flags as the SDK did. */
export interface AssignmentContext {
  userId: string;
  channel: string;
  appName?: string;
  properties?: Record<string, string>;
}

/** The variant the platform assigns, or null when the unit is not in the experiment at all. */
export type Assign = (experiment: string, context: AssignmentContext) => string | null;

function assigner(config: CompiledConfig, environment: string): Assign {
  return (experiment, c) => {
    const ctx: Context = {
      userId: c.userId,
      channel: c.channel,
      environment,
      ...(c.appName !== undefined && { appName: c.appName }),
      ...(c.properties !== undefined && { properties: c.properties }),
    };
    const result = evaluate(config, experiment, ctx);
    return result.enabled && result.variant.enabled ? result.variant.name : null;
  };
}

/**
 * The assignment from an environment's stored flags, as served, except that every channel counts
 * as switched on: a channel a guardrail halted moves no unit to another variant, and SDKs still
 * holding the configuration from before the halt report the variant it gave them.
 */
export function servedAssignment(
  flags: readonly Flag[],
  segments: readonly SegmentDefinition[],
  options: { environment: string; channels: readonly string[] },
): Assign {
  const on = Object.fromEntries(options.channels.map((c) => [c, true]));
  const unswitched = flags.map((f): Flag => {
    const state = f.environments[options.environment];
    if (!state || !f.tags.includes('experiment')) return f;
    return { ...f, environments: { ...f.environments, [options.environment]: { ...state, channels: on } } };
  });
  const document = toClientFeaturesDocument(unswitched, segments, {
    environment: options.environment,
    channels: options.channels,
  });
  // Experiment flags use no random or time-dependent strategy: these only keep compile pure.
  return assigner(compile(document, { now: () => 0, random: () => 0 }), options.environment);
}

/**
 * The assignment from one experiment's own configuration (its flags as `experimentFlags` writes
 * them, with its layer mates when it has a layer): what a simulator or a test computes offline.
 */
export function experimentAssignment(experiment: Experiment, layerMates: readonly Experiment[] = []): Assign {
  const mates = experiment.layer
    ? [...layerMates.filter((m) => m.layer === experiment.layer && m.key !== experiment.key), experiment]
    : [experiment];
  // Every mate's flags: a later mate's flag depends on the earlier ones' slots.
  const flags = mates.flatMap((m) =>
    experimentFlags(m, {
      layerMates: mates,
      allChannels: experiment.channels,
      now: new Date(0).toISOString(),
    }),
  );
  return servedAssignment(flags, [], { environment: experiment.environment, channels: experiment.channels });
}
