/**
 * Runs a regex-parse.ts program as an unanchored search in time linear in the input: a DFA built
 * lazily from the NFA (each DFA state is a set of NFA threads) over character classes (code points
 * that every part of the pattern treats alike share one class, so a CJK text costs what an ASCII one
 * does). Its work per character is bounded by the program: see `worstPerCharacter`.
 */
import { CHEAP, kindOf, type Program } from './regex-parse';

interface State {
  /** NFA instructions waiting for the next character (before their forks and assertions are followed). */
  k: number[];
  /** Kind of the character before (kindOf), which assertions need. */
  p: number;
  /** Next state by character class. */
  t: (State | undefined)[];
}

/** Transitions lead here once the program has matched: the search is over. */
const MATCHED: State = { k: [], p: 0, t: [] };

/** At most this many DFA states are cached (each of at most MAX_PROGRAM threads); then afresh. */
const MAX_STATES = 1000;
/** At most this many non-ASCII code points' classes are remembered (past it, tested each time). */
const MAX_OTHERS = 4096;

/** Counts NFA instruction visits (following threads), for tests and benchmarks that bound the work done. */
export const regexWork = { steps: 0 };

/**
 * The most work one character of a text can cost `program`: one table look-up, at most two visits
 * of each instruction (following the threads, then stepping the consuming ones: `regexWork` counts
 * the first), and, for a code
 * point not seen before, one RegExp test by each distinct class of the pattern (and one of its kind).
 */
export function worstPerCharacter(program: Program): { visits: number; tests: number } {
  const classes = new Set(program.m.filter((m) => m && !CHEAP.has(m)));
  return { visits: 2 * program.op.length, tests: classes.size + 1 };
}

/**
 * A predicate telling whether `program` matches anywhere in its argument. Where the DFA would have
 * exponentially many states, it builds one per character (each costs what an NFA step does, priced
 * by worstPerCharacter) and the bounded cache starts afresh.
 */
export function searcher({ op, a, b, m }: Program): (s: string) => boolean {
  const size = op.length;
  // Scratch: seen marks (of generation `gen`), the closure's stack, its consuming threads.
  const seen = new Int32Array(size + 1);
  const stack = new Int32Array(3 * size + 4);
  const ready = new Int32Array(size + 1);
  let gen = 0;
  // The distinct matchers, and each consuming instruction's index among them.
  const matchers = [...new Set(m.filter(Boolean))];
  const mi = op.map((o, pc) => (o ? 0 : matchers.indexOf(m[pc])));
  let cache = new Map<string, State>();
  let start: State | undefined;
  // Classes: of ASCII (-1 until known) and of other code points; each one's answers and kind. There
  // are at most as many as the combinations of the pattern's classes that Unicode has.
  const ascii = new Int32Array(128).fill(-1);
  const others = new Map<number, number>();
  const accepts: Uint8Array[] = [];
  const kinds: number[] = [];
  const byKey = new Map<string, number>();

  const intern = (k: number[], p: number): State => {
    // Instruction indexes are below 2^16 (MAX_PROGRAM): one UTF-16 unit each.
    const key = String.fromCharCode(p, ...k);
    let s = cache.get(key);
    if (!s) {
      if (cache.size >= MAX_STATES) {
        cache = new Map();
        start = undefined;
      }
      s = { k, p, t: [] };
      cache.set(key, s);
    }
    return s;
  };

  /** The class of a code point not yet known (remembered for MAX_OTHERS code points over ASCII). */
  const classify = (c: number): number => {
    const acc = Uint8Array.from(matchers, (f) => +f(c));
    const n = kindOf(c);
    const key = n + acc.join('');
    let id = byKey.get(key);
    if (id === undefined) {
      id = accepts.push(acc) - 1;
      kinds.push(n);
      byKey.set(key, id);
    }
    if (c < 128) ascii[c] = id;
    else if (others.size < MAX_OTHERS) others.set(c, id);
    return id;
  };

  // The RegExps compile at their first use (once for one-byte strings, once for others): here.
  classify(0);
  classify(256);

  /**
   * Follows forks, jumps and assertions from the threads `k`; leaves the consuming
   * instructions reached in `ready` and returns how many, or -1 when the program matches.
   */
  const close = (k: number[], p: number, n: number): number => {
    stack.set(k);
    let top = k.length;
    const bit = 1 << (p * 4 + n);
    gen++;
    let out = 0;
    while (top > 0) {
      const pc = stack[--top];
      if (seen[pc] === gen) continue;
      seen[pc] = gen;
      regexWork.steps++;
      const o = op[pc];
      if (o === 0) ready[out++] = pc;
      else if (o === 1) {
        stack[top++] = b[pc];
        stack[top++] = a[pc];
      } else if (o === 2) stack[top++] = a[pc];
      else if (o === 3) {
        if (a[pc] & bit) stack[top++] = pc + 1;
      } else return -1;
    }
    return out;
  };

  /** The state after `s` reads a character of class `id`. */
  const advance = (s: State, id: number): State => {
    const count = close(s.k, s.p, kinds[id]);
    if (count < 0) return MATCHED;
    const acc = accepts[id];
    const next: number[] = [];
    gen++;
    for (let j = 0; j < count; j++) {
      const pc = ready[j] + 1;
      if (acc[mi[pc - 1]] && seen[pc] !== gen) {
        seen[pc] = gen;
        next.push(pc);
      }
    }
    // Unanchored: a match may start at every position.
    if (seen[0] !== gen) next.push(0);
    return intern(next, kinds[id]);
  };

  return (text) => {
    start ??= intern([0], 0);
    let s = start;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + d - 0xdc00;
          i++;
        }
      }
      let id = c < 128 ? ascii[c] : (others.get(c) ?? -1);
      if (id < 0) id = classify(c);
      s = s.t[id] ??= advance(s, id);
      if (s === MATCHED) return true;
    }
    return close(s.k, s.p, 0) < 0;
  };
}
