/**
 * Parses a REGEX constraint's pattern, in Rust `regex` syntax (what Yggdrasil, Unleash's reference
 * engine, accepts), into a Thompson NFA program that regex-search.ts runs in linear time. Patterns
 * Rust refuses (look-around, back-references, bad syntax) and patterns over the size limits are
 * refused (see REGEX_PROBLEMS); the limits bound the time compiling takes too.
 */

/** The largest count in `{n}`, `{n,}` and `{n,m}` (Rust allows more): bounds the work per character. */
export const MAX_REPEAT = 100;
/** The most instructions a pattern may compile to; bounds compile time, memory and the work per character. */
export const MAX_PROGRAM = 500;

/**
 * What is wrong with a refused pattern, thrown by parseRegex as its index here (a number, so that
 * the SDK, which only needs to know that a pattern cannot match, carries no messages). Rust's
 * `regex` accepts the first four (omnilab's limits, and flags it does not support) and refuses all
 * the others too.
 */
export const REGEX_PROBLEMS = [
  `compiles to more than ${MAX_PROGRAM} instructions`,
  `repeats its parts more than ${4 * MAX_PROGRAM} times in all`,
  `has a repetition count over ${MAX_REPEAT}`,
  'uses the flag u turned off or the flag R, which omnilab does not support',
  'has a counted repetition without a decimal number',
  'has an unclosed counted repetition',
  'has a repetition range whose maximum is below its minimum',
  'has a repetition operator with nothing to repeat',
  'has an invalid hex escape',
  'ends in an incomplete escape',
  'names an unknown Unicode class',
  'names an unknown word boundary \\b{…}',
  'uses a back-reference, which Rust regex syntax does not have',
  'has an unrecognised escape',
  'has an unclosed character class',
  'has a character class range whose end is before its start',
  'uses look-around, which Rust regex syntax does not have',
  'has an invalid group name',
  'has an empty or unknown flag group',
  'has an unclosed group',
  'has an unopened group',
] as const;
/** How many of REGEX_PROBLEMS are omnilab's own (Rust accepts the pattern). */
export const REGEX_OMNILAB_PROBLEMS = 4;

/** Whether one code point belongs to a character class. */
export type Matcher = (c: number) => boolean;

/**
 * Instructions in parallel arrays. `op`: 0 consume a character `m[pc]` accepts, 1 fork to `a` and
 * `b`, 2 jump to `a`, 3 assert (`a` holds one bit per pair of previous and next character kinds,
 * see `kindOf`), 4 match.
 */
export interface Program {
  op: number[];
  a: number[];
  b: number[];
  m: Matcher[];
  /**
   * Whether an assertion tells word characters from others (`\b` and its kin; see kindOf): only
   * then does a code point's kind cost the search a RegExp test (else it is the end, `\n` or another).
   */
  w: boolean;
}

// Unicode-aware like Rust's \d \w \s, where the runtime knows property escapes; ASCII otherwise.
const UNICODE = (() => {
  try {
    return /\p{L}/u.test('é');
  } catch {
    return false;
  }
})();
const DIGIT = UNICODE ? '\\p{Nd}' : '0-9';
const WORD = UNICODE ? '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}' : '\\w';
const SPACE = UNICODE ? '\\p{White_Space}' : '\\s';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\0-\\x7F',
  blank: '\\t ',
  cntrl: '\\0-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t-\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * The JS class `[src]` (negated with `neg`) as a matcher; throws (caught by the caller) if JS refuses it.
 * The search remembers each code point's answers itself (regex-search.ts): no cache here.
 */
const regExpClass = (src: string, neg: unknown, ci: number): Matcher => {
  const re = RegExp(`[${neg ? '^' : ''}${src}]`, ci ? 'iu' : 'u');
  return (c) => re.test(String.fromCodePoint(c));
};

/**
 * A code point under (?i): an ASCII letter is itself or its other case, and k and s the Kelvin
 * sign and the long s too (Unicode simple case folding); another ASCII character is itself; any
 * other, a class.
 */
const caseless = (e: number): Matcher => {
  if (e >= 128) return regExpClass(hex(e), 0, 1);
  const low = e | 32;
  if (low < 97 || low > 122) return cheap((x) => x === e);
  const extra = low === 107 ? 0x212a : low === 115 ? 0x17f : -1;
  return cheap((x) => ((x | 32) === low && x < 128 ? true : x === extra));
};

/**
 * The class of the sorted, merged ranges `r` (`[lo, hi, lo, hi…]`), without a RegExp: a bitmap
 * for ASCII, a binary search for the rest.
 */
