/**
 * The projection from omnilab's flags to the Unleash client-features document an environment
 * serves. Per-channel state reaches unmodified Unleash SDKs as a `channel IN [...]` constraint,
 * so an SDK that sends `channel` in its context (top level or in `properties`) gets the right answer.
 */

import { CHANNEL_FIELD } from './channels';
import type { ClientFeaturesDocument, Constraint, Feature, Segment, Strategy } from './client-features';
import type { Flag, SegmentDefinition } from './flag';

export interface ServeOptions {
  environment: string;
  /** The configured channel list, in order. */
  channels: readonly string[];
  /**
   * Old SDKs (client spec < 4.2.0) do not understand top-level segments: their constraints are
   * copied into each strategy that names them instead.
   */
  inlineSegments?: boolean;
}

function channelConstraint(flag: Flag, options: ServeOptions): Constraint | null | 'none' {
  const state = flag.environments[options.environment];
  if (!state) return 'none';
  const on = options.channels.filter((c) => state.channels[c] === true);
  if (on.length === 0) return 'none';
  if (on.length === options.channels.length) return null;
  return { contextName: CHANNEL_FIELD, operator: 'IN', values: on };
}

function inline(strategy: Strategy, segments: Map<number, SegmentDefinition>): Strategy {
  if (!strategy.segments || strategy.segments.length === 0) return strategy;
  const constraints = [...(strategy.constraints ?? [])];
  for (const id of strategy.segments) {
    const segment = segments.get(id);
    // An unknown segment must still never match, so it becomes an impossible constraint.
    if (!segment) constraints.push({ contextName: '__omnilab_missing_segment', operator: 'IN', values: [] });
    else constraints.push(...segment.constraints);
  }
  const { segments: _dropped, ...rest } = strategy;
  return { ...rest, constraints };
}

export function toClientFeature(
  flag: Flag,
  options: ServeOptions,
  segments: Map<number, SegmentDefinition> = new Map(),
): Feature {
  const state = flag.environments[options.environment];
  const channel = channelConstraint(flag, options);
  const enabled = state?.enabled === true && channel !== 'none';
  let strategies: Strategy[] = state?.strategies.filter((s) => !(s as { disabled?: boolean }).disabled) ?? [];
  if (options.inlineSegments) strategies = strategies.map((s) => inline(s, segments));
  if (channel !== null && channel !== 'none') {
    strategies =
      strategies.length === 0
        ? [{ name: 'default', parameters: {}, constraints: [channel] }]
        : strategies.map((s) => ({ ...s, constraints: [channel, ...(s.constraints ?? [])] }));
  }
  const feature: Feature = {
    name: flag.name,
    description: flag.description,
    type: flag.type,
    project: flag.squad,
    enabled,
    stale: flag.stale === true,
    impressionData: flag.impressionData,
    strategies,
    // Weights are served as stored: the admin API normalizes them on write, and an imported
    // document keeps its own (a spec document's 33/33/33 must not become 334/333/333).
    variants: state?.variants ?? flag.variants,
  };
  if (flag.dependencies.length > 0) feature.dependencies = flag.dependencies;
  return feature;
}

export function toClientFeaturesDocument(
  flags: readonly Flag[],
  segmentDefinitions: readonly SegmentDefinition[],
  options: ServeOptions,
): ClientFeaturesDocument {
  const segments = new Map(segmentDefinitions.map((s) => [s.id, s]));
  const features = flags
    .filter((f) => !f.archived)
    .map((f) => toClientFeature(f, options, segments))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const doc: ClientFeaturesDocument = { version: 2, features };
  if (!options.inlineSegments) {
    doc.segments = segmentDefinitions
      .map((s): Segment => ({ id: s.id, name: s.name, constraints: s.constraints }))
      .sort((a, b) => a.id - b.id);
  }
  return doc;
}
