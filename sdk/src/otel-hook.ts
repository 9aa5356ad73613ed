/**
 * `@omnilab/sdk/otel`: OpenTelemetry `feature_flag.evaluation` events, per the semantic conventions
 * for feature flags, through a Logs API logger the caller passes in (no OpenTelemetry package is
 * loaded). An evaluation is not an exposure: this records that a flag was evaluated, never that a
 * customer saw a variant — exposures still go to omnilab's events API as before.
 */
import type { EvaluationResult } from '../../shared/model/client-features';
import type { OmnilabClient, OmnilabClientInternals } from './create-client';
import type { SdkContext } from './types';

/** The part of OpenTelemetry's Logs API `Logger` this uses: `logs.getLogger('…')` fits it. */
export interface OtelLogger {
  emit(record: { eventName: string; attributes: Record<string, string | number | boolean> }): void;
}

export interface OtelHookOptions {
  /**
   * Adds `feature_flag.context.id` (the context's `userId`). Off by default: at a bank it is a
   * customer id, and telemetry pipelines are not where customer ids belong.
   */
  includeContextId?: boolean;
  /** `feature_flag.set.id`, e.g. the environment. */
  setId?: string;
}

/** The event's attributes for one evaluation. */
export function evaluationAttributes(
  key: string,
  result: Pick<EvaluationResult, 'enabled' | 'variant' | 'reason' | 'errorCode'>,
  context: SdkContext | null | undefined,
  options: OtelHookOptions = {},
): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {
    'feature_flag.key': key,
    'feature_flag.provider.name': 'omnilab',
    'feature_flag.result.reason': result.reason.toLowerCase(),
  };
  if (result.errorCode) attributes['error.type'] = result.errorCode.toLowerCase();
  else if (result.variant.enabled) attributes['feature_flag.result.variant'] = result.variant.name;
  else attributes['feature_flag.result.value'] = result.enabled;
  if (options.setId) attributes['feature_flag.set.id'] = options.setId;
  if (options.includeContextId && context?.userId) attributes['feature_flag.context.id'] = context.userId;
  return attributes;
}

/** Every client `createClient` makes evaluates through `evaluate` (OmnilabClientInternals). */
function hasEvaluate<C extends OmnilabClient>(client: C): client is C & OmnilabClientInternals {
  const internals: Partial<OmnilabClientInternals> = client;
  return typeof internals.evaluate === 'function';
}

/**
 * The client with every evaluation (`evaluate`, and `isEnabled` / `getVariant`, which go through
 * it) emitting one `feature_flag.evaluation` event. The client itself is unchanged.
 */
export function withOtelEvaluations<C extends OmnilabClient>(
  client: C,
  logger: OtelLogger,
  options: OtelHookOptions = {},
): C {
  if (!hasEvaluate(client)) return client;
  const base = client;
  const instrumented: C & OmnilabClientInternals = Object.create(client);
  instrumented.evaluate = (name: string, context?: SdkContext | null) => {
    const result = base.evaluate.call(instrumented, name, context);
    try {
      logger.emit({
        eventName: 'feature_flag.evaluation',
        attributes: evaluationAttributes(name, result, context, options),
      });
    } catch {
      // Telemetry never changes an answer.
    }
    return result;
  };
  return instrumented;
}

/**
 * An OpenFeature hook (server or web SDK; structurally typed, so no OpenFeature import) that emits
 * `feature_flag.evaluation` after each evaluation through any provider, omnilab's included.
 */
export function otelEvaluationHook(logger: OtelLogger, options: OtelHookOptions = {}) {
  const emit = (attributes: Record<string, string | number | boolean>) => {
    try {
      logger.emit({ eventName: 'feature_flag.evaluation', attributes });
    } catch {
      // Telemetry never changes an answer.
    }
  };
  return {
    after(
      hookContext: {
        flagKey: string;
        providerMetadata?: { name?: string };
        context?: { targetingKey?: string };
      },
      details: {
        value: unknown;
        variant?: string;
        reason?: string;
        errorCode?: string;
        flagMetadata?: unknown;
      },
    ) {
      const attributes: Record<string, string | number | boolean> = {
        'feature_flag.key': hookContext.flagKey,
        'feature_flag.provider.name': hookContext.providerMetadata?.name ?? 'omnilab',
      };
      if (details.reason) attributes['feature_flag.result.reason'] = details.reason.toLowerCase();
      if (details.variant) attributes['feature_flag.result.variant'] = details.variant;
      else if (
        typeof details.value === 'string' ||
        typeof details.value === 'number' ||
        typeof details.value === 'boolean'
      )
        attributes['feature_flag.result.value'] = details.value;
      if (details.errorCode) attributes['error.type'] = details.errorCode.toLowerCase();
      if (options.setId) attributes['feature_flag.set.id'] = options.setId;
      const id = hookContext.context?.targetingKey;
      if (options.includeContextId && id) attributes['feature_flag.context.id'] = id;
      emit(attributes);
    },
    error(hookContext: { flagKey: string; providerMetadata?: { name?: string } }, error: unknown) {
      emit({
        'feature_flag.key': hookContext.flagKey,
        'feature_flag.provider.name': hookContext.providerMetadata?.name ?? 'omnilab',
        'feature_flag.result.reason': 'error',
        'error.type':
          error instanceof Error && 'code' in error ? String(error.code).toLowerCase() : 'general',
      });
    },
  };
}
