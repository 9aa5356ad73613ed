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
 * The fields the server decides for an untrusted caller (frontend API, OFREP): frontend and client
 * keys ship inside apps, so whatever the caller says about the time or its address is ignored, in
 * the context and in its properties alike, as the Unleash frontend API does.
 */
const SERVER_DECIDED = new Set(['currentTime', 'remoteAddress']);

/** What the server knows of a request: its own clock and the address the request came from. */
export interface ServerFacts {
  environment: string;
  /** The server's clock (the runtime's `now`), for `DATE_*` constraints. */
  now: Date;
  /** The request's source address (API Gateway's `requestContext.http.sourceIp`), if known. */
  sourceIp?: string;
}

/**
 * An Unleash context (frontend API): known fields stay top level, `properties` and any other field
 * become properties, as the Unleash frontend API does. `currentTime` and `remoteAddress` come from
 * the server, never from the caller.
 */
export function unleashContext(input: Record<string, unknown>, server: ServerFacts): Context {
  const ctx: Context = {};
  // Null-prototype: a property named `__proto__` is a field like any other, never a setter.
  const properties: Properties = Object.create(null);
  for (const [key, value] of Object.entries(input)) {
    if (SERVER_DECIDED.has(key)) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (SERVER_DECIDED.has(k)) continue;
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
  ctx.environment ??= server.environment;
  ctx.currentTime = server.now.toISOString();
  if (server.sourceIp) ctx.remoteAddress = server.sourceIp;
  if (Object.keys(properties).length > 0) ctx.properties = properties;
  return ctx;
}

/** The frontend API's GET form: `?userId=u&properties[tier]=gold` (unleash-proxy-client's encoding). */
export function queryContext(query: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  const properties: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(query)) {
    const m = /^properties\[(.+)\]$/.exec(key);
    if (m) properties[m[1]] = value;
    else out[key] = value;
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out;
}

/** An OpenFeature context: `targetingKey` is the customer id. */
export function openFeatureContext(input: Record<string, unknown>, server: ServerFacts): Context {
  const { targetingKey, ...rest } = input;
  const ctx = unleashContext(rest, server);
  const key = scalar(targetingKey);
  if (key !== undefined && key !== '') ctx.userId = key;
  return ctx;
}

/**
 * A stable text of a context, for ETags that must change whenever the context does. The server's
 * clock is left out (it changes every call): an ETag that also covers the answer catches a date
 * constraint that turned.
 */
export function canonicalContext(ctx: Context): string {
  const sorted = (o: Record<string, unknown>) =>
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]);
  const { properties, currentTime: _clock, ...top } = ctx;
  return JSON.stringify([sorted(top), sorted(properties ?? {})]);
}
