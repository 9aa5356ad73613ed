/** `evaluate`: one flag for one context on a compiled configuration; never throws. */
import type { Context, EvaluationResult } from '../model/client-features';
import type {
  CompiledConfig,
  CompiledDependency,
  CompiledFeature,
  CompiledStrategy,
  FeatureRules,
} from './compile';
import { allHold } from './constraints';
import {
  DISABLED,
  ENABLED_NO_VARIANT,
  type EnabledReason,
  GENERAL_ERROR,
  NO_MATCH,
  NOT_FOUND,
} from './results';
import { selectVariant } from './variants';

const EMPTY_CONTEXT: Context = Object.freeze({});

/** The feature's result once it is known to be on by a strategy with `reason`, or by having none. */
function enabledResult(r: FeatureRules, ctx: Context, reason: EnabledReason): EvaluationResult {
  return (r.variants && selectVariant(r.variants, ctx, reason)) ?? ENABLED_NO_VARIANT[reason];
}

function evaluateFeature(config: CompiledConfig, f: CompiledFeature, ctx: Context): EvaluationResult {
  const r = f.rules_;
  if (!r.enabled) return DISABLED;
  if (r.dependencies !== null && !dependenciesSatisfied(config, r.dependencies, ctx)) return NO_MATCH;
  const first = r.strategies;
  if (first === null) return enabledResult(r, ctx, 'STATIC');
  for (let s: CompiledStrategy | null = first; s !== null; s = s.next_) {
    const constraints = s.constraints_;
    if ((constraints !== null && !allHold(constraints, ctx)) || !s.test_(ctx)) continue;
    // The strategy's own variants first, then the feature's.
    return (s.variants && selectVariant(s.variants, ctx, s.reason)) ?? enabledResult(r, ctx, s.reason);
  }
  return NO_MATCH;
}

/**
 * A parent must exist and have no parents of its own (one level only, which also rules out
 * cycles), and be on, off, or on a listed variant, as the dependency asks.
 */
function dependenciesSatisfied(
  config: CompiledConfig,
  deps: readonly CompiledDependency[],
  ctx: Context,
): boolean {
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i];
    const parent = config.features.get(d.feature);
    if (parent === undefined || parent.rules_.dependencies !== null) return false;
    const result = evaluateFeature(config, parent, ctx);
    // On when asked on (and on a listed variant, if any), off when asked off.
    if (result.enabled !== d.enabled) return false;
    if (d.enabled && d.variants !== null && !d.variants.includes(result.variant.name)) return false;
  }
  return true;
}

/**
 * Evaluates one flag for one context. Never throws: an unknown flag or an internal failure comes
 * back as a disabled result with reason ERROR and an error code. The returned object is shared
 * and frozen; do not mutate it.
 */
export function evaluate(config: CompiledConfig, name: string, context?: Context | null): EvaluationResult {
  try {
    const f = config.features.get(name);
    if (f === undefined) return NOT_FOUND;
    return evaluateFeature(config, f, context ?? EMPTY_CONTEXT);
  } catch {
    return GENERAL_ERROR;
  }
}
