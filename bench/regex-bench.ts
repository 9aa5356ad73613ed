/**
 * REGEX constraints: ms per evaluation on the server path (shared compile + evaluate) and in the
 * built SDK, the linear-time engine against the previous one (Rust syntax translated to a
 * backtracking JS RegExp): safe patterns side by side, the previous engine's exponential growth on a
 * bounded catastrophic input, and the worst evaluation over generated patterns × adversarial inputs
 * up to the longest context value the API accepts. One evaluation is timed in CPU time (µs resolution).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { buildSdk } from '../sdk/build';
import type * as Sdk from '../sdk/src/index';
import { compile, evaluate } from '../shared';
import { longestValue, REGEX_COST_NS, REGEX_SCANNED, regexProblem } from '../shared/evaluation/regex';
import { parseRegex } from '../shared/evaluation/regex-parse';
import { regexWork, searcher, worstPerCharacter } from '../shared/evaluation/regex-search';
import type { ClientFeaturesDocument } from '../shared/model/client-features';
import { formatTable, measure } from './measure';

const repo = join(import.meta.dirname, '..');
const workDir = join(repo, 'bench', 'results', 'regex');
/** The default request body limit is 256 KiB: no context value is longer than this. */
const LONGEST = 250_000;

// The engine before this one, kept here to measure against: Rust syntax translated to JS RegExp.
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
function previousEngine(pattern: string): RegExp | null {
  if (/\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</.test(pattern)) return null;
  const flags = new Set<string>();
  let source = pattern.replace(/\(\?([imsx]+)\)/g, (_m, f: string) => {
    for (const c of f) flags.add(c);
    return '';
  });
  if (flags.has('x')) return null;
  source = source.replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) =>
    neg ? m : (POSIX[name] ?? m),
  );
  try {
    return new RegExp(source, `${[...flags].join('')}u`);
  } catch {
    return null;
  }
}

const docOf = (value: string): ClientFeaturesDocument => ({
  version: 2,
  features: [
    {
      name: 'f',
      enabled: true,
      strategies: [{ name: 'default', constraints: [{ contextName: 'userId', operator: 'REGEX', value }] }],
    },
  ],
});

/**
 * CPU ms of one call, not wall time: on a shared machine wall time mostly measures the other
 * processes (the figures of one run differed 3 to 10 times between the two).
 */
const msOnce = (run: () => unknown): number => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

export interface RegexBenchResult {
  safe: { pattern: string; input: string; previousNs: number; serverNs: number; sdkNs: number }[];
  /** `^(a+)+$` on n `a`s and a `!`: the previous engine only up to 26, and to the first over 100 ms. */
  growth: { n: number; previousMs: number | null; serverMs: number; sdkMs: number }[];
  /** The classic catastrophic patterns on the longest value: first (cold) and later evaluations. */
  classic: {
    pattern: string;
    length: number;
    coldMs: number;
    warmMs: number;
    sdkColdMs: number;
    steps: number;
  }[];
  fuzz: {
    patterns: number;
    /** Generated patterns refused when written (over the limits or the 1 ms price on 512 characters). */
    refused: number;
    inputs: number;
    evaluations: number;
    maxServerMs: number;
    maxSdkMs: number;
    p99ServerMs: number;
    p99SdkMs: number;
    worst: { pattern: string; input: string; ms: number; steps: number };
    worstSdk: { pattern: string; input: string; ms: number };
    /** The most instruction visits per character of any evaluation, over twice the program size. */
    maxStepsOverBound: number;
    /** The previous engine on the same patterns, inputs cut to 24 characters (it is exponential). */
    previousMaxMs: number;
    previousP99Ms: number;
    /** Ours on those same cut inputs. */
    boundedMaxMs: number;
  };
  /** Measured ns per unit of work, the worst of several shapes, beside REGEX_COST_NS. */
  units: { shape: string; unit: 'character' | 'visit' | 'test'; ns: number; priced: number }[];
  bundle: { minified: number; gzipped: number };
}

