/**
 * The REGEX engine: the same answers as JavaScript's RegExp where Rust's and JavaScript's syntax
 * mean the same thing (fast-check), Rust's own syntax, refusal of what Rust refuses and of what is
 * over the limits, and linear work (counted, not timed) on the classic catastrophic patterns and on
 * generated patterns with adversarial inputs as long as the API accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';
import {
  compileRegex,
  longestValue,
  REGEX_COST_NS,
  REGEX_SCANNED,
  REGEX_WORK_BUDGET,
  regexProblem,
} from '../../shared/evaluation/regex';
import { MAX_PROGRAM, MAX_REPEAT, parseRegex } from '../../shared/evaluation/regex-parse';
import { regexWork, searcher, worstPerCharacter } from '../../shared/evaluation/regex-search';

/** The request body limit (OMNILAB_MAX_BODY_BYTES default): no context value is longer. */
const LONGEST_CONTEXT_VALUE = 256 * 1024;

const matches = (pattern: string, input: string, caseInsensitive = false): boolean | null => {
  const re = compileRegex(pattern, caseInsensitive);
  return re ? re(input) : null;
};

/** The engine itself, without the limit on a pattern's cost (null where the pattern cannot compile). */
const engine = (pattern: string, caseInsensitive = false): ((s: string) => boolean) | null => {
  try {
    return searcher(parseRegex(pattern, caseInsensitive));
  } catch {
    return null;
  }
};

// Patterns in the part of the syntax where Rust and JavaScript (with the `u` flag) agree, on ASCII
// inputs without `\r` (JavaScript's `.`, `^` and `$` also treat `\r` as a line end).
const ALPHABET = ['a', 'b', 'A', 'B', '1', ' ', '-', '_', '\n', '.'];
const atom = fc.constantFrom(
  'a',
  'b',
  'A',
  '1',
  ' ',
  '-',
  '\\.',
  '.',
  '[ab]',
  '[^a]',
  '[a-c]',
  '[0-9A]',
  '[^\\n]',
  '\\d',
  '\\w',
  '\\s',
  '\\D',
  '\\W',
  '\\S',
);
const assertion = fc.constantFrom('^', '$', '\\b', '\\B');
const quantifier = fc.constantFrom(
  '*',
  '+',
  '?',
  '{2}',
  '{1,}',
  '{0,2}',
  '{1,3}',
  '*?',
  '+?',
  '??',
  '{1,2}?',
);
const { pattern } = fc.letrec<{ pattern: string; term: string }>((tie) => ({
  term: fc.oneof(
    { weight: 4, arbitrary: atom },
    { weight: 1, arbitrary: assertion },
    { weight: 2, arbitrary: fc.tuple(atom, quantifier).map(([a, q]) => a + q) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('(', '(?:'), tie('pattern'), fc.constantFrom('', ...['*', '+', '?', '{1,2}']))
        .map(([open, p, q]) => `${open}${p})${q}`),
    },
  ),
  pattern: fc.oneof(
    { weight: 3, arbitrary: fc.array(tie('term'), { minLength: 1, maxLength: 4 }).map((t) => t.join('')) },
    { weight: 1, arbitrary: fc.tuple(tie('term'), tie('term')).map(([x, y]) => `${x}|${y}`) },
  ),
}));
const input = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }).map((c) => c.join(''));
const flags = fc.constantFrom('', 'i', 's', 'm', 'is');

