/**
 * Runs a regex-parse.ts program as an unanchored search in time linear in the input: a DFA built
 * lazily from the NFA (each DFA state is a set of NFA threads), so a character costs one lookup once
 * its transition is known and at most one pass over the program's threads the first time.
 */
import { kindOf, type Program } from './regex-parse';

interface State {
  /** NFA instructions waiting for the next character (before their forks and assertions are followed). */
  k: number[];
  /** Kind of the character before (kindOf), which assertions need. */
  p: number;
  /** Next state by character: an array for ASCII, a map (made when first needed) above. */
  t: State[];
  u: Map<number, State> | undefined;
  /** Whether the program matches if the input ends here, once known. */
  e: boolean | undefined;
}

/** Transitions lead here once the program has matched: the search is over. */
const MATCHED: State = { k: [], p: 0, t: [], u: undefined, e: true };

/** Cached states hold at most this many thread entries in all; past it the cache starts afresh. */
const CACHE_BUDGET = 50_000;

/** Counts NFA thread steps, for tests and benchmarks that bound the work done. */
export const regexWork = { steps: 0 };

/**
 * A predicate telling whether `program` matches anywhere in its argument. Once `patience` states
 * were built for one text, and one for most of its characters, the rest runs on the NFA (0: at once).
 */
export function searcher({ op, a, b, m }: Program, patience = 256): (s: string) => boolean {
  const seen = new Int32Array(op.length);
  let gen = 0;
  let cache = new Map<string, State>();
  let used = 0;
  let built = 0;
  let start: State | undefined;

  const intern = (k: number[], p: number): State => {
    // Instruction indexes are below 2^16 (MAX_PROGRAM): one UTF-16 unit each.
    const key = String.fromCharCode(p, ...k);
    let s = cache.get(key);
    if (!s) {
      used += k.length + 8;
      built++;
      if (used > CACHE_BUDGET) {
        cache = new Map();
        used = k.length + 8;
        start = undefined;
      }
      s = { k, p, t: [], u: undefined, e: undefined };
      cache.set(key, s);
    }
    return s;
  };

  /** Follows forks, jumps and assertions from `k`; pushes the consuming instructions; true on a match. */
  const close = (k: number[], p: number, n: number, out: number[]): boolean => {
    const stack = k.slice();
    const bit = 1 << (p * 4 + n);
    gen++;
    for (let top = stack.length; top > 0; ) {
      const pc = stack[--top];
      if (seen[pc] === gen) continue;
      seen[pc] = gen;
      regexWork.steps++;
      const o = op[pc];
      if (o === 0) out.push(pc);
      else if (o === 1) {
        stack[top++] = b[pc];
        stack[top++] = a[pc];
      } else if (o === 2) stack[top++] = a[pc];
      else if (o === 3) {
        if (a[pc] & bit) stack[top++] = pc + 1;
      } else return true;
    }
    return false;
  };

  /** The threads after `c` (of kind `n`), or null when the program matches before it. */
  const advance = (k: number[], p: number, c: number, n: number): number[] | null => {
    const ready: number[] = [];
    if (close(k, p, n, ready)) return null;
    const next: number[] = [];
    gen++;
    for (const pc of ready) {
      regexWork.steps++;
      if (m[pc](c) && seen[pc + 1] !== gen) {
        seen[pc + 1] = gen;
        next.push(pc + 1);
      }
    }
    // Unanchored: a match may start at every position.
    if (seen[0] !== gen) next.push(0);
    return next;
  };

  return (text) => {
    start ??= intern([0], 0);
    let s = start;
    // Set once the DFA is dropped for the rest of this text: the NFA's threads and the previous kind.
    let threads: number[] | null = null;
    let p = 0;
    const builtBefore = built;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + d - 0xdc00;
          i++;
        }
      }
      if (!threads) {
        let next = c < 128 ? s.t[c] : s.u?.get(c);
        // When most characters need a new state (a DFA can have exponentially many), building them
        // costs more than it saves: the rest of the text runs on the NFA's threads directly.
        if (next || built - builtBefore < patience || (built - builtBefore) * 4 < i) {
          if (!next) {
            const n = kindOf(c);
            const k = advance(s.k, s.p, c, n);
            next = k ? intern(k, n) : MATCHED;
            if (c < 128) s.t[c] = next;
            else {
              s.u ??= new Map();
              s.u.set(c, next);
            }
          }
          if (next === MATCHED) return true;
          s = next;
          continue;
        }
        threads = s.k;
        p = s.p;
      }
      const n = kindOf(c);
      threads = advance(threads, p, c, n);
      if (!threads) return true;
      p = n;
    }
    if (threads) return close(threads, p, 0, []);
    s.e ??= close(s.k, s.p, 0, []);
    return s.e;
  };
}
