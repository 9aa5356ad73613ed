/** Readers of one context field, as every Unleash SDK resolves it (top level, then properties). */
import type { Context } from '../model/client-features';

/** Reads one context field: top-level first, then `properties`, as every Unleash SDK resolves it. */
export type ContextReader = (ctx: Context) => string | undefined;

// Only the context's own fields count: a field the caller never sent is absent, never a member
// inherited from Object.prototype (`toString`, `constructor`, `__proto__`...), as Unleash SDKs read it.
const hasOwn = Object.prototype.hasOwnProperty;

function fromProperties(ctx: Context, name: string): string | undefined {
  const props = ctx.properties;
  if (props === undefined || props === null || !hasOwn.call(props, name)) return undefined;
  const v = props[name];
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

// One reader per field name, shared by every constraint on it: the well-known fields read the top
// level first, the others `properties` (documents name a few fields).
const READERS: Record<string, ContextReader> = Object.create(null);
for (const name of [
  'userId',
  'sessionId',
  'remoteAddress',
  'environment',
  'appName',
  'channel',
  'currentTime',
] as const)
  READERS[name] = topLevel(name);

export function contextReader(name: string): ContextReader {
  const read = READERS[name] || ((ctx: Context) => fromProperties(ctx, name));
  READERS[name] = read;
  return read;
}