const SAFE: [string, string][] = [
  ['^[^@]+@[^@]+$', 'customer.name@example.com'],
  ['^user\\d{3}$', 'user123'],
  ['(?i)^vip-[[:digit:]]+$', 'VIP-007'],
  ['\\bcat\\b', 'a cat in a hat'],
  ['^(ios|android)-1[0-9]\\.', 'android-14.2.1'],
  ['^[A-Z]{2}\\d{2}[A-Z0-9]{4}\\d{7}([A-Z0-9]?){0,16}$', 'GB82WEST12345698765432'],
];

const CLASSIC = [
  '^(a+)+$',
  '(a|aa)+$',
  '(a*)*b',
  '(.*a){20}$',
  '^(\\w+\\s?)+$',
  '(x+x+)+y',
  '^((a+)+)+(b+)+$',
];

/** Generated patterns: nested quantifiers, alternations, classes and counted repetitions. */
function generatedPatterns(count: number): { accepted: string[]; refused: number } {
  const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^b]', '\\w', '\\d', '\\s', 'a?', '\\b', '^', '$');
  const quant = fc.constantFrom('*', '+', '?', '{2,5}', '{0,30}', '{1,}', '*?', '{50}');
  const { p } = fc.letrec<{ p: string; t: string }>((tie) => ({
    t: fc.oneof(
      { weight: 3, arbitrary: atom },
      { weight: 3, arbitrary: fc.tuple(tie('p'), quant).map(([x, q]) => `(${x})${q}`) },
      { weight: 1, arbitrary: fc.tuple(tie('t'), tie('t')).map(([x, y]) => `(?:${x}|${y})`) },
    ),
    p: fc.array(tie('t'), { minLength: 1, maxLength: 4 }).map((t) => t.join('')),
  }));
  // The worst accepted shapes: the largest counts, DFA blow-up, many distinct classes, (?i).
  const big = [
    '(a|b)*a(a|b){20}',
    '[ab]*a[ab]{25}c',
    '[ab]*a[ab]{40}$',
    'a{100}',
    '(a?){25}a{25}',
    '[ab]{0,99}c',
    '(?:a|b|ab|ba){12}c',
    `^(${Array.from({ length: 8 }, (_, i) => `a{${i % 7}}b?`).join('|')})+$`,
    '\\p{L}\\p{Lu}\\p{Ll}\\p{N}\\p{Han}\\p{Greek}\\p{Latin}\\p{P}\\p{S}\\w\\d\\s[^a][^b]',
    '(?i)(\\w+\\s?)+[ä-ü]$',
    '^(\\w+\\s?)+$',
    '(.*a){10}$',
  ];
  const all = [...big, ...fc.sample(p, { numRuns: count, seed: 14 })].filter((x) => parseRegexOk(x));
  return { accepted: all.filter((x) => regexProblem(x) === undefined), refused: all.length };
}

function parseRegexOk(p: string): boolean {
  try {
    parseRegex(p, false);
    return true;
  } catch {
    return false;
  }
}

function adversarialInputs(): string[] {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const random = (n: number, alphabet: string[]) =>
    Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  const cjk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(0x4e00 + i * 7));
  // Every CJK ideograph and astral characters: code points no pattern has seen yet.
  const wide = Array.from({ length: 0x9fff - 0x4e00 }, (_, i) => String.fromCharCode(0x4e00 + i));
  const astral = Array.from({ length: 4000 }, (_, i) => String.fromCodePoint(0x20000 + i * 13));
  const out: string[] = [];
  for (const n of [REGEX_SCANNED, 1_000, 10_000, LONGEST]) {
    out.push(random(n, wide), random(n, astral), random(n, ['a', 'b', 'é', 'ß', 'Ω', 'K', 'k', 'ſ']));
    out.push(
      `${'a'.repeat(n - 1)}!`,
      'ab'.repeat(n / 2),
      random(n, ['a', 'b']),
      random(n, ['a', 'b', ' ', '1', '\n']),
    );
    out.push(random(n, cjk));
  }
  return out;
}