describe('the REGEX engine against JavaScript RegExp', () => {
  it('gives the same answer where the two syntaxes mean the same', () => {
    fc.assert(
      fc.property(pattern, flags, fc.array(input, { minLength: 1, maxLength: 6 }), (p, f, inputs) => {
        const rust = engine(f ? `(?${f})${p}` : p);
        // Where omnilab accepts the pattern (its cost fits the budget), it answers as the engine does.
        const accepted = compileRegex(f ? `(?${f})${p}` : p, false);
        if (accepted) for (const s of inputs) expect(accepted(s)).toBe(rust?.(s));
        expect(rust, p).not.toBeNull();
        const js = new RegExp(p, `${f}u`);
        for (const s of inputs) expect(rust?.(s), `${f} ${p} on ${JSON.stringify(s)}`).toBe(js.test(s));
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same answer with the states of earlier texts cached as afresh, on short inputs and long ones', () => {
    const long = fc
      .array(fc.constantFrom(...ALPHABET, 'é', '中', '😀'), { minLength: 300, maxLength: 3000 })
      .map((c) => c.join(''));
    fc.assert(
      fc.property(
        pattern,
        flags,
        fc.array(fc.oneof(input, long), { minLength: 1, maxLength: 4 }),
        (p, f, inputs) => {
          const program = parseRegex(f ? `(?${f})${p}` : p, false);
          const warm = searcher(program);
          for (const s of inputs)
            expect(warm(s), `${f} ${p} on ${JSON.stringify(s)}`).toBe(searcher(program)(s));
          for (const s of inputs.filter((x) => x.length <= 12))
            expect(warm(s)).toBe(new RegExp(p, `${f}u`).test(s));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('applies the constraint caseInsensitive flag as (?i) does', () => {
    fc.assert(
      fc.property(pattern, input, (p, s) => {
        expect(engine(p, true)?.(s)).toBe(new RegExp(p, 'iu').test(s));
        expect(engine(p, true)?.(s)).toBe(engine(`(?i)${p}`)?.(s));
        expect(matches(p, s, true)).toBe(matches(`(?i)${p}`, s));
      }),
      { numRuns: 500 },
    );
  });
});

describe('classes of plain ranges (tested without a RegExp)', () => {
  it('answer as JavaScript RegExp does on any code point, negated or not, inside set operations too', () => {
    const point = fc.oneof(
      fc.integer({ min: 0, max: 0x2ff }),
      fc.integer({ min: 0x4e00, max: 0x4eff }),
      fc.integer({ min: 0x1f600, max: 0x1f6ff }),
    );
    const range = fc.tuple(point, point).map(([x, y]) => [Math.min(x, y), Math.max(x, y)]);
    const hex = (c: number) => `\\x{${c.toString(16)}}`;
    const js = (c: number) => `\\u{${c.toString(16)}}`;
    fc.assert(
      fc.property(
        fc.array(range, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(point, { maxLength: 20 }),
        (ranges, neg, points) => {
          const rust = `^[${neg ? '^' : ''}${ranges.map(([x, y]) => `${hex(x)}-${hex(y)}`).join('')}]$`;
          const re = new RegExp(
            `^[${neg ? '^' : ''}${ranges.map(([x, y]) => `${js(x)}-${js(y)}`).join('')}]$`,
            'u',
          );
          const search = engine(rust);
          const minus = engine(`^[\\x{0}-\\x{10ffff}--${rust.slice(1, -1)}]$`);
          for (const c of points) {
            const s = String.fromCodePoint(c);
            expect(search?.(s), `${rust} on ${c}`).toBe(re.test(s));
            expect(minus?.(s)).toBe(!re.test(s));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Rust regex syntax', () => {
  const cases: [string, string, boolean][] = [
    // POSIX classes, negated too, inside brackets only
    ['^[[:alpha:]]+$', 'AlphaBeta', true],
    ['^[[:alpha:]]+$', 'Alpha1', false],
    ['^[[:^digit:]x]+$', 'abx', true],
    ['^[[:^digit:]]+$', 'ab1', false],
    ['^[[:xdigit:][:space:]]+$', 'dead BEEF', true],
    ['[[:foo:]]', 'o', true], // not a POSIX name: a nested class of ':', 'f', 'o'
    // inline and scoped flags
    ['(?i)^vip-[[:digit:]]+$', 'VIP-007', true],
    ['^(?i:a)b$', 'Ab', true],
    ['^(?i:a)b$', 'AB', false],
    ['^a(?i)b|c$', 'C', true], // a flag lasts to the end of its group, across `|`
    ['(?i-i)a', 'A', false],
    ['(?m)^foo$', 'x\nfoo\ny', true],
    ['^foo$', 'x\nfoo\ny', false],
    ['^foo$', 'foo\n', false], // `$` is the end of the text only, as \z
    ['(?s)^a.b$', 'a\nb', true],
    ['^a.b$', 'a\nb', false],
    ['^a.b$', 'a\rb', true], // only \n ends a line
    ['(?x) ^ a b # a comment\n c $', 'abc', true],
    ['(?x)a\\ b', 'a b', true],
    ['(?x)[a b]', ' ', false],
    ['(?U)a+', 'aa', true],
    // groups
    ['^(?P<year>\\d{4})-(?<month>\\d{2})$', '2026-12', true],
    ['^(?:ab)+$', 'abab', true],
    ['^()$', '', true],
    // escapes and anchors
    ['^\\x41\\x{1F600}\\u0042$', 'A😀B', true],
    ['\\Aab\\z', 'ab', true],
    ['\\Aab\\z', 'ab\n', false],
    ['^\\t\\n\\f\\v\\a$', '\t\n\f\v\x07', true],
    ['^\\-\\~\\#\\&\\ $', '-~#& ', true],
    ['\\bcat\\b', 'a cat b', true],
    ['\\bcat\\b', 'concatenate', false],
    ['\\Bcat\\B', 'concatenate', true],
    ['\\<cat\\>', 'a cat', true],
    ['\\b{start}cat', 'concat', false],
    ['cat\\b{end}', 'cat!', true],
    ['\\b{start-half}a', '-a', true],
    ['a\\b{end-half}', 'ab', false],
    // Unicode-aware \d \w \s \b, as Rust's defaults
    ['^\\d+$', '٣٤', true],
    ['^\\w+$', 'café_ü1', true],
    ['^\\s$', '\u00a0', true],
    ['\\bcafé\\b', 'un café noir', true],
    ['^\\p{Greek}+$', 'αβγ', true],
    ['^\\pL+$', 'Ωmega', true],
    ['^\\P{L}+$', '123', true],
    ['^\\p{sc:Han}$', '中', true],
    ['^.$', '😀', true],
    ['^[😀-😂]$', '😁', true],
    // class set operations
    ['^[a-z&&[^aeiou]]+$', 'bcd', true],
    ['^[a-z&&[^aeiou]]+$', 'bad', false],
    ['^[a-z--aeiou]+$', 'xyz', true],
    ['^[a-c~~b-d]+$', 'ad', true],
    ['^[a-c~~b-d]+$', 'b', false],
    ['^[]a]+$', ']a', true],
    ['^[^]]$', 'x', true],
    ['^[a-]+$', 'a-', true],
    // case-insensitive classes and literals use Unicode simple case folding
    ['(?i)^[a-z]+$', 'ABC', true],
    ['(?i)^k$', '\u212a', true],
    ['(?i)^straße$', 'STRAßE', true],
    // repetition, lazy or not: a boolean answer does not change
    ['^a{2,4}$', 'aaaa', true],
    ['^a{2,4}$', 'aaaaa', false],
    ['^a{2,}$', 'aaaaaaa', true],
    ['^a.*?b$', 'a___b___b', true],
    ['^(foo|fo)$', 'fo', true],
    ['a**', '', true],
    // an unanchored search
    ['b', 'abc', true],
    ['', 'x', true],
  ];
  it.each(cases)('%s on %j is %s', (p, s, expected) => {
    expect(matches(p, s)).toBe(expected);
  });
});

describe('refused patterns', () => {
  const refused: [string, 'REGEX_INVALID' | 'REGEX_UNSUPPORTED'][] = [
    ['a(?=b)', 'REGEX_INVALID'],
    ['a(?!b)', 'REGEX_INVALID'],
    ['(?<=a)b', 'REGEX_INVALID'],
    ['(?<!a)b', 'REGEX_INVALID'],
    ['(a)\\1', 'REGEX_INVALID'],
    ['(?<n>a)\\k<n>', 'REGEX_INVALID'],
    ['(regex', 'REGEX_INVALID'],
    ['regex)', 'REGEX_INVALID'],
    ['[a-', 'REGEX_INVALID'],
    ['[z-a]', 'REGEX_INVALID'],
    ['*a', 'REGEX_INVALID'],
    ['a{', 'REGEX_INVALID'],
    ['a{3,2}', 'REGEX_INVALID'],
    ['\\q', 'REGEX_INVALID'],
    ['\\p{NotAClass}', 'REGEX_INVALID'],
    ['\\x{110000}', 'REGEX_INVALID'],
    ['(?R)a', 'REGEX_UNSUPPORTED'],
    ['(?-u)a', 'REGEX_UNSUPPORTED'],
    ['(?z)a', 'REGEX_INVALID'],
    ['(?)a', 'REGEX_INVALID'],
    ['(?#comment)', 'REGEX_INVALID'],
    ['a\\', 'REGEX_INVALID'],
    [`a{${MAX_REPEAT + 1}}`, 'REGEX_UNSUPPORTED'],
    ['(a{100}){100}', 'REGEX_UNSUPPORTED'],
    ['((){1000}){1000}', 'REGEX_UNSUPPORTED'],
    ['((){100}){100}', 'REGEX_UNSUPPORTED'],
    ['(?:ab){100}', 'REGEX_UNSUPPORTED'],
    [`${'('.repeat(20_000)}a${')'.repeat(20_000)}`, 'REGEX_UNSUPPORTED'],
  ];
  it.each(refused)('refuses %s as %s, and it never matches', (p, code) => {
    expect(regexProblem(p)?.code).toBe(code);
    expect(regexProblem(p)?.message).toBeTruthy();
    expect(compileRegex(p, false)).toBeNull();
  });

  it('accepts the largest counts and programs within the limits (their price may still refuse them)', () => {
    expect(regexProblem(`a{${MAX_REPEAT}}`)?.message ?? '').not.toContain('repetition count');
    expect(regexProblem(`a{${MAX_REPEAT + 1}}`)?.message).toContain('repetition count');
    expect(regexProblem('a{20}')).toBeUndefined();
    expect(engine(`^a{${MAX_REPEAT}}$`)?.('a'.repeat(MAX_REPEAT))).toBe(true);
    expect(engine(`^a{${MAX_REPEAT}}$`)?.('a'.repeat(MAX_REPEAT - 1))).toBe(false);
    expect(parseRegex('(?:ab){100}', false).op.length).toBeLessThanOrEqual(MAX_PROGRAM);
  });

  it('refuses a pattern that could take over 1 ms on a 512-character value, and accepts the rest', () => {
    fc.assert(
      fc.property(pattern, flags, (p, f) => {
        const source = f ? `(?${f})${p}` : p;
        const longest = longestValue(parseRegex(source, false));
        const problem = regexProblem(source);
        if (longest < REGEX_SCANNED) {
          expect(problem?.code).toBe('REGEX_UNSUPPORTED');
          expect(problem?.message).toContain('1 ms');
          expect(compileRegex(source, false)).toBeNull();
        } else expect(problem).toBeUndefined();
      }),
      { numRuns: 500 },
    );
    expect(regexProblem('(?:ab){100}')?.message).toContain(`${REGEX_SCANNED} characters`);
  });

  it('prices every accepted pattern within the budget on its longest value, by its worst case per character', () => {
    fc.assert(
      fc.property(pattern, flags, (p, f) => {
        const program = parseRegex(f ? `(?${f})${p}` : p, false);
        const longest = longestValue(program);
        const { visits, tests, comparisons } = worstPerCharacter(program);
        const c = REGEX_COST_NS;
        const perCharacter = c.character + c.visit * visits + c.test * tests + c.comparison * comparisons;
        expect(c.visit * program.op.length + longest * perCharacter).toBeLessThanOrEqual(REGEX_WORK_BUDGET);
        expect(c.visit * program.op.length + (longest + 1) * perCharacter).toBeGreaterThan(REGEX_WORK_BUDGET);
        expect(visits).toBe(program.op.length);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, and refuses exactly what cannot compile, whatever the text', () => {
    const piece = fc.constantFrom(
      ...['(', ')', '[', ']', '{', '}', '?', '*', '+', '|', '^', '$', '\\', ':', '<', '>', '=', '!', '-'],
      ...['P', 'p', 'd', 'b', 'x', 'u', 'k', '1', '2', 'a', '&', '~', ',', 'i', 's', 'm', '#', ' '],
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.boolean(), (pieces, ci) => {
        const p = pieces.join('');
        const re = compileRegex(p, ci);
        expect(re === null).toBe(regexProblem(p, ci) !== undefined);
        if (re) expect(typeof re('a(b)c[1]x{2}\n')).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('makes a refused pattern in a served document a constraint that never matches', () => {
    const config = compile({
      version: 2,
      features: [
        {
          name: 'f',
          enabled: true,
          strategies: [
            { name: 'default', constraints: [{ contextName: 'userId', operator: 'REGEX', value: '(?=a)a' }] },
          ],
        },
      ],
    });
    expect(evaluate(config, 'f', { userId: 'a' }).enabled).toBe(false);
  });
});

/** The work a search does, in instruction visits, and its answer. */
function work(p: string, s: string): { steps: number; matched: boolean | null; size: number } {
  const size = parseRegex(p, false).op.length;
  const re = compileRegex(p, false);
  regexWork.steps = 0;
  const matched = re ? re(s) : null;
  return { steps: regexWork.steps, matched, size };
}

describe('linear time', () => {
  const evil = (n: number) => `${'a'.repeat(n - 1)}!`;
  const classic: [string, string][] = [
    ['^(a+)+$', evil(LONGEST_CONTEXT_VALUE)],
    ['(a|aa)+$', evil(LONGEST_CONTEXT_VALUE)],
    ['(a*)*b', 'a'.repeat(LONGEST_CONTEXT_VALUE)],
    ['(.*a){12}', 'a'.repeat(LONGEST_CONTEXT_VALUE)],
    ['^(\\w+\\s?)+$', evil(LONGEST_CONTEXT_VALUE)],
    ['^((a+)+)+(b+)+$', evil(LONGEST_CONTEXT_VALUE)],
    ['(x+x+)+y', 'x'.repeat(LONGEST_CONTEXT_VALUE)],
    [`^(${Array.from({ length: 5 }, (_, i) => `a{${i % 7}}b?`).join('|')})+$`, evil(LONGEST_CONTEXT_VALUE)],
  ];

  it.each(classic)('answers %s on the longest context value within its size per character', (p, s) => {
    const r = work(p, s);
    expect(typeof r.matched).toBe('boolean');
    const scanned = Math.min(s.length, longestValue(parseRegex(p, false)));
    expect(r.steps).toBeLessThanOrEqual(r.size * (scanned + 1));
  });

  it('answers the classic catastrophic patterns as Rust would on the longest value each searches', () => {
    for (const [p] of classic) {
      const longest = longestValue(parseRegex(p, false));
      expect(longest, p).toBeGreaterThanOrEqual(REGEX_SCANNED);
      const a = 'a'.repeat(longest);
      expect(matches(p, `${a.slice(1)}!`), p).toBe(engine(p)?.(`${a.slice(1)}!`));
    }
    expect(matches('^(a+)+$', 'a'.repeat(longestValue(parseRegex('^(a+)+$', false))))).toBe(true);
    expect(matches('^(a+)+$', 'a'.repeat(longestValue(parseRegex('^(a+)+$', false)) + 1))).toBe(false);
  });

  it('runs the classic catastrophic patterns on a 256 KiB value in a few thousand steps (the DFA caches)', () => {
    for (const [p, s] of classic.slice(0, 5)) expect(work(p, s).steps, p).toBeLessThan(5_000);
  });

  it('bounds the work by the budget, however long the value: a longer one does not match', () => {
    const n = 50;
    const p = `^[ab]*a[ab]{${n}}$`;
    const size = parseRegex(p, false).op.length;
    const longest = longestValue(parseRegex(p, false));
    expect(longest).toBeGreaterThanOrEqual(REGEX_SCANNED);
    expect(size).toBeGreaterThan(n);
    expect(matches(p, `a${'b'.repeat(n)}`)).toBe(true);
    expect(matches(p, `${'b'.repeat(longest - n - 1)}a${'b'.repeat(n)}`)).toBe(true);
    expect(matches(p, `${'b'.repeat(longest - n)}a${'b'.repeat(n)}`)).toBe(false);
    const r = work(p, 'ab'.repeat(LONGEST_CONTEXT_VALUE / 2));
    expect(r.steps).toBe(0);
  });

  it('keeps generated patterns on adversarial inputs within the program size per character, and the priced work within 1 ms', () => {
    const adversarial = fc
      .tuple(
        fc.constantFrom('a', 'ab', 'a1', 'aA ', 'é', '中b', '😀a', 'ſK'),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom('', '!', '\n'),
      )
      .map(([unit, n, end]) => unit.repeat(n) + end);
    fc.assert(
      fc.property(pattern, adversarial, (p, s) => {
        const r = work(p, s);
        expect(r.steps).toBeLessThanOrEqual(r.size * (s.length + 1));
        // What the search did, at its prices: never over the budget (every code point new, at worst).
        const program = parseRegex(p, false);
        const longest = longestValue(program);
        const scanned = s.length > longest ? 0 : s.length;
        const { tests, comparisons } = worstPerCharacter(program);
        const c = REGEX_COST_NS;
        const priced =
          c.visit * r.steps + scanned * (c.character + c.test * tests + c.comparison * comparisons);
        if (longest >= REGEX_SCANNED) expect(priced).toBeLessThanOrEqual(REGEX_WORK_BUDGET);
      }),
      { numRuns: 300 },
    );
  });
});

describe('one flag, one budget', () => {
  /** A flag testing `p` in `n` REGEX constraints: n - 1 strategies and, in the last, a segment's. */
  function flagOf(p: string, n: number) {
    const constraint = { contextName: 'userId', operator: 'REGEX' as const, value: p };
    const strategies = Array.from({ length: n - 1 }, () => ({ name: 'default', constraints: [constraint] }));
    return compile({
      version: 2,
      segments: [{ id: 1, constraints: [constraint] }],
      features: [
        { name: 'f', enabled: true, strategies: [...strategies, { name: 'default', segments: [1] }] },
      ],
    });
  }

  it('keeps the priced work of one evaluation within 1 ms however many REGEX constraints the flag has', () => {
    const adversarial = fc
      .tuple(
        fc.constantFrom('a', 'ab', 'é', '中b', '😀a'),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom('', '!'),
      )
      .map(([unit, k, end]) => unit.repeat(k) + end);
    fc.assert(
      fc.property(pattern, fc.integer({ min: 1, max: 8 }), adversarial, (p, n, s) => {
        if (regexProblem(p) !== undefined) return;
        const program = parseRegex(p, false);
        const config = flagOf(p, n);
        regexWork.steps = 0;
        evaluate(config, 'f', { userId: s });
        const scanned = s.length > longestValue(program, REGEX_WORK_BUDGET / n) ? 0 : s.length;
        const { tests, comparisons } = worstPerCharacter(program);
        const c = REGEX_COST_NS;
        const priced =
          c.visit * regexWork.steps +
          n * scanned * (c.character + c.test * tests + c.comparison * comparisons);
        expect(priced).toBeLessThanOrEqual(REGEX_WORK_BUDGET);
      }),
      { numRuns: 200 },
    );
  });

  it('splits the budget: with two REGEX constraints each searches the values its half allows', () => {
    const program = parseRegex('^a+$', false);
    const half = longestValue(program, REGEX_WORK_BUDGET / 2);
    expect(half).toBeLessThan(longestValue(program));
    expect(half).toBeGreaterThan(REGEX_SCANNED / 2);
    const one = flagOf('^a+$', 1);
    const two = flagOf('^a+$', 2);
    expect(evaluate(two, 'f', { userId: 'a'.repeat(half) }).enabled).toBe(true);
    expect(evaluate(two, 'f', { userId: 'a'.repeat(half + 1) }).enabled).toBe(false);
    expect(evaluate(one, 'f', { userId: 'a'.repeat(half + 1) }).enabled).toBe(true);
  });

  it('builds and first runs the searches of a flag with REGEX constraints when the document loads, not in its first evaluation', () => {
    regexWork.steps = 0;
    const config = flagOf('^(a+)+$', 3);
    // Lazily compiled, the flag would have run no search yet.
    expect(regexWork.steps).toBeGreaterThan(0);
    expect(evaluate(config, 'f', { userId: 'aaa' }).enabled).toBe(true);
    expect(evaluate(config, 'f', { userId: 'aZ09_ -.@' }).enabled).toBe(false);
  });
});
