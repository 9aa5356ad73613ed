/**
 * Variants: a feature's or a strategy's variant list compiled once (weights, overrides, the sticky
 * seed and its hash prefix), and the pick of one for a context: by override, then by weight.
 */
import type { Context, EvaluationResult, StrategyVariant, VariantDefinition } from '../model/client-features';
import type { CompileEnv } from './compile-env';
import { type ContextReader, contextReader } from './context-value';
import { type HashPrefix, hashPrefix, hashWithPrefix } from './murmur3';
import { type EnabledReason, type ResultsByReason, resultsFor } from './results';

const VARIANT_SEED = 86028157;

interface CompiledVariant {
  readonly weight: number;
  readonly results: ResultsByReason;
}

export interface VariantSet {
  readonly variants: CompiledVariant[];
  readonly totalWeight: number;
  readonly split: boolean;
  readonly overrides: { read: ContextReader; values: string[]; variant: CompiledVariant }[];
  readonly seed: (ctx: Context) => string;
  readonly prefix: HashPrefix;
}

function variantSeed(stickiness: string, env: CompileEnv): (ctx: Context) => string {
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

export function compileVariants(
  defs: (VariantDefinition | StrategyVariant)[],
  groupId: string,
  stickiness: string,
  env: CompileEnv,
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