/** ns per unit of work on shapes that cost the most of each kind (CPU time, best of 3 runs). */
function measureUnits(): RegexBenchResult['units'] {
  let seed = 11;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const random = (n: number, alphabet: string[]) =>
    Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
  let fresh = 0x30000;
  const out: RegexBenchResult['units'] = [];
  const shape = (
    label: string,
    unit: 'character' | 'visit' | 'test',
    pattern: string,
    text: () => string,
    warm = false,
  ) => {
    let best = Infinity;
    for (let r = 0; r < 4; r++) {
      const program = parseRegex(pattern, false);
      const search = searcher(program);
      const s = text();
      if (warm) search(s);
      regexWork.steps = 0;
      const ns = msOnce(() => search(s)) * 1e6;
      // Visits: those following threads (counted); tests: each class on each new code point.
      const tests = [...s].length * worstPerCharacter(program).tests;
      const units = unit === 'character' ? s.length : unit === 'visit' ? regexWork.steps : tests;
      // The first run also compiles the engine's code: not counted.
      if (r > 0) best = Math.min(best, ns / Math.max(1, units));
    }
    out.push({ shape: label, unit, ns: best, priced: REGEX_COST_NS[unit] });
  };
  shape('DFA, ASCII, known transitions', 'character', '^(a+)+$', () => `${'a'.repeat(LONGEST - 1)}!`, true);
  const cjk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(0x4e00 + i * 7));
  shape('DFA, CJK, known classes', 'character', '[ab]', () => random(LONGEST, cjk), true);
  shape('a{100} on 590 a, cold', 'visit', 'a{100}', () => 'a'.repeat(590));
  shape('(?:a|b|ab|ba){12}c on random a/b, cold', 'visit', '(?:a|b|ab|ba){12}c', () =>
    random(1000, ['a', 'b']),
  );
  shape('[ab]*a[ab]{40}$: a new state every character', 'visit', '[ab]*a[ab]{40}$', () =>
    random(1000, ['a', 'b']),
  );
  const classes = '\\p{L}|\\p{Lu}|\\p{Ll}|\\p{N}|\\p{Han}|\\p{Greek}|\\p{P}|\\p{S}|\\w|\\d';
  // All of the evaluation's time, divided by its tests alone: an upper bound for a test.
  shape('new code points, 10 classes (whole evaluation / tests)', 'test', classes, () => {
    const s = Array.from({ length: 1000 }, (_, i) => String.fromCodePoint(fresh + i)).join('');
    fresh += 1000;
    return s;
  });
  return out;
}

