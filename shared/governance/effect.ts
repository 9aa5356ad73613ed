/**
 * The effect of a change, computed from what it does, not from the route that asked for it: for
 * every protected environment, which features its served document (what Unleash SDKs, the
 * frontend API and OFREP answer from) would give differently, and whether each only went down
 * (off, or narrowed to fewer channels); plus the definitions running experiments there depend on
 * (the experiment record, its metrics), and rights (lifting protection, resuming a halted
 * channel). Pure and synchronous.
 */
import { createHash } from 'node:crypto';
import { CHANNEL_FIELD } from '../model/channels';
import type { ClientFeaturesDocument, Constraint, Feature, Strategy } from '../model/client-features';
import { isProtected } from '../model/environment';
import { experimentMetrics } from '../model/experiment';
import { toClientFeaturesDocument } from '../model/served-document';
import type { StoredExperiment, StoredMetric } from '../store/experiment-store';
import { canonicalJson } from './audit-chain';
import type { ConfigState } from './proposed-change';

/** `reduced`: off now, or on for fewer channels with nothing else different; `changed`: anything else. */
export type FeatureChange = 'reduced' | 'changed';

export interface Effect {
  /** Protected environment → feature → how what it serves changes. */
  served: Record<string, Record<string, FeatureChange>>;
  /** Protected definitions and rights: `production:experiment:<key>`, `production:metric:<key>`, … */
  definitions: string[];
  /** Reasons a route declared the change protected whatever it serves (gate's `alwaysApprove`). */
  declared: string[];
  /**
   * Protected environment → feature → SHA-256 of what it would serve after the change (its
   * strategies with segments inlined, variants, and its parents' the same way). An approval covers
   * these outcomes: a segment or parent changed since then changes them, and the apply asks again.
   */
  outcomes?: Record<string, Record<string, string>>;
  /** The squads owning the flags whose answers change in a protected environment (who must be asked). */
  squads?: string[];
}

export const NO_EFFECT: Effect = { served: {}, definitions: [], declared: [] };

/** How a feature resolves for one environment: absent, off, or on with its content and its parents'. */
type Resolved =
  | 'absent'
  | 'off'
  | 'cycle'
  | { own: string; strategies: Strategy[]; parents: Record<string, Resolved> };

const DEFAULT_STRATEGY: Strategy = { name: 'default', parameters: {}, constraints: [] };

