/** Readers of one context field, as every Unleash SDK resolves it (top level, then properties). */
import type { Context } from '../model/client-features';

/** Reads one context field: top-level first, then `properties`, as every Unleash SDK resolves it. */
export type ContextReader = (ctx: Context) => string | undefined;

function fromProperties(ctx: Context, name: string): string | undefined {
  const v = ctx.properties?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

function topLevel(name: keyof Context): ContextReader {
  return (ctx) => {
    const v = ctx[name];
    if (typeof v === 'string') return v;
    if (v !== undefined && v !== null) return String(v);
    return fromProperties(ctx, name);
  };
}

// The readers for the well-known fields are built once: constraints on them share one closure.
const KNOWN: Record<string, ContextReader> = {};
for (const name of [
  'userId',
  'sessionId',
  'remoteAddress',
  'environment',
  'appName',
  'channel',
  'currentTime',
] as const)
  KNOWN[name] = topLevel(name);

export function contextReader(name: string): ContextReader {
  return KNOWN[name] ?? ((ctx) => fromProperties(ctx, name));
}