const rangesOf = (r: number[]): Matcher => {
  const bits = new Uint32Array(4);
  for (let j = 0; j < r.length && r[j] < 128; j += 2)
    for (let c = r[j]; c <= Math.min(r[j + 1], 127); c++) bits[c >> 5] |= 1 << (c & 31);
  const ranges = Int32Array.from(r);
  return cheap((c) => {
    if (c < 128) return (bits[c >> 5] & (1 << (c & 31))) !== 0;
    let lo = 0;
    let hi = ranges.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (c < ranges[2 * mid]) hi = mid - 1;
      else if (c > ranges[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  });
};

/** Sorts and merges `[lo, hi]` pairs into the form rangesOf reads. */
const merged = (pairs: [number, number][]): number[] => {
  const out: number[] = [];
  for (const [lo, hi] of pairs.sort((x, y) => x[0] - y[0])) {
    if (out.length && lo <= out[out.length - 1] + 1) out[out.length - 1] = Math.max(out[out.length - 1], hi);
    else out.push(lo, hi);
  }
  return out;
};

const ANY: Matcher = () => true;
const NOT_NEWLINE: Matcher = (x) => x !== 10;
/** Matchers that test a code point without a RegExp (comparisons): the search prices them apart. */
export const CHEAP = new WeakSet<Matcher>([ANY, NOT_NEWLINE]);
const cheap = (m: Matcher): Matcher => CHEAP.add(m) && m;

const isWordChar = regExpClass(WORD, 0, 0);

/** 0 start or end of text, 1 `\n`, 2 a word character (`\w`), 3 anything else. */
export const kindOf = (c: number): number => (c === 10 ? 1 : isWordChar(c) ? 2 : 3);

// An assertion is a 16-bit table: bit `4 * previous kind + next kind` (see kindOf) is set where it holds.
const TEXT_START = 0x000f; // \A: previous is the start
const TEXT_END = 0x1111; // \z: next is the end
const LINE_START = 0x00ff; // (?m)^: previous is the start or \n
const LINE_END = 0x3333; // (?m)$: next is the end or \n
const BOUNDARY = 0x4b44; // \b: exactly one side is a word character
const WORD_START = 0x4044; // \< \b{start}: a word character after, none before
const WORD_END = 0x0b00; // \> \b{end}: a word character before, none after
const WORD_ASSERTIONS: Record<string, number> = {
  B: 0xb4bb, // \B: the complement of \b
  '<': WORD_START,
  '>': WORD_END,
  start: WORD_START,
  end: WORD_END,
  'start-half': 0xf0ff, // no word character before
  'end-half': 0xbbbb, // no word character after
};

const hex = (c: number) => `\\u{${c.toString(16)}}`;

// Flags as bits: case-insensitive, multi-line, dot matches newline, verbose.
const I = 1;
const M = 2;
const S = 4;
const X = 8;

type Emitter = () => void;

/** The program of `pattern`; throws the index in REGEX_PROBLEMS of what is wrong with it. */
export function parseRegex(pattern: string, caseInsensitive: boolean): Program {
  const cs = Array.from(pattern);
  let i = 0;
  let f = caseInsensitive ? I : 0;
  const op: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const m: Matcher[] = [];
  let w = false;
  const literals = new Map<number, Matcher>();
  // One matcher per distinct class of the pattern: the search tests each once per new code point.
  const known = new Map<string, Matcher>();
  const classOf = (src: string, neg: unknown, ci: number): Matcher => {
    const key = `${neg ? '^' : ''}${ci ? 'i' : ''}${src}`;
    let k = known.get(key);
    if (!k) {
      k = regExpClass(src, neg, ci);
      known.set(key, k);
    }
    return k;
  };
  function fail(problem: number): never {
    throw problem;
  }
  const emit = (o: number, x = 0, y = 0, f?: Matcher): number => {
    if (op.length >= MAX_PROGRAM) fail(0);
    if (f) m[op.length] = f;
    a.push(x);
    b.push(y);
    return op.push(o) - 1;
  };
  const here = () => op.length;
  const space = (c: string | undefined) => c !== undefined && /\s/.test(c);
  const skipVerbose = () => {
    while (f & X && (space(cs[i]) || cs[i] === '#')) {
      if (cs[i++] === '#') while (i < cs.length && cs[i] !== '\n') i++;
    }
  };
  const digits = (): number => {
    let s = '';
    while (cs[i] !== undefined && cs[i] >= '0' && cs[i] <= '9') s += cs[i++];
    if (!s) fail(4);
    return Number(s);
  };
  const codePoint = (n: number): number => {
    let s = '';
    if (cs[i] === '{') {
      while (cs[++i] !== '}') {
        if (cs[i] === undefined) fail(8);
        s += cs[i];
      }
      i++;
    } else for (let k = 0; k < n; k++) s += cs[i++] ?? '';
    const c = /^[0-9a-fA-F]{1,8}$/.test(s) ? parseInt(s, 16) : -1;
    if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) fail(8);
    return c;
  };

  /** After a backslash: a code point, a class, or (outside classes) an assertion as `[mask]`. */
  const escaped = (inClass: boolean): number | Matcher | [number] => {
    const c = cs[i++];
    if (c === undefined) fail(9);
    const simple = 'ntrfva'.indexOf(c);
    if (simple >= 0) return [10, 9, 13, 12, 11, 7][simple];
    if (c === 'x') return codePoint(2);
    if (c === 'u') return codePoint(4);
    if (c === 'U') return codePoint(8);
    const k = 'dDsSwW'.indexOf(c);
    if (k >= 0) return classOf([DIGIT, SPACE, WORD][k >> 1], k & 1, 0);
    if (c === 'p' || c === 'P') {
      let name = cs[i++] ?? '';
      if (name === '{') {
        name = '';
        while (cs[i] !== '}') {
          if (cs[i] === undefined) fail(10);
          name += cs[i++];
        }
        i++;
      }
      const n = name.replace(':', '=');
      for (const src of [n, `Script=${n}`])
        try {
          return classOf(`\\p{${src}}`, c === 'P', f & I);
        } catch {}
      return fail(10);
    }
    if (!inClass) {
      if (c === 'A') return [TEXT_START];
      if (c === 'z') return [TEXT_END];
      if (c === 'b' && cs[i] === '{') {
        const end = cs.indexOf('}', i);
        const kind = WORD_ASSERTIONS[cs.slice(i + 1, end).join('')];
        if (end < 0 || !kind) fail(11);
        i = end + 1;
        return [kind];
      }
      if (c === 'b') return [BOUNDARY];
      const w = WORD_ASSERTIONS[c];
      if (w) return [w];
    }
    if (c >= '0' && c <= '9') fail(12);
    if (c === 'k') fail(12);
    const cp = c.codePointAt(0) ?? 0;
    if (cp < 128 && !/[0-9A-Za-z<>]/.test(c)) return cp;
    return fail(13);
  };

  /** One union of class items, up to `]` or a set operator (`&&`, `--`, `~~`). */
  const union = (): Matcher => {
    let src = '';
    // The class's ranges, while it has only code points and ranges (no (?i), POSIX or escaped classes).
    let pairs: [number, number][] | null = f & I ? null : [];
    const parts: Matcher[] = [];
    for (let first = true; ; first = false) {
      skipVerbose();
      const c = cs[i];
      if (c === undefined) fail(14);
      if (!first && (c === ']' || ('&-~'.includes(c) && cs[i + 1] === c))) break;
      i++;
      if (c === '[') {
        const end = cs[i] === ':' ? cs.indexOf(']', i) : -1;
        const m = end > 0 ? /^:(\^?)([a-z]+):$/.exec(cs.slice(i, end).join('')) : null;
        const posix = m && POSIX[m[2]];
        if (posix) {
          i = end + 1;
          if (m[1]) parts.push(classOf(posix, 1, f & I));
          else src += posix;
          pairs = null;
        } else parts.push(bracket());
        pairs = null;
        continue;
      }
      let lo: number | Matcher | [number] = c.codePointAt(0) ?? 0;
      if (c === '\\') lo = escaped(true);
      if (typeof lo === 'function') {
        parts.push(lo);
        pairs = null;
        continue;
      }
      if (typeof lo !== 'number') fail(13);
      let hi = lo;
      if (cs[i] === '-' && cs[i + 1] !== ']' && cs[i + 1] !== '-' && cs[i + 1] !== undefined) {
        const d = cs[++i];
        i++;
        const e = d === '\\' ? escaped(true) : (d.codePointAt(0) ?? 0);
        if (typeof e !== 'number' || e < lo) fail(15);
        hi = e;
      }
      src += hi > lo ? `${hex(lo)}-${hex(hi)}` : hex(lo);
      pairs?.push([lo, hi]);
    }
    if (pairs) return rangesOf(merged(pairs));
    if (src) parts.push(classOf(src, 0, f & I));
    return parts.length === 1 ? parts[0] : (c) => parts.some((p) => p(c));
  };

  /** A bracketed class, after its `[`. */
  const bracket = (): Matcher => {
    const neg = cs[i] === '^';
    if (neg) i++;
    let acc = union();
    while (cs[i] !== ']') {
      const o = cs[i];
      i += 2;
      const l = acc;
      const r = union();
      acc = o === '&' ? (c) => l(c) && r(c) : o === '-' ? (c) => l(c) && !r(c) : (c) => l(c) !== r(c);
      if (CHEAP.has(l) && CHEAP.has(r)) cheap(acc);
    }
    i++;
    if (!neg) return acc;
    const inner = acc;
    const out: Matcher = (c) => !inner(c);
    return CHEAP.has(inner) ? cheap(out) : out;
  };

  const consume =
    (m: Matcher): Emitter =>
    () =>
      emit(0, 0, 0, m);
  const assert =
    (mask: number): Emitter =>
    () => {
      // ^ $ \A \z treat word characters and others alike: their masks are the same for kinds 2 and 3.
      w ||= (mask & 0x4444) * 2 !== (mask & 0x8888) || mask >> 12 !== ((mask >> 8) & 15);
      emit(3, mask);
    };

  const group = (): Emitter | null => {
    const saved = f;
    if (cs[i] === '?') {
      i++;
      const c = cs[i];
      if (c === '=' || c === '!' || (c === '<' && (cs[i + 1] === '=' || cs[i + 1] === '!'))) fail(16);
      if (c === '<' || (c === 'P' && cs[i + 1] === '<')) {
        i += c === 'P' ? 2 : 1;
        const end = cs.indexOf('>', i);
        if (end < 0 || !/^[A-Za-z_][\w.[\]]*$/.test(cs.slice(i, end).join(''))) fail(17);
        i = end + 1;
      } else {
        let on = true;
        let set = f;
        for (let any = false; ; any = true) {
          const k = cs[i++];
          if (k === ')' || k === ':') {
            if (!any && k === ')') fail(18);
            f = set;
            if (k === ')') return null;
            break;
          }
          // Bits I, M, S, X, and U (swap greed: no effect on whether there is a match).
          const bit = 1 << 'imsxU'.indexOf(k);
          if (k === '-' && on) on = false;
          else if (bit > 0 && bit < 32) set = on ? set | bit : set & ~bit;
          else if (k === 'R' || (k === 'u' && !on)) fail(3);
          else if (k !== 'u') fail(18);
        }
      }
    }
    const body = alternation();
    if (cs[i++] !== ')') fail(19);
    f = saved;
    return body;
  };

  const atom = (c: string): Emitter | null => {
    if (c === '(') return group();
    if (c === '[') return consume(bracket());
    if (c === '.') return consume(f & S ? ANY : NOT_NEWLINE);
    if (c === '^') return assert(f & M ? LINE_START : TEXT_START);
    if (c === '$') return assert(f & M ? LINE_END : TEXT_END);
    const e = c === '\\' ? escaped(false) : (c.codePointAt(0) ?? 0);
    if (Array.isArray(e)) return assert(e[0]);
    if (typeof e !== 'number') return consume(e);
    const key = f & I ? -1 - e : e;
    let literal = literals.get(key);
    if (!literal) {
      literal = f & I ? caseless(e) : cheap((x) => x === e);
      literals.set(key, literal);
    }
    return consume(literal);
  };

  // Repeating an empty body emits nothing: count the copies too, so that compiling stays bounded.
  let copies = 0;
  const copy = (body: Emitter) => {
    if (++copies > 4 * MAX_PROGRAM) fail(1);
    body();
  };
  const repeat =
    (body: Emitter, min: number, max: number): Emitter =>
    () => {
      for (let k = 0; k < min; k++) copy(body);
      if (max < 0) {
        const fork = emit(1, here() + 1);
        copy(body);
        emit(2, fork);
        b[fork] = here();
        return;
      }
      const forks: number[] = [];
      for (let k = min; k < max; k++) {
        forks.push(emit(1, here() + 1));
        copy(body);
      }
      for (const fork of forks) b[fork] = here();
    };

  const sequence = (): Emitter => {
    const items: (Emitter | null)[] = [];
    for (;;) {
      skipVerbose();
      const c = cs[i];
      if (c === undefined || c === '|' || c === ')') break;
      i++;
      if (!'*+?{'.includes(c)) {
        items.push(atom(c));
        continue;
      }
      let min = c === '+' ? 1 : 0;
      let max = c === '?' ? 1 : -1;
      if (c === '{') {
        min = max = digits();
        if (cs[i] === ',') {
          i++;
          max = cs[i] === '}' ? -1 : digits();
        }
        if (cs[i++] !== '}') fail(5);
        if (min > MAX_REPEAT || max > MAX_REPEAT) fail(2);
        if (max >= 0 && max < min) fail(6);
      }
      if (cs[i] === '?') i++;
      const body = items.pop();
      if (!body) fail(7);
      items.push(repeat(body, min, max));
    }
    return () => {
      for (const n of items) n?.();
    };
  };

  const alternation = (): Emitter => {
    const branches = [sequence()];
    while (cs[i] === '|') {
      i++;
      branches.push(sequence());
    }
    return () => {
      const jumps: number[] = [];
      for (let k = 0; k < branches.length - 1; k++) {
        const fork = emit(1, here() + 1);
        branches[k]();
        jumps.push(emit(2));
        b[fork] = here();
      }
      branches[branches.length - 1]();
      for (const j of jumps) a[j] = here();
    };
  };

  const root = alternation();
  if (i < cs.length) fail(20);
  root();
  emit(4);
  return { op, a, b, m, w };
}
