/**
 * The REGEX operator follows Yggdrasil, whose patterns use Rust's `regex` syntax, and like Rust it
 * matches in time linear in the input whatever the pattern: omnilab's own engine (regex-parse.ts,
 * regex-search.ts), the same on the server and in the SDK (the console evaluates nothing itself).
 * A pattern Rust refuses, or one over the size limits, never matches here and is refused when written.
 * One evaluation costs at most 1 ms (REGEX_WORK_BUDGET): a value too long for that does not match.
 */
import { type Program, parseRegex, REGEX_OMNILAB_PROBLEMS, REGEX_PROBLEMS } from './regex-parse';
import { searcher, worstPerCharacter } from './regex-search';

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

/** A short value of every kind of character, searched once at compile time (see compileRegex). */
const WARM_UP = 'aZ09_ -.@\u00e9\u4e2d\u{1F600}';

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
    const search = searcher(program);
    // Parse and compile the search's code now, with the document, not in the first evaluation.
    search(WARM_UP);
    return (s) => s.length <= longest && search(s);
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
