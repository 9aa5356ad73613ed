/**
 * Assembly: `compile` checks a document (or applies a delta document), then builds each feature's
 * strategies, variants and dependencies into the form `evaluate` runs on.
 */
import type {
  ClientFeaturesDocument,
  Constraint,
  DeltaDocument,
  Dependency,
  Feature,
  HiddenTargeting,
  Strategy,
} from '../model/client-features';
import type { CompileEnv } from './compile-env';
import { type CompiledConstraint, compileConstraint } from './constraints';
import { applyDelta } from './delta';
import { checkFeature, checkSegment, fail, list, need, object } from './document-checks';
import type { HiddenFieldReaders } from './hidden-readers';
import { REGEX_WORK_BUDGET } from './regex';
import type { EnabledReason } from './results';
import { defaultStickyId, type Predicate, param, strategyPredicate } from './strategies';
import { compileVariants, defaultVariantSeed, type VariantSet } from './variants';

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

/**
 * A strategy: its own test (a rollout's hash state and sticky id in one closure), its constraints
 * and the next strategy as linked records (no arrays), its variants.
 */
export interface CompiledStrategy {
  readonly test_: Predicate;
  /** The first constraint (segments' included); null: none. */
  readonly constraints_: CompiledConstraint | null;
  readonly reason: EnabledReason;
  readonly variants: VariantSet | null;
  readonly next_: CompiledStrategy | null;
}

export interface CompiledDependency {
  readonly feature: string;
  readonly enabled: boolean;
  readonly variants: readonly string[] | null;
}

/** What evaluation runs on for one feature: built on the feature's first evaluation. */
export interface FeatureRules {
  readonly enabled: boolean;
  /** The first strategy (each links the next); null: none, so the feature is on for everyone when enabled. */
  readonly strategies: CompiledStrategy | null;
  readonly variants: VariantSet | null;
  readonly dependencies: CompiledDependency[] | null;
}

export interface CompiledFeature {
  readonly name: string;
  readonly type: string | undefined;
  readonly impressionData: boolean;
  /** Compiled on first read and kept: a client pays only for the flags it evaluates (internal to evaluate). */
  readonly rules_: FeatureRules;
}

export interface CompiledConfig {
  readonly features: ReadonlyMap<string, CompiledFeature>;
  /** The document this config was compiled from, as a full client-features document. */
  readonly document: ClientFeaturesDocument;
}

function normalize(input: unknown): ClientFeaturesDocument {
  const document = object(input, 'document');
  if (Array.isArray(document.events)) return applyDelta(document as unknown as DeltaDocument);
  need(Array.isArray(document.features), 'features', 'an array');
  const features = (document.features as unknown[]).map((f, i) => checkFeature(f, `features[${i}]`));
  const segments = list(document.segments, 'segments').map((s, i) => checkSegment(s, `segments[${i}]`));
  return { ...(document as unknown as ClientFeaturesDocument), features, segments };
}

