/**
 * Variants: a feature's or a strategy's variant list compiled once (total weight, overrides, the
 * sticky seed and its hash prefix; weights and definitions are read from the document's list), and
 * the pick of one for a context: by override, then by weight. A variant's frozen results are
 * built the first time it is picked, then reused.
 */
import type { Context, EvaluationResult, StrategyVariant, VariantDefinition } from '../model/client-features';
import type { CompileEnv } from './compile-env';
import { type ContextReader, contextReader } from './context-value';
import { type HashPrefix, hashPrefix, hashWithPrefix } from './murmur3';
import { type EnabledReason, frozen, type ResultsByReason, resultsFor } from './results';

const VARIANT_SEED = 86028157;

type Definition = VariantDefinition | StrategyVariant;

export interface VariantSet {
  /** The document's own list: a variant's weight and definition are read from it. */
  readonly defs_: readonly Definition[];
  readonly totalWeight_: number;
  readonly split: boolean;
  /** null: no variant has overrides (the common case); `num_` is the variant's index. */
  readonly overrides: { read_: ContextReader; values_: string[]; num_: number }[] | null;
  readonly seed_: (ctx: Context) => string;
  readonly prefix_: HashPrefix;
  /** Per variant, its results (one per reason), built the first time it is picked; holes until then. */
  results_: (ResultsByReason | undefined)[] | null;
}

/** Variant `i`'s result for `reason`, its results built the first time it is picked. */
function resultOf(set: VariantSet, i: number, reason: EnabledReason): EvaluationResult {
  if (set.results_ === null) set.results_ = [];
  const d = set.defs_[i];
  const results =
    set.results_[i] ??
    resultsFor(
      frozen(
        d.payload
          ? { name: d.name, payload: frozen({ ...d.payload }), enabled: true, feature_enabled: true }
          : { name: d.name, enabled: true, feature_enabled: true },
      ),
    );
  set.results_[i] = results;
  return results[reason];
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
  defs: Definition[],
  groupId: string,
  stickiness: string,
  env: CompileEnv,
): VariantSet | null {
  if (defs.length === 0) return null;
  const overrides: NonNullable<VariantSet['overrides']> = [];
  let totalWeight = 0;
  let weighted = 0;
  defs.forEach((d, index) => {
    totalWeight += d.weight;
    if (d.weight > 0) weighted++;
    for (const o of (d as VariantDefinition).overrides ?? []) {
      overrides.push({
        read_: (env.hidden_ ?? contextReader)(o.contextName),
        values_: o.values ?? [],
        num_: index,
      });
    }
  });
  return {
    defs_: defs,
    totalWeight_: totalWeight,
    split: weighted > 1,
    overrides: overrides.length > 0 ? overrides : null,
    seed_: variantSeed(stickiness, env),
    prefix_: hashPrefix(`${groupId}:`, VARIANT_SEED),
    results_: null,
  };
}

/** Picks a variant by override, then by the sticky hash; null when the weights sum to 0. */
export function selectVariant(set: VariantSet, ctx: Context, reason: EnabledReason): EvaluationResult | null {
  if (set.totalWeight_ <= 0) return null;
  const overrides = set.overrides;
  if (overrides !== null)
    for (let i = 0; i < overrides.length; i++) {
      const o = overrides[i];
      const v = o.read_(ctx);
      if (v !== undefined && o.values_.includes(v)) return resultOf(set, o.num_, 'TARGETING_MATCH');
    }
  const target = (hashWithPrefix(set.prefix_, set.seed_(ctx)) % set.totalWeight_) + 1;
  let counter = 0;
  const defs = set.defs_;
  for (let i = 0; i < defs.length; i++) {
    const w = defs[i].weight;
    if (w === 0) continue;
    counter += w;
    if (counter >= target) return resultOf(set, i, set.split ? 'SPLIT' : reason);
  }
  return null;
}