export async function runRegexBench({ generated = 300 } = {}): Promise<RegexBenchResult> {
  const { outdir, sizes } = await buildSdk(join(workDir, 'dist'));
  const sdk: typeof Sdk = await import(pathToFileURL(join(outdir, 'index.js')).href);
  const sdkFor = (value: string) => {
    const client = sdk.createClient({
      appName: 'regex-bench',
      bootstrap: docOf(value),
      refreshIntervalMs: 0,
    });
    return (userId: string) => client.isEnabled('f', { userId });
  };
  const serverFor = (value: string) => {
    const config = compile(docOf(value));
    return (userId: string) => evaluate(config, 'f', { userId }).enabled;
  };

  const safe = SAFE.map(([pattern, input]) => {
    const re = previousEngine(pattern);
    const server = serverFor(pattern);
    const onSdk = sdkFor(pattern);
    const loop = (f: () => unknown) => () => {
      for (let i = 0; i < 20_000; i++) f();
      return 20_000;
    };
    return {
      pattern,
      input,
      previousNs: measure(loop(() => re?.test(input))).nsPerOp,
      serverNs: measure(loop(() => server(input))).nsPerOp,
      sdkNs: measure(loop(() => onSdk(input))).nsPerOp,
    };
  });

  const growth: RegexBenchResult['growth'] = [];
  let previousStopped = false;
  for (const n of [16, 18, 20, 22, 24, 26, 1_000, 100_000, LONGEST]) {
    const input = `${'a'.repeat(n)}!`;
    const re = previousEngine('^(a+)+$');
    // Exponential: run only up to 26 `a`s, and not past the first over 100 ms.
    const previousMs = previousStopped || !re || n > 26 ? null : msOnce(() => re.test(input));
    if (previousMs !== null && previousMs > 100) previousStopped = true;
    const server = serverFor('^(a+)+$');
    const onSdk = sdkFor('^(a+)+$');
    growth.push({ n, previousMs, serverMs: msOnce(() => server(input)), sdkMs: msOnce(() => onSdk(input)) });
  }

  const classic = CLASSIC.map((pattern) => {
    // As long as the work budget lets this pattern search (a longer value does not match, at no cost).
    const length = Math.min(LONGEST, longestValue(parseRegex(pattern, false)));
    const input = pattern.endsWith('y') ? 'x'.repeat(length) : `${'a'.repeat(length - 1)}!`;
    const server = serverFor(pattern);
    const onSdk = sdkFor(pattern);
    regexWork.steps = 0;
    const coldMs = msOnce(() => server(input));
    const steps = regexWork.steps;
    const warmMs = Math.min(
      msOnce(() => server(input)),
      msOnce(() => server(input)),
    );
    const sdkColdMs = msOnce(() => onSdk(input));
    return { pattern, length, coldMs, warmMs, sdkColdMs, steps };
  });

  const units = measureUnits();
  const { accepted: patterns, refused: generatedCount } = generatedPatterns(generated);
  const inputs = adversarialInputs();
  const times: number[] = [];
  const sdkTimes: number[] = [];
  const previousTimes: number[] = [];
  let boundedMaxMs = 0;
  let maxStepsOverBound = 0;
  let worst = { pattern: '', input: '', ms: 0, steps: 0 };
  let worstSdk = { pattern: '', input: '', ms: 0 };
  const label = (input: string) => `${JSON.stringify(input.slice(0, 12))}… (${input.length})`;
  for (const pattern of patterns) {
    const program = parseRegex(pattern, false);
    const size = program.op.length;
    const longest = longestValue(program);
    const server = serverFor(pattern);
    const onSdk = sdkFor(pattern);
    for (const input of inputs) {
      regexWork.steps = 0;
      const ms = msOnce(() => server(input));
      const steps = regexWork.steps;
      times.push(ms);
      const scanned = input.length > longest ? 0 : input.length;
      maxStepsOverBound = Math.max(maxStepsOverBound, steps / (2 * size * (scanned + 1)));
      if (ms > worst.ms) worst = { pattern, input: label(input), ms, steps };
      const sdkMs = msOnce(() => onSdk(input));
      sdkTimes.push(sdkMs);
      if (sdkMs > worstSdk.ms) worstSdk = { pattern, input: label(input), ms: sdkMs };
    }
    const re = previousEngine(pattern);
    for (const input of inputs.slice(0, 12)) {
      const cut = input.slice(0, 24);
      if (re) previousTimes.push(msOnce(() => re.test(cut)));
      boundedMaxMs = Math.max(
        boundedMaxMs,
        msOnce(() => server(cut)),
      );
    }
  }
  times.sort((x, y) => x - y);
  sdkTimes.sort((x, y) => x - y);
  previousTimes.sort((x, y) => x - y);
  return {
    safe,
    growth,
    classic,
    fuzz: {
      patterns: patterns.length,
      refused: generatedCount - patterns.length,
      inputs: inputs.length,
      evaluations: times.length,
      maxServerMs: times[times.length - 1],
      maxSdkMs: sdkTimes[sdkTimes.length - 1],
      p99ServerMs: times[Math.floor(times.length * 0.99)],
      p99SdkMs: sdkTimes[Math.floor(sdkTimes.length * 0.99)],
      worst,
      worstSdk,
      maxStepsOverBound,
      previousMaxMs: previousTimes[previousTimes.length - 1] ?? 0,
      previousP99Ms: previousTimes[Math.floor(previousTimes.length * 0.99)] ?? 0,
      boundedMaxMs,
    },
    units,
    bundle: sizes.index,
  };
}

