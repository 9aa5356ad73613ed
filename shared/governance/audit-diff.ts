/**
 * What an audit entry keeps of a change: the paths that changed, each with its value before and
 * after (a missing side means the key was absent), rather than two whole states. Pure: `applyDiff`
 * of `auditDiff(a, b)` to `a` gives back `b` (JSON values), which is how a reader rebuilds a state.
 */

export type DiffPath = (string | number)[];

export interface AuditChange {
  path: DiffPath;
  before?: unknown;
  after?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An own property's value: never one inherited from Object.prototype (`valueOf`, `__proto__`). */
function own(o: Record<string, unknown>, k: string): unknown {
  return Object.hasOwn(o, k) ? o[k] : undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => own(b, k) !== undefined && same(a[k], own(b, k)));
  }
  return false;
}

/** The changes from `before` to `after`, deepest first where both sides are objects or arrays. */
export function auditDiff(before: unknown, after: unknown): AuditChange[] {
  const out: AuditChange[] = [];
  const walk = (a: unknown, b: unknown, path: DiffPath, hasA: boolean, hasB: boolean) => {
    if (hasA && hasB && same(a, b)) return;
    if (hasA && hasB && isObject(a) && isObject(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of [...keys].sort())
        walk(own(a, k), own(b, k), [...path, k], own(a, k) !== undefined, own(b, k) !== undefined);
      return;
    }
    if (hasA && hasB && Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++)
        walk(a[i], b[i], [...path, i], i < a.length, i < b.length);
      return;
    }
    out.push({ path, ...(hasA ? { before: a } : {}), ...(hasB ? { after: b } : {}) });
  };
  walk(before, after, [], before !== undefined, after !== undefined);
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** `before` with the changes applied: the state after. */
export function applyDiff(before: unknown, changes: readonly AuditChange[]): unknown {
  let root: unknown = clone(before);
  // Array elements that went away, removed last and from the end so indices stay true.
  const removals: { parent: unknown[]; index: number }[] = [];
  for (const c of changes) {
    if (c.path.length === 0) {
      root = 'after' in c ? clone(c.after) : undefined;
      continue;
    }
    let node = root as Record<string | number, unknown>;
    for (const key of c.path.slice(0, -1))
      node = own(node as Record<string, unknown>, String(key)) as Record<string | number, unknown>;
    const last = c.path[c.path.length - 1];
    if ('after' in c)
      Object.defineProperty(node, last, {
        value: clone(c.after),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else if (Array.isArray(node)) removals.push({ parent: node, index: Number(last) });
    else delete node[last];
  }
  removals.sort((x, y) => y.index - x.index);
  for (const r of removals) r.parent.splice(r.index, 1);
  return root;
}
