/**
 * Runs a regex-parse.ts program as an unanchored search in time linear in the input: a DFA built
 * lazily from the NFA (each DFA state is a set of NFA threads) over character classes (code points
 * that every part of the pattern treats alike share one class, so a CJK text costs what an ASCII one
 * does). One class, RegexSearch, whose state lives in typed arrays allocated when it is built: a
 * search allocates nothing, and every pattern runs the same (already optimised) methods (fields end
 * in `_` so that the SDK build shortens their names). Its work per character is bounded by the
 * program: see `worstPerCharacter`.
 */
import { CHEAP, kindOf, type Matcher, type Program } from './regex-parse';

/** At most this many DFA states are kept (then the cache starts afresh). */
const MAX_STATES = 128;
/** At most this many threads in all the kept states (a state has at most one per instruction). */
const MAX_POOL = 8192;
/** At most this many character classes have their transitions kept; more are stepped each time. */
const MAX_CLASSES = 16;
/**
 * Slots of the direct-mapped tables of non-ASCII code points' classes and of DFA states by their
 * threads' hash (a miss, or a slot taken by another, only costs work already priced).
 */
const OTHERS = 2048;
const STATE_SLOTS = 256;

/** Counts NFA instruction visits (following threads), for tests and benchmarks that bound the work done. */
export const regexWork = { steps: 0 };

/** The distinct matchers of a program, and those that test with a RegExp (not a comparison). */
const matchersOf = (program: Program): { all: Matcher[]; costly: number } => {
  const all = [...new Set(program.m.filter(Boolean))];
  return { all, costly: all.filter((m) => !CHEAP.has(m)).length };
};

/**
 * The most work one character of a text can cost `program`: one table look-up; `visits`
 * instruction visits (following the threads from one DFA state, when the DFA builds a new state
 * for every character: each instruction once, `regexWork` counts them, and each visit prices the
 * stepping, hashing and storing of the thread it leaves); and, for a code point not seen before,
 * `tests` RegExp tests (each distinct class of the pattern, and whether it is a word character
 * where an assertion asks) and `comparisons` (literals, and classes of plain ranges).
 */
export function worstPerCharacter(program: Program): { visits: number; tests: number; comparisons: number } {
  const { all, costly } = matchersOf(program);
  return {
    visits: program.op.length,
    tests: costly + (program.w ? 1 : 0),
    comparisons: all.length - costly,
  };
}

/** Whether `program` matches anywhere in a text: construct once, call `test` as often as needed. */
export class RegexSearch {
  /** The program, three numbers an instruction: op, a, and b (for a consuming one, its matcher's index). */
  private readonly code_: Int32Array;
  private readonly matchers_: Matcher[];
  /** Whether a code point's kind tells word characters (only where `\b` and its kin ask: its RegExp test is priced). */
  private readonly words_: boolean;
  // Scratch of one step: seen marks (of generation `gen`), the closure's stack, the consuming threads it reaches.
  private readonly seen_: Int32Array;
  private readonly stack_: Int32Array;
  private readonly ready_: Int32Array;
  private gen_ = 0;
  /** Class of each ASCII code point, -1 until known. */
  private readonly ascii_: Int32Array;
  /** Direct-mapped, two numbers a slot: a non-ASCII code point plus one (0: free), its class. */
  private readonly others_: Int32Array;
  /** Class `k`'s answers: `accepts[k * matchers + j]` is 1 where matcher j accepts it. */
  private readonly accepts_: Uint8Array;
  /** Two numbers a class: its kind, the hash of its answers. */
  private readonly classInfo_: Int32Array;
  private classes_ = 0;
  /** Four numbers a DFA state: where its threads start in `pool`, how many, kind of the character before, hash. */
  private readonly stateInfo_: Int32Array;
  /** Whether each state matches at the end of the text: 0 unknown, 1 no, 2 yes. */
  private readonly ends_: Uint8Array;
  private readonly pool_: Int32Array;
  private pooled_ = 0;
  private states_ = 0;
  /** `transitions[state * MAX_CLASSES + class]`: 0 unknown, -1 matched, else the next state + 1. */
  private readonly transitions_: Int32Array;
  /** A direct-mapped table from a state's hash to the state (-1 where none). */
  private readonly slots_: Int32Array;
  /** Counts the times the cache started afresh (a transition found before one is not kept). */
  private epoch_ = 1;
  private start_ = -1;