const ms = (n: number | null) => (n === null ? 'n/a' : n < 0.01 ? n.toFixed(4) : n.toFixed(2));

export function formatRegexBench(r: RegexBenchResult): string {
  return [
    'REGEX: safe patterns, ns per evaluation (previous = JS RegExp translation, backtracking)',
    formatTable(
      r.safe.map((s) => ({
        pattern: s.pattern,
        input: s.input,
        previous: s.previousNs.toFixed(0),
        'server (evaluate)': s.serverNs.toFixed(0),
        SDK: s.sdkNs.toFixed(0),
      })),
    ),
    '',
    'REGEX: ^(a+)+$ on n a\'s and a "!", ms for one evaluation',
    formatTable(
      r.growth.map((g) => ({
        n: String(g.n),
        previous: g.previousMs === null ? 'not run (exponential)' : ms(g.previousMs),
        server: ms(g.serverMs),
        SDK: ms(g.sdkMs),
      })),
    ),
    '',
    'REGEX: classic catastrophic patterns on the longest value each scans (a…a! or x…x), ms',
    formatTable(
      r.classic.map((c) => ({
        pattern: c.pattern,
        length: String(c.length),
        'first (cold)': ms(c.coldMs),
        'later (warm)': ms(c.warmMs),
        'SDK first': ms(c.sdkColdMs),
        'instruction visits': String(c.steps),
      })),
    ),
    '',
    'REGEX: ns per unit of work (CPU time, best of 3), against the price the budget counts',
    formatTable(
      r.units.map((u) => ({
        shape: u.shape,
        unit: u.unit,
        'measured ns': u.ns.toFixed(2),
        'priced ns': String(u.priced),
      })),
    ),
    '',
    `REGEX: ${r.fuzz.patterns} accepted generated patterns (${r.fuzz.refused} refused when written) × ${r.fuzz.inputs} adversarial inputs (${REGEX_SCANNED} to ${LONGEST.toLocaleString('en')} characters), one cold evaluation each`,
    formatTable([
      {
        evaluations: String(r.fuzz.evaluations),
        'max server ms': ms(r.fuzz.maxServerMs),
        'p99 server ms': ms(r.fuzz.p99ServerMs),
        'max SDK ms': ms(r.fuzz.maxSdkMs),
        'p99 SDK ms': ms(r.fuzz.p99SdkMs),
        'max visits / bound': r.fuzz.maxStepsOverBound.toFixed(3),
      },
    ]),
    `worst server: ${r.fuzz.worst.pattern} on ${r.fuzz.worst.input}: ${ms(r.fuzz.worst.ms)} ms, ${r.fuzz.worst.steps} visits`,
    `worst SDK: ${r.fuzz.worstSdk.pattern} on ${r.fuzz.worstSdk.input}: ${ms(r.fuzz.worstSdk.ms)} ms`,
    `previous engine on the same patterns, inputs cut to 24 characters: max ${ms(r.fuzz.previousMaxMs)} ms, p99 ${ms(r.fuzz.previousP99Ms)} ms (this engine on them: max ${ms(r.fuzz.boundedMaxMs)} ms)`,
    `SDK main entry: ${r.bundle.minified} B minified, ${r.bundle.gzipped} B gzipped`,
  ].join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const result = await runRegexBench();
  console.log(formatRegexBench(result));
}
