import type {
  ClientFeaturesDocument,
  Constraint,
  Context,
  DeltaDocument,
  DeltaEvent,
  Dependency,
  EvaluationResult,
  Feature,
  HiddenTargeting,
  Segment,
  Strategy,
  StrategyVariant,
  VariantDefinition,
} from '../model/client-features';
import { allOf, compileConstraint, type Predicate } from './constraints';
import { type ContextReader, contextReader } from './context-value';
import { DocumentError } from './document-error';
import type { HiddenFieldReaders } from './hidden-readers';
import { parseCidr, parseIp, rangeContains } from './ip';
import { type HashPrefix, hashPrefix, hashWithPrefix } from './murmur3';
import { type EnabledReason, type ResultsByReason, resultsFor } from './results';

const STRATEGY_SEED = 0;
const VARIANT_SEED = 86028157;

export interface CompileOptions {
  /** Milliseconds since the epoch, for DATE_* constraints when the context has no currentTime. */
  now?: () => number;
  /** A number in [0, 1), for random rollouts and for variants without a stickiness value. */
  random?: () => number;
  /** This host's name, for the applicationHostname strategy (or `properties.hostname` in the context). */
  hostname?: string;
  /**
   * Reads a document served to an app key (`hiddenTargeting`: hashed targeting values): pass
   * `hiddenReaders` (shared/evaluation/hidden-readers.ts). Without it such a document is refused.
   */
  hiddenTargeting?: (hidden: HiddenTargeting) => HiddenFieldReaders;
}

interface CompiledVariant {
  readonly weight: number;
  readonly results: ResultsByReason;
}

interface VariantSet {
  readonly variants: CompiledVariant[];
  readonly totalWeight: number;
  readonly split: boolean;
  readonly overrides: { read: ContextReader; values: string[]; variant: CompiledVariant }[];
  readonly seed: (ctx: Context) => string;
  readonly prefix: HashPrefix;
}

export interface CompiledStrategy {
  readonly test: Predicate;
  readonly reason: EnabledReason;
  readonly variants: VariantSet | null;
}

export interface CompiledDependency {
  readonly feature: string;
  readonly enabled: boolean;
  readonly variants: readonly string[] | null;
}

export interface CompiledFeature {
  readonly name: string;
  readonly type: string | undefined;
  readonly project: string | undefined;
  readonly impressionData: boolean;
  readonly enabled: boolean;
  /** null: no strategies, so the feature is on for everyone when enabled. */
  readonly strategies: CompiledStrategy[] | null;
  readonly variants: VariantSet | null;
  readonly dependencies: CompiledDependency[] | null;
}

export interface CompiledConfig {
  readonly features: ReadonlyMap<string, CompiledFeature>;
  /** The document this config was compiled from, as a full client-features document. */
  readonly document: ClientFeaturesDocument;
}

interface Env {
  now: () => number;
  random: () => number;
  hostname: string | undefined;
  segments: Map<number, Segment>;
  hidden: HiddenFieldReaders | undefined;
}

const ALWAYS: Predicate = () => true;
const NEVER: Predicate = () => false;