function compileStrategy(
  s: Strategy,
  featureName: string,
  env: CompileEnv,
  next: CompiledStrategy | null,
): CompiledStrategy {
  const constraints: Constraint[] = [...(s.constraints ?? [])];
  let missing = false;
  for (const id of s.segments ?? []) {
    const segment = env.segments_.get(id);
    // A strategy that names a segment this document lacks can never be satisfied.
    if (!segment) missing = true;
    else constraints.push(...segment.constraints);
  }
  const first = constraints.reduceRight<CompiledConstraint | null>(
    (next, c) => compileConstraint(c, env, next),
    null,
  );
  const strategyVariants = s.variants ?? [];
  const groupId = param(s, 'groupId') || featureName;
  const stickiness = strategyVariants[0]?.stickiness || param(s, 'stickiness') || 'default';
  const { test, reason } = strategyPredicate(missing ? { name: '' } : s, featureName, env);
  return {
    test_: test,
    constraints_: first,
    reason: reason === 'STATIC' && (missing || first !== null) ? 'TARGETING_MATCH' : reason,
    variants: compileVariants(strategyVariants, groupId, stickiness, env),
    next_: next,
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

/** How many REGEX constraints an on feature's strategies test, their segments' included. */
function regexCount(f: Feature, env: CompileEnv): number {
  if (!f.enabled) return 0;
  let n = 0;
  for (const s of f.strategies ?? []) {
    for (const c of s.constraints ?? []) if (c.operator === 'REGEX') n++;
    for (const id of s.segments ?? [])
      for (const c of env.segments_.get(id)?.constraints ?? []) if (c.operator === 'REGEX') n++;
  }
  return n;
}

/**
 * A feature's rules; an off feature keeps only its dependencies (a parent with parents fails its
 * child). Its REGEX constraints share one REGEX_WORK_BUDGET, so one evaluation of a flag spends at
 * most 1 ms in REGEX searches however many it has.
 */
function compileRules(f: Feature, shared: CompileEnv, regexes: number): FeatureRules {
  const env = regexes > 1 ? { ...shared, regexShare_: REGEX_WORK_BUDGET / regexes } : shared;
  const on = f.enabled;
  const strategies = on && f.strategies && f.strategies.length > 0 ? f.strategies : null;
  return {
    enabled: on,
    strategies: strategies
      ? strategies.reduceRight<CompiledStrategy | null>(
          (next, s) => compileStrategy(s, f.name, env, next),
          null,
        )
      : null,
    variants: on
      ? compileVariants(f.variants ?? [], f.name, f.variants?.[0]?.stickiness || 'default', env)
      : null,
    dependencies: compileDependencies(f.dependencies),
  };
}

/** A checked feature and, once it has been evaluated, its rules; the rest is read from the document. */
class LazyFeature implements CompiledFeature {
  // Assigned here so that every instance has the same shape, with the field in the object.
  private compiled_: FeatureRules | undefined = undefined;

  constructor(
    private readonly source_: Feature,
    private readonly env_: CompileEnv,
  ) {
    // A REGEX pattern's compile (V8 building a Unicode class can take milliseconds) belongs to the
    // document's load, not to the first evaluation, which must stay within its 1 ms.
    const regexes = regexCount(source_, env_);
    if (regexes > 0) this.compiled_ = compileRules(source_, env_, regexes);
  }

  get name(): string {
    return this.source_.name;
  }

  get type(): string | undefined {
    return this.source_.type;
  }

  get impressionData(): boolean {
    return this.source_.impressionData === true;
  }

  get rules_(): FeatureRules {
    if (this.compiled_ === undefined) this.compiled_ = compileRules(this.source_, this.env_, 0);
    return this.compiled_;
  }
}

/**
 * Compiles a client-features document, or a delta document (`{ events: [...] }`), into the form
 * `evaluate` runs on. The whole document is checked here (a DocumentError names the first unusable
 * field); each feature's rules (constraints as predicates with their values parsed once, variants)
 * are built on its first evaluation, and a variant's frozen result the first time it is picked.
 */
export function compile(
  document: ClientFeaturesDocument | DeltaDocument,
  options: CompileOptions = {},
): CompiledConfig {
  const doc = normalize(document);
  const hidden = doc.hiddenTargeting;
  const random = options.random ?? Math.random;
  const env: CompileEnv = {
    now_: options.now ?? Date.now,
    random,
    stickyId_: defaultStickyId(random),
    variantSeed_: defaultVariantSeed(random),
    hostname_: options.hostname,
    segments_: new Map((doc.segments ?? []).map((s) => [s.id, s])),
    hidden_:
      hidden &&
      (options.hiddenTargeting ?? fail('hiddenTargeting', 'needs the hiddenTargeting option'))(hidden),
  };
  const features = new Map<string, CompiledFeature>();
  doc.features.forEach((f) => {
    features.set(f.name, new LazyFeature(f, env));
  });
  return { features, document: doc };
}