function resolveAll(doc: ClientFeaturesDocument): Map<string, Resolved> {
  const byName = new Map(doc.features.map((f) => [f.name, f]));
  const memo = new Map<string, Resolved>();
  const resolve = (name: string, path: Set<string>): Resolved => {
    const known = memo.get(name);
    if (known) return known;
    const f: Feature | undefined = byName.get(name);
    if (!f) return 'absent';
    if (!f.enabled) return 'off';
    if (path.has(name)) return 'cycle';
    const next = new Set(path).add(name);
    const parents: Record<string, Resolved> = {};
    for (const d of f.dependencies ?? []) parents[d.feature] = resolve(d.feature, next);
    // An enabled feature with no strategy is on for everyone: the same as one unconstrained default.
    const strategies = f.strategies?.length ? f.strategies : [DEFAULT_STRATEGY];
    const r: Resolved = {
      own: canonicalJson({
        variants: f.variants ?? [],
        dependencies: f.dependencies ?? [],
        impressionData: f.impressionData ?? false,
      }),
      strategies,
      parents,
    };
    memo.set(name, r);
    return r;
  };
  return new Map(doc.features.map((f) => [f.name, resolve(f.name, new Set())]));
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Off and absent serve the same thing to a customer asking for the feature itself. */
function topLevel(r: Resolved | undefined): Resolved {
  return r === undefined || r === 'absent' ? 'off' : r;
}

function isChannelIn(c: Constraint | undefined): c is Constraint {
  return c !== undefined && c.contextName === CHANNEL_FIELD && c.operator === 'IN' && c.inverted !== true;
}

function sortedValues(c: Constraint): string {
  return canonicalJson([...(c.values ?? [])].sort());
}

/**
 * True when every strategy after is the one before AND one same channel constraint: either added
 * in front, or replacing a channel constraint of the same shape with a subset of its values. Then
 * a customer is either out of every strategy, or gets exactly what they got (same variant).
 */
function narrowed(before: Strategy[], after: Strategy[]): boolean {
  if (same(before, after)) return true;
  if (before.length !== after.length) return false;
  let uniform: string | null = null;
  for (let i = 0; i < after.length; i++) {
    const { constraints: ac = [], ...aRest } = after[i];
    const { constraints: bc = [], ...bRest } = before[i];
    if (!same(aRest, bRest)) return false;
    const [first, ...rest] = ac;
    if (!isChannelIn(first)) return false;
    const shape = canonicalJson({ ...first, values: JSON.parse(sortedValues(first)) });
    if (uniform !== null && uniform !== shape) return false;
    uniform = shape;
    if (same(rest, bc)) continue;
    const [bFirst, ...bTail] = bc;
    if (
      isChannelIn(bFirst) &&
      same({ ...bFirst, values: [] }, { ...first, values: [] }) &&
      same(bTail, rest) &&
      (first.values ?? []).every((v) => (bFirst.values ?? []).includes(v))
    )
      continue;
    return false;
  }
  return true;
}

/** Whether going from `before` to `after` only ever answers "off" to more customers. */
function isReduction(
  before: Resolved,
  after: Resolved,
  dependencies: readonly { feature: string; enabled?: boolean }[] = [],
): boolean {
  if (after === 'absent' || after === 'off') return true;
  if (after === 'cycle' || before === 'cycle') return false;
  if (before === 'absent' || before === 'off') return false;
  if (before.own !== after.own) return false;
  if (!narrowed(before.strategies, after.strategies)) return false;
  for (const [parent, was] of Object.entries(before.parents)) {
    const now = after.parents[parent];
    if (same(was, now)) continue;
    const dep = dependencies.find((d) => d.feature === parent);
    // A child that wants its parent off turns on as the parent goes off: never a reduction.
    if (!dep || dep.enabled === false) return false;
    const parentDeps = now !== 'absent' && now !== 'off' && now !== 'cycle' ? depsOf(now) : [];
    if (!isReduction(was, now, parentDeps)) return false;
  }
  return true;
}

function depsOf(r: Exclude<Resolved, 'absent' | 'off' | 'cycle'>): { feature: string; enabled?: boolean }[] {
  return (JSON.parse(r.own) as { dependencies: { feature: string; enabled?: boolean }[] }).dependencies;
}

/** Feature → change, for one environment's served documents before and after. */
export function servedDiff(
  before: ClientFeaturesDocument,
  after: ClientFeaturesDocument,
  outcomes?: Record<string, string>,
): Record<string, FeatureChange> {
  const b = resolveAll(before);
  const a = resolveAll(after);
  const out: Record<string, FeatureChange> = {};
  for (const name of new Set([...b.keys(), ...a.keys()])) {
    const was = topLevel(b.get(name));
    const now = topLevel(a.get(name));
    if (same(was, now)) continue;
    const deps = now !== 'off' && now !== 'absent' && now !== 'cycle' ? depsOf(now) : [];
    out[name] = isReduction(was, now, deps) ? 'reduced' : 'changed';
    if (outcomes) outcomes[name] = createHash('sha256').update(canonicalJson(now)).digest('hex');
  }
  return out;
}

/** The document an environment serves, with segments inlined: what evaluation actually reads. */
export function servedFor(state: ConfigState, environment: string, channels: readonly string[]) {
  return toClientFeaturesDocument(state.flags, state.segments, {
    environment,
    channels,
    inlineSegments: true,
  });
}

/**
 * What a protected environment's served document weighs before and after, in UTF-8 bytes of its
 * JSON with segments inlined (what SDKs older than client spec 4.2.0 get, the larger form), for
 * each environment whose document would grow past `limitBytes`. A write that shrinks a document,
 * or leaves it under the limit, is never named: a kill switch always fits.
 */
export function oversizeDocuments(
  before: ConfigState,
  after: ConfigState,
  channels: readonly string[],
  limitBytes: number,
): { environment: string; beforeBytes: number; afterBytes: number }[] {
  const out: { environment: string; beforeBytes: number; afterBytes: number }[] = [];
  for (const env of after.environments.filter(isProtected)) {
    const afterBytes = Buffer.byteLength(JSON.stringify(servedFor(after, env.name, channels)), 'utf8');
    if (afterBytes <= limitBytes) continue;
    const beforeBytes = Buffer.byteLength(JSON.stringify(servedFor(before, env.name, channels)), 'utf8');
    if (afterBytes > beforeBytes) out.push({ environment: env.name, beforeBytes, afterBytes });
  }
  return out;
}

function definitionOf(e: StoredExperiment | StoredMetric): string {
  const { version: _v, updatedAt: _u, createdAt: _c, ...rest } = e;
  return canonicalJson(rest);
}

export function computeEffect(
  before: ConfigState,
  after: ConfigState,
  channels: readonly string[],
  declared: readonly string[] = [],
): Effect {
  const protectedEnvs = new Set(
    [...before.environments, ...after.environments].filter(isProtected).map((e) => e.name),
  );
  const served: Effect['served'] = {};
  const outcomes: NonNullable<Effect['outcomes']> = {};
  const definitions = new Set<string>();
  for (const env of protectedEnvs) {
    const envOutcomes: Record<string, string> = {};
    const diff = servedDiff(servedFor(before, env, channels), servedFor(after, env, channels), envOutcomes);
    if (Object.keys(diff).length > 0) {
      served[env] = diff;
      outcomes[env] = envOutcomes;
    }
  }
  const experimentsBefore = new Map(before.experiments.map((e) => [e.key, e]));
  const experimentsAfter = new Map(after.experiments.map((e) => [e.key, e]));
  for (const key of new Set([...experimentsBefore.keys(), ...experimentsAfter.keys()])) {
    const was = experimentsBefore.get(key);
    const now = experimentsAfter.get(key);
    // A guardrail tripped there: turning a halted channel back on always takes a second person.
    if (was && now && was.haltedChannels.some((c) => !now.haltedChannels.includes(c)))
      definitions.add(`experiment:${key}:resume`);
    if (was && now && definitionOf(was) === definitionOf(now)) continue;
    for (const e of [was, now])
      if (e && protectedEnvs.has(e.environment)) definitions.add(`${e.environment}:experiment:${key}`);
  }
  const metricsBefore = new Map(before.metrics.map((m) => [m.key, m]));
  const metricsAfter = new Map(after.metrics.map((m) => [m.key, m]));
  const changedMetrics = [...new Set([...metricsBefore.keys(), ...metricsAfter.keys()])].filter((k) => {
    const was = metricsBefore.get(k);
    const now = metricsAfter.get(k);
    return !was || !now || definitionOf(was) !== definitionOf(now);
  });
  if (changedMetrics.length > 0) {
    const ratioParts = (key: string) => {
      const m = metricsAfter.get(key) ?? metricsBefore.get(key);
      return m?.kind === 'ratio' ? [m.numerator ?? '', m.denominator ?? ''] : [];
    };
    for (const e of [...before.experiments, ...after.experiments]) {
      if (e.status !== 'running' || !protectedEnvs.has(e.environment)) continue;
      const used = experimentMetrics(e).flatMap((k) => [k, ...ratioParts(k)]);
      for (const k of changedMetrics) if (used.includes(k)) definitions.add(`${e.environment}:metric:${k}`);
    }
  }
  const envsAfter = new Map(after.environments.map((e) => [e.name, e]));
  for (const env of before.environments) {
    const now = envsAfter.get(env.name);
    if (isProtected(env) && (!now || !isProtected(now)))
      definitions.add(`environment:${env.name}:protection`);
  }
  const owners = new Map([...before.flags, ...after.flags].map((f) => [f.name, f.squad]));
  const squads = new Set(
    Object.values(served)
      .flatMap((features) => Object.keys(features))
      .map((name) => owners.get(name))
      .filter((squad): squad is string => typeof squad === 'string' && squad !== ''),
  );
  return {
    served,
    ...(squads.size > 0 ? { squads: [...squads].sort() } : {}),
    definitions: [...definitions].sort(),
    declared: [...new Set(declared)].sort(),
    ...(Object.keys(outcomes).length > 0 ? { outcomes } : {}),
  };
}

/** Everything the effect touches, one string each; a reduced feature is `…:reduced`. */
export function effectKeys(effect: Effect): string[] {
  const keys: string[] = [];
  for (const [env, features] of Object.entries(effect.served))
    for (const [name, change] of Object.entries(features)) keys.push(`served:${env}:${name}:${change}`);
  return [
    ...keys,
    ...effect.definitions.map((d) => `definition:${d}`),
    ...effect.declared.map((d) => `declared:${d}`),
  ].sort();
}

export function isProtectedEffect(effect: Effect): boolean {
  return effectKeys(effect).length > 0;
}

/** Only features going down in protected environments, and nothing else: what a kill switch may do. */
export function isPureReduction(effect: Effect): boolean {
  const features = Object.values(effect.served).flatMap((f) => Object.values(f));
  return (
    features.length > 0 &&
    features.every((c) => c === 'reduced') &&
    effect.definitions.length === 0 &&
    effect.declared.length === 0
  );
}

/**
 * True when `now` reaches something `approved` did not: a new feature, environment or definition,
 * or a feature that was only reduced and now changes. What was approved no longer covers it.
 */
export function effectGrew(approved: Effect, now: Effect): boolean {
  const covered = new Set(effectKeys(approved));
  // A feature approved to change must still change to what was approved (a segment it names, or a
  // parent, may have changed since); a reduction to off stays covered.
  for (const [env, features] of Object.entries(now.outcomes ?? {}))
    for (const [name, outcome] of Object.entries(features)) {
      const was = approved.outcomes?.[env]?.[name];
      if (was !== undefined && was !== outcome && now.served[env]?.[name] !== 'reduced') return true;
    }
  return effectKeys(now).some(
    (k) =>
      !covered.has(k) &&
      !(k.endsWith(':reduced') && covered.has(`${k.slice(0, -':reduced'.length)}:changed`)),
  );
}
