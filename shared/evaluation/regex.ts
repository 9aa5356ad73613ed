/**
 * The REGEX operator follows Yggdrasil, whose patterns use Rust's `regex` syntax, and like Rust it
 * matches in time linear in the input whatever the pattern: omnilab's own engine (regex-parse.ts,
 * regex-search.ts), the same on the server and in the SDK (the console evaluates nothing itself).
 * A pattern Rust refuses, or one over the size limits, never matches here and is refused when written.
 * One evaluation costs at most 1 ms (REGEX_WORK_BUDGET): a value too long for that does not match.
 */
import { type Program, parseRegex, REGEX_OMNILAB_PROBLEMS, REGEX_PROBLEMS } from './regex-parse';
import { RegexSearch, regexWork, worstPerCharacter } from './regex-search';

/**
 * What the search's work costs at most, in ns, with its first evaluations counted (a new pattern,
 * new DFA states, new code points), measured by `npm run bench -- regex` on the 2-core benchmark
 * machine (see docs/performance.md): reading one character (measured at most 12 ns, ASCII or not);
 * one instruction visit where the DFA builds a new state, with the stepping, hashing and storing
 * of its thread (13 to 21 ns); one RegExp test of a class (`\p{…}`, `\d`, `\w`, `\s`, (?i)
 * classes) on a code point the pattern has not seen yet (44 to 69 ns); one comparison (a literal or
 * a class of plain ranges) on such a code point (13 ns). Each price is over the worst measured.
 */
export const REGEX_COST_NS = { character: 32, visit: 25, test: 100, comparison: 16 };

/**
 * What one REGEX evaluation may cost at most, in ns by REGEX_COST_NS: 1 ms. A value longer than a
 * pattern's `longestValue` does not match (and costs nothing), so no context, however long, makes
 * one REGEX constraint cost more than this.
 */
export const REGEX_WORK_BUDGET = 1_000_000;

/** Every accepted pattern searches values up to this long (a longer pattern is refused when written). */
export const REGEX_SCANNED = 512;

/** The longest value `program` searches within `budget` ns (REGEX_WORK_BUDGET), whatever its characters. */
export function longestValue(program: Program, budget = REGEX_WORK_BUDGET): number {
  const { visits, tests, comparisons } = worstPerCharacter(program);
  const { character, visit, test, comparison } = REGEX_COST_NS;
  // The end of the text costs one more following of the threads.
  return Math.floor(
    (budget - visit * program.op.length) /
      (character + visit * visits + test * tests + comparison * comparisons),
  );
}

/** Whether this process has trained the engine (see `train`). */
let trained = false;

/**
 * Runs the engine once per process, when its first pattern compiles, on its costliest shapes, so
 * that V8 has optimised the search's code before a customer's first evaluation (unoptimised it is
 * about 15 times slower: see docs/evaluation.md): a new DFA state every character (`[ab]*a[ab]{20}`
 * on random a/b), an assertion that holds (before each `\n`) and one that fails, three kinds of
 * class, and 1,500 new code points (CJK and astral). Not the word test of `\b` (its RegExp takes
 * about 2 ms to compile; a pattern with `\b` compiles it itself). Its instruction visits are not
 * counted in `regexWork`.
 */
function train(): void {
  trained = true;
  const steps = regexWork.steps;
  const search = new RegexSearch(parseRegex('[ab]*a[ab]{20}(?m:$)x|\\d', false));
  let text = '';
  let wide = '';
  for (let seed = 1, i = 0; i < 1500; i++) {
    seed = Math.imul(seed, 1103515245) + 12345;
    text += i % 100 ? (seed < 0 ? 'a' : 'b') : '\n';
    wide += String.fromCodePoint((i & 1 ? 0x20000 : 0x4e00) + i);
  }
  search.test(text);
  search.test(text);
  search.test(wide);
  regexWork.steps = steps;
}

/**
 * Whether the pattern matches anywhere in a string; null when it cannot match (never throws).
 * `share` is the part of REGEX_WORK_BUDGET this constraint may spend: a flag's REGEX constraints
 * share one budget (see compile.ts), so a value longer than the share allows does not match.
 * Acceptance does not depend on the share: a pattern is accepted when it searches REGEX_SCANNED
 * characters within the whole budget, as when it was written.
 */
export function compileRegex(
  pattern: string,
  caseInsensitive: boolean,
  share = REGEX_WORK_BUDGET,
): ((s: string) => boolean) | null {
  try {
    const program = parseRegex(pattern, caseInsensitive);
    if (longestValue(program) < REGEX_SCANNED) return null;
    const longest = longestValue(program, share);
    if (!trained) train();
    const search = new RegexSearch(program);
    // Its start state now, with the document, not in the first evaluation (see `train` too).
    search.test('');
    return (s) => s.length <= longest && search.test(s);
  } catch {
    return null;
  }
}

/**
 * A pattern refused when written: `REGEX_INVALID` when Rust's `regex` refuses it too,
 * `REGEX_UNSUPPORTED` when Rust accepts it but omnilab does not (over the limits, or `(?-u)`, `(?R)`).
 */
export class RegexSyntaxError extends Error {
  readonly code: 'REGEX_INVALID' | 'REGEX_UNSUPPORTED';
  /** An index in REGEX_PROBLEMS, or the message of one of omnilab's own limits. */
  constructor(problem: number | string) {
    super(typeof problem === 'string' ? problem : (REGEX_PROBLEMS[problem] ?? 'nests groups too deeply'));
    this.code =
      typeof problem === 'number' && problem in REGEX_PROBLEMS && problem >= REGEX_OMNILAB_PROBLEMS
        ? 'REGEX_INVALID'
        : 'REGEX_UNSUPPORTED';
    this.name = 'RegexSyntaxError';
  }
}

/** Why a pattern would be refused when written, or undefined when it compiles. */
export function regexProblem(pattern: string, caseInsensitive = false): RegexSyntaxError | undefined {
  try {
    const longest = longestValue(parseRegex(pattern, caseInsensitive));
    if (longest >= REGEX_SCANNED) return undefined;
    return new RegexSyntaxError(
      `could take over 1 ms on a value of ${REGEX_SCANNED} characters (it searches up to ${longest}): ` +
        'fewer instructions or fewer distinct classes',
    );
  } catch (e) {
    // Anything but a problem index is the engine's own stack running out on deep nesting.
    return new RegexSyntaxError(typeof e === 'number' ? e : -1);
  }
}
