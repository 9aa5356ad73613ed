/** The shared, frozen result objects evaluation hands out: errors, off, on without a variant, on with one. */
import type { EvaluationResult, Reason, VariantResult } from '../model/client-features';

/** Results are shared and frozen: evaluation hands out the same object instead of allocating one per call. */
export function frozen<T extends object>(o: T): Readonly<T> {
  return Object.freeze(o);
}

export const DISABLED_VARIANT: VariantResult = frozen({
  name: 'disabled',
  enabled: false,
  feature_enabled: false,
});
export const NO_VARIANT: VariantResult = frozen({ name: 'disabled', enabled: false, feature_enabled: true });

export const NOT_FOUND: EvaluationResult = frozen({
  enabled: false,
  variant: DISABLED_VARIANT,
  reason: 'ERROR',
  errorCode: 'FLAG_NOT_FOUND',
});
export const GENERAL_ERROR: EvaluationResult = frozen({
  enabled: false,
  variant: DISABLED_VARIANT,
  reason: 'ERROR',
  errorCode: 'GENERAL',
});
export const DISABLED: EvaluationResult = frozen({
  enabled: false,
  variant: DISABLED_VARIANT,
  reason: 'DISABLED',
});
export const NO_MATCH: EvaluationResult = frozen({
  enabled: false,
  variant: DISABLED_VARIANT,
  reason: 'DEFAULT',
});

export type EnabledReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT';

/** Enabled results for one variant, one per reason it can be reached by. */
export interface ResultsByReason {
  STATIC: EvaluationResult;
  TARGETING_MATCH: EvaluationResult;
  SPLIT: EvaluationResult;
}

export function resultsFor(variant: VariantResult): ResultsByReason {
  const make = (reason: Reason): EvaluationResult => frozen({ enabled: true, variant, reason });
  return { STATIC: make('STATIC'), TARGETING_MATCH: make('TARGETING_MATCH'), SPLIT: make('SPLIT') };
}

export const ENABLED_NO_VARIANT = resultsFor(NO_VARIANT);
