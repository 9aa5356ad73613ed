/**
 * Variants: a feature's or a strategy's variant list compiled once (weights, overrides, the sticky
 * seed and its hash prefix), and the pick of one for a context: by override, then by weight. A
 * variant's frozen results are built the first time it is picked, then reused.
 */
import type { Context, EvaluationResult, StrategyVariant, VariantDefinition } from '../model/client-features';
import type { CompileEnv } from './compile-env';
import { type ContextReader, contextReader } from './context-value';
import { type HashPrefix, hashPrefix, hashWithPrefix } from './murmur3';
import { type EnabledReason, frozen, type ResultsByReason, resultsFor } from './results';

const VARIANT_SEED = 86028157;

/** One variant: its weight and definition, and its results once it has been picked. */
interface CompiledVariant {
  readonly weight: number;
  readonly def_: VariantDefinition | StrategyVariant;
  results_: ResultsByReason | undefined;
}

/** The variant's result for `reason`, its frozen results built the first time it is picked. */
function resultOf(v: CompiledVariant, reason: EnabledReason): EvaluationResult {
  if (v.results_ === undefined) {
    const d = v.def_;
    v.results_ = resultsFor(
      frozen(
        d.payload
          ? { name: d.name, payload: frozen({ ...d.payload }), enabled: true, feature_enabled: true }
          : { name: d.name, enabled: true, feature_enabled: true },
      ),
    );
  }
  return v.results_[reason];
}

export interface VariantSet {
  readonly variants: CompiledVariant[];
  readonly totalWeight_: number;
  readonly split: boolean;
  readonly overrides: { read: ContextReader; values: string[]; variant: CompiledVariant }[];
  readonly seed_: (ctx: Context) => string;
  readonly prefix_: HashPrefix;
}

/** The sticky seed of variants without a stickiness field: userId, sessionId, remoteAddress, else random. */
export function defaultVariantSeed(random: () => number): (ctx: Context) => string {
  return (ctx) => {
    const u = ctx.userId;
    if (typeof u === 'string' && u !== '') return u;
    const s = ctx.sessionId;
    if (typeof s === 'string' && s !== '') return s;
    const r = ctx.remoteAddress;
    if (typeof r === 'string' && r !== '') return r;
    return String(Math.round(random() * 100000));
  };
}

function variantSeed(stickiness: string, env: CompileEnv): (ctx: Context) => string {
  if (stickiness === 'default') return env.variantSeed_;
  const read = contextReader(stickiness);
  return (ctx) => read(ctx) || String(Math.round(env.random() * 100000));
}

export function compileVariants(
  defs: (VariantDefinition | StrategyVariant)[],
  groupId: string,
  stickiness: string,
  env: CompileEnv,
): VariantSet | null {
  if (defs.length === 0) return null;
  const overrides: VariantSet['overrides'] = [];
  let totalWeight = 0;
  let weighted = 0;
  const variants = defs.map((d) => {
    const v: CompiledVariant = { weight: d.weight, def_: d, results_: undefined };
    totalWeight += d.weight;
    if (d.weight > 0) weighted++;
    for (const o of (d as VariantDefinition).overrides ?? []) {
      overrides.push({
        read: (env.hidden_ ?? contextReader)(o.contextName),
        values: o.values ?? [],
        variant: v,
      });
    }
    return v;
  });
  return {
    variants,
    totalWeight_: totalWeight,
    split: weighted > 1,
    overrides,
    seed_: variantSeed(stickiness, env),
    prefix_: hashPrefix(`${groupId}:`, VARIANT_SEED),
  };
}

/** Picks a variant by override, then by the sticky hash; null when the weights sum to 0. */
export function selectVariant(set: VariantSet, ctx: Context, reason: EnabledReason): EvaluationResult | null {
  if (set.totalWeight_ <= 0) return null;
  for (let i = 0; i < set.overrides.length; i++) {
    const o = set.overrides[i];
    const v = o.read(ctx);
    if (v !== undefined && o.values.includes(v)) return resultOf(o.variant, 'TARGETING_MATCH');
  }
  const target = (hashWithPrefix(set.prefix_, set.seed_(ctx)) % set.totalWeight_) + 1;
  let counter = 0;
  const variants = set.variants;
  for (let i = 0; i < variants.length; i++) {
    const w = variants[i].weight;
    if (w === 0) continue;
    counter += w;
    if (counter >= target) return resultOf(variants[i], set.split ? 'SPLIT' : reason);
  }
  return null;
}