function fail(field: string, message: string): never {
  throw new DocumentError(field, message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Small checks shared by every field: the SDK bundles this file, so repetition costs bytes.
function need(ok: boolean, field: string, what: string): void {
  if (!ok) fail(field, `must be ${what}`);
}

function object(v: unknown, field: string): Record<string, unknown> {
  need(isObject(v), field, 'an object');
  return v as Record<string, unknown>;
}

function text(v: unknown, field: string): void {
  need(typeof v === 'string', field, 'a string');
}

/** An optional array: absent is empty. */
function list(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  need(Array.isArray(v), field, 'an array');
  return v as unknown[];
}

function checkConstraints(items: unknown, path: string): Constraint[] {
  list(items, path).forEach((item, i) => {
    const at = `${path}[${i}]`;
    const c = object(item, at);
    text(c.contextName, `${at}.contextName`);
    text(c.operator, `${at}.operator`);
    list(c.values, `${at}.values`);
  });
  return (items ?? []) as Constraint[];
}

function checkVariants(items: unknown, path: string): void {
  list(items, path).forEach((item, i) => {
    const at = `${path}[${i}]`;
    const v = object(item, at);
    text(v.name, `${at}.name`);
    need(
      typeof v.weight === 'number' && Number.isFinite(v.weight) && v.weight >= 0,
      `${at}.weight`,
      'a number of 0 or more',
    );
  });
}

function checkFeature(input: unknown, path: string): Feature {
  const f = object(input, path);
  need(typeof f.name === 'string' && f.name !== '', `${path}.name`, 'a non-empty string');
  need(typeof f.enabled === 'boolean', `${path}.enabled`, 'a boolean');
  list(f.strategies, `${path}.strategies`).forEach((item, i) => {
    const at = `${path}.strategies[${i}]`;
    const s = object(item, at);
    text(s.name, `${at}.name`);
    if (s.parameters !== undefined && s.parameters !== null) object(s.parameters, `${at}.parameters`);
    checkConstraints(s.constraints, `${at}.constraints`);
    checkVariants(s.variants, `${at}.variants`);
    list(s.segments, `${at}.segments`);
  });
  checkVariants(f.variants, `${path}.variants`);
  list(f.dependencies, `${path}.dependencies`).forEach((d, i) => {
    text(isObject(d) ? d.feature : undefined, `${path}.dependencies[${i}].feature`);
  });
  return f as unknown as Feature;
}

function checkSegment(input: unknown, path: string): Segment {
  const s = object(input, path);
  need(typeof s.id === 'number', `${path}.id`, 'a number');
  return {
    ...(s as unknown as Segment),
    constraints: checkConstraints(s.constraints, `${path}.constraints`),
  };
}

/** Applies delta events (hydration, feature and segment updates and removals) in order. */
function applyDelta(doc: DeltaDocument): ClientFeaturesDocument {
  const features = new Map<string, Feature>();
  const segments = new Map<number, Segment>();
  const putFeature = (f: unknown, at: string) => {
    const feature = checkFeature(f, at);
    features.set(feature.name, feature);
  };
  const putSegment = (s: unknown, at: string) => {
    const segment = checkSegment(s, at);
    segments.set(segment.id, segment);
  };
  for (const [i, item] of doc.events.entries()) {
    const at = `events[${i}]`;
    const e = object(item, at) as unknown as DeltaEvent;
    switch (e.type) {
      case 'hydration':
        features.clear();
        segments.clear();
        need(Array.isArray(e.features), `${at}.features`, 'an array');
        for (const [j, f] of e.features.entries()) putFeature(f, `${at}.features[${j}]`);
        for (const [j, s] of list(e.segments, `${at}.segments`).entries())
          putSegment(s, `${at}.segments[${j}]`);
        break;
      case 'feature-updated':
        putFeature(e.feature, `${at}.feature`);
        break;
      case 'feature-removed':
        text(e.featureName, `${at}.featureName`);
        features.delete(e.featureName);
        break;
      case 'segment-updated':
        putSegment(e.segment, `${at}.segment`);
        break;
      case 'segment-removed':
        need(typeof e.segmentId === 'number', `${at}.segmentId`, 'a number');
        segments.delete(e.segmentId);
        break;
      default:
        need(false, `${at}.type`, 'a delta event type');
    }
  }
  return { version: 2, features: [...features.values()], segments: [...segments.values()] };
}

function normalize(input: unknown): ClientFeaturesDocument {
  const document = object(input, 'document');
  if (Array.isArray(document.events)) return applyDelta(document as unknown as DeltaDocument);
  need(Array.isArray(document.features), 'features', 'an array');
  const features = (document.features as unknown[]).map((f, i) => checkFeature(f, `features[${i}]`));
  const segments = list(document.segments, 'segments').map((s, i) => checkSegment(s, `segments[${i}]`));
  return { ...(document as unknown as ClientFeaturesDocument), features, segments };
}

function percentage(value: unknown): number {
  const n = Number(value);
  return Number.isNaN(n) ? 0 : n;
}

function param(s: Strategy, name: string): string | undefined {
  const v = s.parameters?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A rollout predicate: the bucket of the sticky id within `groupId` is at most the percentage. */
function rollout(groupId: string, pct: number, id: (ctx: Context) => string | undefined): Predicate {
  if (pct <= 0) return NEVER;
  const prefix = hashPrefix(`${groupId}:`, STRATEGY_SEED);
  return (ctx) => {
    const v = id(ctx);
    if (!v) return false;
    return (hashWithPrefix(prefix, v) % 100) + 1 <= pct;
  };
}

function randomId(env: Env): string {
  return String(Math.round(env.random() * 10000) + 1);
}

const userIdOf = contextReader('userId');
const sessionIdOf = contextReader('sessionId');
const remoteAddressOf = contextReader('remoteAddress');

type StrategyKind = 'static' | 'targeting' | 'split';

/** The strategy's own test, and how a match came about (for the OpenFeature reason). */
function strategyPredicate(
  s: Strategy,
  featureName: string,
  env: Env,
): { test: Predicate; kind: StrategyKind } {
  switch (s.name) {
    case 'default':
      return { test: ALWAYS, kind: 'static' };
    case 'userWithId': {
      // A Set: a user list can hold thousands of customers (or their hashes).
      const ids = new Set(splitList(param(s, 'userIds')));
      const read = (env.hidden ?? contextReader)('userId');
      return {
        test: (ctx) => {
          const id = read(ctx);
          return id !== undefined && ids.has(id);
        },
        kind: 'targeting',
      };
    }
    case 'flexibleRollout': {
      const pct = percentage(param(s, 'rollout'));
      const groupId = param(s, 'groupId') || featureName;
      const stickiness = param(s, 'stickiness') || 'default';
      let id: (ctx: Context) => string | undefined;
      if (stickiness === 'default') id = (ctx) => userIdOf(ctx) || sessionIdOf(ctx) || randomId(env);
      else if (stickiness === 'random') id = () => randomId(env);
      else id = contextReader(stickiness);
      return { test: rollout(groupId, pct, id), kind: pct < 100 ? 'split' : 'static' };
    }
    case 'gradualRolloutUserId': {
      const pct = percentage(param(s, 'percentage'));
      return {
        test: rollout(param(s, 'groupId') ?? '', pct, userIdOf),
        kind: pct < 100 ? 'split' : 'static',
      };
    }
    case 'gradualRolloutSessionId': {
      const pct = percentage(param(s, 'percentage'));
      return {
        test: rollout(param(s, 'groupId') ?? '', pct, sessionIdOf),
        kind: pct < 100 ? 'split' : 'static',
      };
    }
    case 'gradualRolloutRandom': {
      const pct = percentage(param(s, 'percentage'));
      if (pct <= 0) return { test: NEVER, kind: 'static' };
      return { test: () => Math.floor(env.random() * 100) + 1 <= pct, kind: pct < 100 ? 'split' : 'static' };
    }
    case 'remoteAddress': {
      const entries = splitList(param(s, 'IPs'));
      const ranges = entries.map(parseCidr).filter((r) => r !== null);
      return {
        test: (ctx) => {
          const addr = remoteAddressOf(ctx);
          if (!addr) return false;
          if (entries.includes(addr)) return true;
          const ip = parseIp(addr);
          return ip !== null && ranges.some((r) => rangeContains(r, ip));
        },
        kind: 'targeting',
      };
    }
    case 'applicationHostname': {
      const hosts = splitList(param(s, 'hostNames')).map((h) => h.toLowerCase());
      const hostnameOf = contextReader('hostname');
      return {
        test: (ctx) => {
          const host = hostnameOf(ctx) ?? env.hostname;
          return host !== undefined && hosts.includes(host.toLowerCase());
        },
        kind: 'targeting',
      };
    }
    default:
      // A custom strategy this evaluator does not implement is off, as in the Unleash SDKs.
      return { test: NEVER, kind: 'static' };
  }
}

function variantSeed(stickiness: string, env: Env): (ctx: Context) => string {
  const random = () => String(Math.round(env.random() * 100000));
  if (stickiness !== 'default') {
    const read = contextReader(stickiness);
    return (ctx) => read(ctx) || random();
  }
  return (ctx) => {
    const u = ctx.userId;
    if (typeof u === 'string' && u !== '') return u;
    const s = ctx.sessionId;
    if (typeof s === 'string' && s !== '') return s;
    const r = ctx.remoteAddress;
    if (typeof r === 'string' && r !== '') return r;
    return random();
  };
}

function compileVariants(
  defs: (VariantDefinition | StrategyVariant)[],
  groupId: string,
  stickiness: string,
  env: Env,
): VariantSet | null {
  if (defs.length === 0) return null;
  const variants: CompiledVariant[] = [];
  const overrides: VariantSet['overrides'] = [];
  let totalWeight = 0;
  let weighted = 0;
  for (const d of defs) {
    const v: CompiledVariant = {
      weight: d.weight,
      results: resultsFor(
        Object.freeze(
          d.payload
            ? { name: d.name, payload: Object.freeze({ ...d.payload }), enabled: true, feature_enabled: true }
            : { name: d.name, enabled: true, feature_enabled: true },
        ),
      ),
    };
    variants.push(v);
    totalWeight += d.weight;
    if (d.weight > 0) weighted++;
    for (const o of (d as VariantDefinition).overrides ?? []) {
      overrides.push({
        read: (env.hidden ?? contextReader)(o.contextName),
        values: o.values ?? [],
        variant: v,
      });
    }
  }
  return {
    variants,
    totalWeight,
    split: weighted > 1,
    overrides,
    seed: variantSeed(stickiness, env),
    prefix: hashPrefix(`${groupId}:`, VARIANT_SEED),
  };
}

/** Picks a variant by override, then by the sticky hash; null when the weights sum to 0. */
export function selectVariant(set: VariantSet, ctx: Context, reason: EnabledReason): EvaluationResult | null {
  if (set.totalWeight <= 0) return null;
  for (let i = 0; i < set.overrides.length; i++) {
    const o = set.overrides[i];
    const v = o.read(ctx);
    if (v !== undefined && o.values.includes(v)) return o.variant.results.TARGETING_MATCH;
  }
  const target = (hashWithPrefix(set.prefix, set.seed(ctx)) % set.totalWeight) + 1;
  let counter = 0;
  const variants = set.variants;
  for (let i = 0; i < variants.length; i++) {
    const w = variants[i].weight;
    if (w === 0) continue;
    counter += w;
    if (counter >= target) return variants[i].results[set.split ? 'SPLIT' : reason];
  }
  return null;
}

function compileStrategy(s: Strategy, featureName: string, env: Env): CompiledStrategy {
  const predicates: Predicate[] = [];
  for (const c of s.constraints ?? []) predicates.push(compileConstraint(c, env));
  for (const id of s.segments ?? []) {
    const segment = env.segments.get(id);
    // A strategy that names a segment this document lacks can never be satisfied.
    if (!segment) predicates.push(NEVER);
    else for (const c of segment.constraints) predicates.push(compileConstraint(c, env));
  }
  const constrained = predicates.length > 0;
  const { test: strategyTest, kind } = strategyPredicate(s, featureName, env);
  if (strategyTest !== ALWAYS) predicates.push(strategyTest);
  const strategyVariants = s.variants ?? [];
  const groupId = param(s, 'groupId') || featureName;
  const stickiness = strategyVariants[0]?.stickiness || param(s, 'stickiness') || 'default';
  return {
    test: allOf(predicates) ?? ALWAYS,
    reason: kind === 'split' ? 'SPLIT' : kind === 'targeting' || constrained ? 'TARGETING_MATCH' : 'STATIC',
    variants: compileVariants(strategyVariants, groupId, stickiness, env),
  };
}

function compileDependencies(deps: Dependency[] | undefined): CompiledDependency[] | null {
  if (!deps || deps.length === 0) return null;
  return deps.map((d) => ({
    feature: d.feature,
    enabled: d.enabled !== false,
    variants: d.variants && d.variants.length > 0 ? d.variants : null,
  }));
}

function compileFeature(f: Feature, env: Env): CompiledFeature {
  const strategies = f.strategies && f.strategies.length > 0 ? f.strategies : null;
  return {
    name: f.name,
    type: f.type,
    project: f.project,
    impressionData: f.impressionData === true,
    enabled: f.enabled,
    strategies: strategies ? strategies.map((s) => compileStrategy(s, f.name, env)) : null,
    variants: compileVariants(f.variants ?? [], f.name, f.variants?.[0]?.stickiness || 'default', env),
    dependencies: compileDependencies(f.dependencies),
  };
}

/**
 * Compiles a client-features document, or a delta document (`{ events: [...] }`), into the form
 * `evaluate` runs on: constraints become predicates with their values parsed once, and every
 * possible result object is built ahead. Throws a DocumentError naming the first unusable field.
 */
export function compile(
  document: ClientFeaturesDocument | DeltaDocument,
  options: CompileOptions = {},
): CompiledConfig {
  const doc = normalize(document);
  const hidden = doc.hiddenTargeting;
  const env: Env = {
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    hostname: options.hostname,
    segments: new Map((doc.segments ?? []).map((s) => [s.id, s])),
    hidden:
      hidden &&
      (options.hiddenTargeting ?? fail('hiddenTargeting', 'needs the hiddenTargeting option'))(hidden),
  };
  const features = new Map<string, CompiledFeature>();
  doc.features.forEach((f) => {
    features.set(f.name, compileFeature(f, env));
  });
  return { features, document: doc };
}
