/**
 * The REGEX operator follows Yggdrasil, whose patterns use Rust's `regex` syntax, and like Rust it
 * matches in time linear in the input whatever the pattern: omnilab's own engine (regex-parse.ts,
 * regex-search.ts), the same on the server and in the SDK (the console evaluates nothing itself).
 * A pattern Rust refuses, or one over the size limits, never matches here and is refused when written.
 */
import { parseRegex, REGEX_OMNILAB_PROBLEMS, REGEX_PROBLEMS } from './regex-parse';
import { searcher } from './regex-search';

/**
 * What one REGEX evaluation may cost at most, in instructions times characters: a value longer than
 * this divided by the pattern's compiled size (so at least 349 characters, and 10,000 or more for a
 * pattern of 100 instructions) does not match. A search visits each instruction at most twice per
 * character, so no context, however long, makes one REGEX constraint cost more than this.
 */
export const REGEX_WORK_BUDGET = 1 << 20;

/** Whether the pattern matches anywhere in a string; null when it cannot match (never throws). */
export function compileRegex(pattern: string, caseInsensitive: boolean): ((s: string) => boolean) | null {
  try {
    const program = parseRegex(pattern, caseInsensitive);
    const search = searcher(program);
    const longest = REGEX_WORK_BUDGET / program.op.length;
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
  constructor(problem: number) {
    super(REGEX_PROBLEMS[problem] ?? 'nests groups too deeply');
    this.code =
      problem in REGEX_PROBLEMS && problem >= REGEX_OMNILAB_PROBLEMS ? 'REGEX_INVALID' : 'REGEX_UNSUPPORTED';
    this.name = 'RegexSyntaxError';
  }
}

/** Why a pattern would be refused when written, or undefined when it compiles. */
export function regexProblem(pattern: string, caseInsensitive = false): RegexSyntaxError | undefined {
  try {
    parseRegex(pattern, caseInsensitive);
    return undefined;
  } catch (e) {
    // Anything but a problem index is the engine's own stack running out on deep nesting.
    return new RegexSyntaxError(typeof e === 'number' ? e : -1);
  }
}
