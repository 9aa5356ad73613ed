/**
 * What the two OpenFeature providers share: an OpenFeature evaluation context as an omnilab context,
 * and one flag resolved as a boolean, string, number or object value with its reason.
 */
import type { OmnilabClientInternals, SdkContext } from './index';

export type FlagValueType = 'boolean' | 'string' | 'number' | 'object';

/** OpenFeature's ResolutionDetails, restated so this module needs neither OpenFeature SDK. */
export interface Resolution<T> {
  value: T;
  variant?: string;
  reason: string;
  errorCode?: string;
  errorMessage?: string;
}

const KNOWN = ['sessionId', 'channel', 'appVersion', 'remoteAddress', 'environment', 'appName'] as const;

function scalar(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return undefined;
}

/**
 * An OpenFeature evaluation context as an omnilab context: `targetingKey` is the customer id
 * (unless `userId` is given), the well-known fields keep their names, and every other scalar
 * attribute becomes a property that constraints can name.
 */
export function toSdkContext(ctx: Record<string, unknown> | undefined): SdkContext {
  const out: SdkContext = {};
  if (!ctx) return out;
  const userId = ctx.userId ?? ctx.targetingKey;
  if (typeof userId === 'string' && userId !== '') out.userId = userId;
  for (const k of KNOWN) {
    const v = ctx[k];
    if (typeof v === 'string') out[k] = v;
  }
  if (typeof ctx.currentTime === 'string' || ctx.currentTime instanceof Date)
    out.currentTime = ctx.currentTime;
  const properties: NonNullable<SdkContext['properties']> = {};
  let any = false;
  const nested = ctx.properties;
  if (typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
    for (const [k, v] of Object.entries(nested)) {
      const s = scalar(v);
      if (s === undefined) continue;
      properties[k] = s;
      any = true;
    }
  }
  for (const [k, v] of Object.entries(ctx)) {
    if (k === 'targetingKey' || k === 'userId' || k === 'properties' || k === 'currentTime') continue;
    if ((KNOWN as readonly string[]).includes(k)) continue;
    const s = scalar(v);
    if (s === undefined) continue;
    properties[k] = s;
    any = true;
  }
  if (any) out.properties = properties;
  return out;
}

function mismatch<T>(value: T, variant: string, message: string): Resolution<T> {
  return { value, variant, reason: 'ERROR', errorCode: 'TYPE_MISMATCH', errorMessage: message };
}

/**
 * One flag as an OpenFeature value: a boolean is whether the flag is on; a string is the
 * variant's payload, or its name when it has none; a number needs a `number` payload and an
 * object a `json` payload. A flag that is off, or on without a variant, resolves to the default.
 */
export function resolveFlag<T>(
  client: OmnilabClientInternals,
  flagKey: string,
  type: FlagValueType,
  defaultValue: T,
  context: Record<string, unknown> | undefined,
): Resolution<T> {
  const r = client.evaluate(flagKey, toSdkContext(context));
  if (r.reason === 'ERROR') {
    return {
      value: defaultValue,
      reason: 'ERROR',
      errorCode: r.errorCode ?? 'GENERAL',
      errorMessage: r.errorCode === 'FLAG_NOT_FOUND' ? `flag ${flagKey} not found` : 'evaluation failed',
    };
  }
  const variant = r.variant;
  if (type === 'boolean') {
    return variant.enabled
      ? { value: r.enabled as T, variant: variant.name, reason: r.reason }
      : { value: r.enabled as T, reason: r.reason };
  }
  if (!r.enabled || !variant.enabled)
    return { value: defaultValue, reason: r.enabled ? 'DEFAULT' : r.reason };
  const payload = variant.payload;
  if (type === 'string')
    return { value: (payload ? payload.value : variant.name) as T, variant: variant.name, reason: r.reason };
  if (type === 'number') {
    const n = payload?.type === 'number' ? Number(payload.value) : Number.NaN;
    if (Number.isNaN(n))
      return mismatch(defaultValue, variant.name, `variant ${variant.name} has no number payload`);
    return { value: n as T, variant: variant.name, reason: r.reason };
  }
  if (payload?.type !== 'json')
    return mismatch(defaultValue, variant.name, `variant ${variant.name} has no json payload`);
  try {
    return { value: JSON.parse(payload.value) as T, variant: variant.name, reason: r.reason };
  } catch {
    return {
      value: defaultValue,
      variant: variant.name,
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
      errorMessage: `variant ${variant.name} has a payload that is not JSON`,
    };
  }
}