  constructor(program: Program) {
    const size = program.op.length;
    const matchers = matchersOf(program).all;
    const code = new Int32Array(3 * size);
    for (let pc = 0; pc < size; pc++) {
      code[3 * pc] = program.op[pc];
      code[3 * pc + 1] = program.a[pc];
      code[3 * pc + 2] = program.op[pc] === 0 ? matchers.indexOf(program.m[pc]) : program.b[pc];
    }
    this.code_ = code;
    this.matchers_ = matchers;
    this.words_ = program.w;
    this.seen_ = new Int32Array(size + 1);
    this.stack_ = new Int32Array(3 * size + 4);
    this.ready_ = new Int32Array(size + 1);
    this.ascii_ = new Int32Array(128).fill(-1);
    this.others_ = new Int32Array(2 * OTHERS);
    // One more class: the scratch where a class is built, and kept when there is no room.
    this.accepts_ = new Uint8Array((MAX_CLASSES + 1) * Math.max(1, matchers.length));
    this.classInfo_ = new Int32Array(2 * MAX_CLASSES + 2);
    this.stateInfo_ = new Int32Array(4 * MAX_STATES);
    this.ends_ = new Uint8Array(MAX_STATES);
    this.pool_ = new Int32Array(Math.min(MAX_POOL, MAX_STATES * (size + 1)));
    this.transitions_ = new Int32Array(MAX_STATES * MAX_CLASSES);
    this.slots_ = new Int32Array(STATE_SLOTS).fill(-1);
    // Each RegExp compiles at its first tests (for one-byte strings and for others): here, not in a search.
    for (let r = 0; r < 3; r++) for (const c of [0x61, 0x4e2d, 0x1f600]) this.classify_(c);
  }

