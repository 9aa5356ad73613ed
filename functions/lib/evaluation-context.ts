/** Turns what SDKs send (query strings, Unleash contexts, OpenFeature contexts) into omnilab's Context. */
import type { Context } from '../../shared/model/client-features';

const TOP_LEVEL = [
  'userId',
  'sessionId',
  'remoteAddress',
  'environment',
  'appName',
  'currentTime',
  'channel',
] as const;
type Properties = NonNullable<Context['properties']>;

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * An Unleash context (frontend API): known fields stay top level, `properties` and any other field
 * become properties, as the Unleash frontend API does.
 */
export function unleashContext(
  input: Record<string, unknown>,
  defaults: { environment: string; remoteAddress?: string },
): Context {
  const ctx: Context = {};
  const properties: Properties = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const s = scalar(v);
        if (s !== undefined) properties[k] = s;
      }
      continue;
    }
    const s = scalar(value);
    if (s === undefined) continue;
    if ((TOP_LEVEL as readonly string[]).includes(key)) (ctx as Record<string, string>)[key] = s;
    else properties[key] = s;
  }
  ctx.environment ??= defaults.environment;
  if (ctx.remoteAddress === undefined && defaults.remoteAddress) ctx.remoteAddress = defaults.remoteAddress;
  if (Object.keys(properties).length > 0) ctx.properties = properties;
  return ctx;
}

/** The frontend API's GET form: `?userId=u&properties[tier]=gold` (unleash-proxy-client's encoding). */
export function queryContext(query: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const m = /^properties\[(.+)\]$/.exec(key);
    if (m) properties[m[1]] = value;
    else out[key] = value;
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out;
}

/** An OpenFeature context: `targetingKey` is the customer id. */
export function openFeatureContext(
  input: Record<string, unknown>,
  defaults: { environment: string; remoteAddress?: string },
): Context {
  const { targetingKey, ...rest } = input;
  const ctx = unleashContext(rest, defaults);
  const key = scalar(targetingKey);
  if (key !== undefined && key !== '') ctx.userId = key;
  return ctx;
}

/** A stable text of a context, for ETags that must change whenever the context does. */
export function canonicalContext(ctx: Context): string {
  const sorted = (o: Record<string, unknown>) =>
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]);
  const { properties, ...top } = ctx;
  return JSON.stringify([sorted(top), sorted(properties ?? {})]);
}