  /** Whether the program matches anywhere in `text`. */
  test(text: string): boolean {
    const { ascii_: ascii, others_: others, transitions_: transitions } = this;
    if (this.start_ < 0) {
      if (this.states_ === MAX_STATES || this.pooled_ === this.pool_.length) this.flush_();
      this.pool_[this.pooled_] = 0;
      this.start_ = this.intern_(1, 0, Math.imul(0x01000193, 16777619));
    }
    let s = this.start_;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      let k: number;
      if (c < 128) k = ascii[c];
      else {
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
          const d = text.charCodeAt(i + 1);
          if (d >= 0xdc00 && d < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + d - 0xdc00;
            i++;
          }
        }
        const slot = 2 * (Math.imul(c, 0x9e3779b1) >>> 21);
        k = others[slot] === c + 1 ? others[slot + 1] : -1;
      }
      if (k < 0) k = this.classify_(c);
      let t = k < MAX_CLASSES ? transitions[s * MAX_CLASSES + k] : 0;
      if (t === 0) {
        const epoch = this.epoch_;
        t = this.advance_(s, k);
        // A full cache starts afresh while advancing: `s` is then no longer a state.
        if (k < MAX_CLASSES && epoch === this.epoch_) transitions[s * MAX_CLASSES + k] = t;
      }
      if (t < 0) return true;
      s = t - 1;
    }
    if (this.ends_[s] === 0) this.ends_[s] = this.close_(s, 0) < 0 ? 2 : 1;
    return this.ends_[s] === 2;
  }

  /** Tests a code point by every matcher of the pattern: its class (remembered where there is room). */
  private classify_(c: number): number {
    const { matchers_: matchers, accepts_: acc, classInfo_: info } = this;
    const width = matchers.length;
    const scratch = MAX_CLASSES * width;
    const kind = this.words_ ? kindOf(c) : c === 10 ? 1 : 3;
    let h = kind;
    for (let j = 0; j < width; j++) {
      const yes = matchers[j](c) ? 1 : 0;
      acc[scratch + j] = yes;
      h = (Math.imul(h ^ yes, 16777619) + j) | 0;
    }
    let id = -1;
    for (let k = 0; k < this.classes_ && id < 0; k++) {
      if (info[2 * k] !== kind || info[2 * k + 1] !== h) continue;
      let j = 0;
      while (j < width && acc[k * width + j] === acc[scratch + j]) j++;
      if (j === width) id = k;
    }
    if (id < 0) {
      id = this.classes_ < MAX_CLASSES ? this.classes_++ : MAX_CLASSES;
      acc.copyWithin(id * width, scratch, scratch + width);
      info[2 * id] = kind;
      info[2 * id + 1] = h;
      if (id === MAX_CLASSES) return id;
    }
    if (c < 128) this.ascii_[c] = id;
    else {
      const slot = 2 * (Math.imul(c, 0x9e3779b1) >>> 21);
      this.others_[slot] = c + 1;
      this.others_[slot + 1] = id;
    }
    return id;
  }

  /**
   * Follows forks, jumps and assertions from state `s`'s threads before a character of kind `kind`;
   * leaves the consuming instructions reached in `ready` and returns how many, or -1 on a match.
   */
  private close_(s: number, kind: number): number {
    const { code_: code, seen_: seen, stack_: stack, ready_: ready, pool_: pool, stateInfo_: info } = this;
    const from = info[4 * s];
    let top = 0;
    for (let j = from + info[4 * s + 1] - 1; j >= from; j--) stack[top++] = pool[j];
    const bit = 1 << (info[4 * s + 2] * 4 + kind);
    const gen = ++this.gen_;
    let out = 0;
    let visits = 0;
    let matched = false;
    while (top > 0 && !matched) {
      const pc = stack[--top];
      if (seen[pc] === gen) continue;
      seen[pc] = gen;
      visits++;
      const o = code[3 * pc];
      const a = code[3 * pc + 1];
      if (o === 0) ready[out++] = pc;
      else if (o === 1) {
        stack[top++] = code[3 * pc + 2];
        stack[top++] = a;
      } else if (o === 2) stack[top++] = a;
      else if (o === 3) {
        if (a & bit) stack[top++] = pc + 1;
      } else matched = true;
    }
    regexWork.steps += visits;
    return matched ? -1 : out;
  }

  /** The transition from state `s` on class `k`: -1 when matched, else the next state + 1. */
  private advance_(s: number, k: number): number {
    const kind = this.classInfo_[2 * k];
    const count = this.close_(s, kind);
    if (count < 0) return -1;
    const { ready_: ready, pool_: pool, seen_: seen, code_: code, accepts_: accepts } = this;
    // The next threads go straight after the kept ones (a cache without room starts afresh first:
    // `s` is no longer needed).
    if (this.states_ === MAX_STATES || this.pooled_ + code.length / 3 + 1 > pool.length) this.flush_();
    const row = k * this.matchers_.length;
    const gen = ++this.gen_;
    const from = this.pooled_;
    let end = from;
    let h = Math.imul(kind + 1, 0x01000193);
    for (let j = 0; j < count; j++) {
      const pc = ready[j] + 1;
      if (accepts[row + code[3 * pc - 1]] === 1 && seen[pc] !== gen) {
        seen[pc] = gen;
        pool[end++] = pc;
        h = Math.imul(h ^ pc, 16777619);
      }
    }
    // Unanchored: a match may start at every position.
    if (seen[0] !== gen) {
      pool[end++] = 0;
      h = Math.imul(h, 16777619);
    }
    return this.intern_(end - from, kind, h) + 1;
  }

  /** Forgets every state and transition. */
  private flush_(): void {
    this.states_ = 0;
    this.pooled_ = 0;
    this.slots_.fill(-1);
    this.start_ = -1;
    this.epoch_++;
  }

  /**
   * The state whose threads were just written at `pool[pooled, pooled + length)`, after a
   * character of kind `kind`, with hash `h`: an equal state kept before, or a new one.
   */
  private intern_(length: number, kind: number, h: number): number {
    const { pool_: pool, stateInfo_: info, slots_: slots } = this;
    const at = this.pooled_;
    const slot = h & (STATE_SLOTS - 1);
    let s = slots[slot];
    if (s >= 0 && info[4 * s + 1] === length && info[4 * s + 2] === kind && info[4 * s + 3] === h) {
      const from = info[4 * s];
      let j = 0;
      while (j < length && pool[from + j] === pool[at + j]) j++;
      if (j === length) return s;
    }
    s = this.states_++;
    info[4 * s] = at;
    info[4 * s + 1] = length;
    info[4 * s + 2] = kind;
    info[4 * s + 3] = h;
    this.ends_[s] = 0;
    this.pooled_ = at + length;
    this.transitions_.fill(0, s * MAX_CLASSES, (s + 1) * MAX_CLASSES);
    slots[slot] = s;
    return s;
  }
}

/** A predicate telling whether `program` matches anywhere in its argument (see RegexSearch). */
export function searcher(program: Program): (s: string) => boolean {
  const search = new RegexSearch(program);
  return (s) => search.test(s);
}
