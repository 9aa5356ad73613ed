/**
 * REGEX constraints: ms per evaluation on the server path (shared compile + evaluate) and in the
 * built SDK, against native RegExp (Rust syntax translated to a backtracking JS RegExp, the engine
 * before the linear ones) and against the previous linear engine (commit 50631cc, read from git
 * into bench/results/regex/previous): safe patterns side by side, native RegExp's exponential growth on a
 * bounded catastrophic input, and over generated patterns × adversarial inputs up to the longest
 * context value the API accepts, each evaluation cold (a fresh compile, its first evaluation, code
 * points it has not seen) and warm (the same again): max, p99 and median. One evaluation is timed
 * as the lesser of its wall and its process CPU time: both bound the time the evaluating thread
 * took (wall time also counts other processes on this shared machine; CPU time V8's background threads).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import fc from 'fast-check';
import { buildSdk } from '../sdk/build';
import type * as Sdk from '../sdk/src/index';
import type * as Shared from '../shared';
import { compile, evaluate } from '../shared';
import {
  compileRegex,
  longestValue,
  REGEX_COST_NS,
  REGEX_SCANNED,
  regexProblem,
} from '../shared/evaluation/regex';
import { parseRegex } from '../shared/evaluation/regex-parse';
import { RegexSearch, regexWork, worstPerCharacter } from '../shared/evaluation/regex-search';
import type { ClientFeaturesDocument } from '../shared/model/client-features';
import { formatTable, measure } from './measure';

const repo = join(import.meta.dirname, '..');
const workDir = join(repo, 'bench', 'results', 'regex');
/** The default request body limit is 256 KiB: no context value is longer than this. */
const LONGEST = 250_000;
/** The last commit of the previous linear engine. */
const PREVIOUS_COMMIT = '50631cc';

/** The last commit whose engine did not train itself once per process (see `train` in regex.ts). */
const UNTRAINED_COMMIT = '489ad65';

type Compiler = (pattern: string, caseInsensitive: boolean) => ((s: string) => boolean) | null;

/**
 * The server path (shared/index.ts bundled unminified, as tsx runs it) and the SDK bundle, with
 * shared/evaluation/regex*.ts as at UNTRAINED_COMMIT, from git (null where this is not a git
 * checkout): the same run measures the engine before and after.
 */
async function untrainedBuilds(): Promise<{
  sdk: typeof Sdk;
  sdkIndex: string;
  server: typeof Shared;
} | null> {
  const dir = join(workDir, 'untrained');
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of ['regex.ts', 'regex-parse.ts', 'regex-search.ts'])
      writeFileSync(
        join(dir, f),
        execFileSync('git', ['show', `${UNTRAINED_COMMIT}:shared/evaluation/${f}`], {
          cwd: repo,
          encoding: 'utf8',
        }),
      );
  } catch {
    return null;
  }
  const untrained: Plugin = {
    name: 'untrained-regex',
    setup(b) {
      b.onResolve({ filter: /^\.\/regex(-parse|-search)?$/ }, (a) => ({
        path: join(dir, `${a.path.slice(2)}.ts`),
      }));
    },
  };
  const { outdir } = await buildSdk(join(dir, 'sdk'), [untrained]);
  await build({
    entryPoints: [join(repo, 'shared', 'index.ts')],
    outfile: join(dir, 'server.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    plugins: [untrained],
    logLevel: 'silent',
  });
  const sdkIndex = join(outdir, 'index.js');
  return {
    sdk: await import(pathToFileURL(sdkIndex).href),
    sdkIndex,
    server: await import(pathToFileURL(join(dir, 'server.js')).href),
  };
}

/** The previous linear engine's compileRegex, from git (null where this is not a git checkout). */
async function previousLinearEngine(): Promise<Compiler | null> {
  const dir = join(workDir, 'previous');
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of ['regex.ts', 'regex-parse.ts', 'regex-search.ts'])
      writeFileSync(
        join(dir, f),
        execFileSync('git', ['show', `${PREVIOUS_COMMIT}:shared/evaluation/${f}`], {
          cwd: repo,
          encoding: 'utf8',
        }),
      );
    const mod: { compileRegex: Compiler } = await import(pathToFileURL(join(dir, 'regex.ts')).href);
    return mod.compileRegex;
  } catch {
    return null;
  }
}

// The engine before the linear ones, kept here to measure against: Rust syntax translated to JS RegExp.
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
function nativeRegExp(pattern: string): RegExp | null {
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
  const cpu = process.cpuUsage();
  const wall = performance.now();
  run();
  const end = performance.now();
  const used = process.cpuUsage(cpu);
  const ms = Math.min(end - wall, (used.user + used.system) / 1000);
  timed.push(wall, end, ms);
  return ms;
};
/** Every timed evaluation: start, end (performance.now()), ms. */
const timed: number[] = [];
/** GC pauses seen meanwhile: start, duration. */
const pauses: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push(e.startTime, e.duration);
});

/** One timed evaluation: its ms, and when it started and ended (performance.now()). */
interface Sample {
  ms: number;
  start: number;
  end: number;
}
const sampleOf = (ms: number): Sample => ({
  ms,
  start: timed[timed.length - 3],
  end: timed[timed.length - 2],
});

/**
 * The samples' ms less the garbage collector's pauses within them (it pauses whatever runs, for
 * memory the whole process allocated: the benchmark's documents, clients and inputs), and how many
 * had one.
 */
async function withoutPauses(xs: Sample[]): Promise<{ ms: number[]; paused: number }> {
  await new Promise((r) => setTimeout(r, 100));
  let paused = 0;
  const ms = xs.map(({ ms, start, end }) => {
    let gc = 0;
    for (let j = 0; j < pauses.length; j += 2)
      if (pauses[j] < end && pauses[j] + pauses[j + 1] > start)
        gc += Math.min(end, pauses[j] + pauses[j + 1]) - Math.max(start, pauses[j]);
    if (gc > 0) paused++;
    return Math.max(0, ms - gc);
  });
  return { ms, paused };
}

/** Max, p99 and median of a list of ms. */
export interface Spread {
  max: number;
  p99: number;
  median: number;
}
const spread = (xs: number[]): Spread => {
  const s = [...xs].sort((x, y) => x - y);
  return {
    max: s[s.length - 1] ?? 0,
    p99: s[Math.floor(s.length * 0.99)] ?? 0,
    median: s[s.length >> 1] ?? 0,
  };
};

/** Cold and warm evaluations, as measured and less the GC pauses within them (`paused` had one). */
export interface Timings {
  cold: Spread;
  warm: Spread;
  coldNoGc: Spread;
  warmNoGc: Spread;
  paused: number;
}

export interface RegexBenchResult {
  safe: { pattern: string; input: string; previousNs: number; serverNs: number; sdkNs: number }[];
  /** `^(a+)+$` on n `a`s and a `!`: native RegExp only up to 26, and to the first over 100 ms. */
  growth: { n: number; previousMs: number | null; serverMs: number; sdkMs: number }[];
  /** The classic catastrophic patterns on the longest value each searches: cold and warm. */
  classic: {
    pattern: string;
    /** Why it is refused when written, or undefined. */
    refused?: string;
    length: number;
    coldMs: number;
    warmMs: number;
    sdkColdMs: number;
    previousColdMs: number | null;
    steps: number;
  }[];
  fuzz: {
    patterns: number;
    /** Generated patterns refused when written (over the limits or the 1 ms price on 512 characters). */
    refused: number;
    /** The previous linear engine refused these of the same patterns. */
    previousRefused: number;
    inputs: number;
    evaluations: number;
    server: Timings;
    /** compileRegex's predicate alone: its compile timed apart (see `compile`), then its first search. */
    engine: Timings;
    /** The engine alone, cold: the least of three fresh compiles' first searches. */
    engineBest: Spread;
    /** The server path and the SDK, cold: the least of three fresh documents' first evaluations. */
    serverBest: Spread;
    sdkBest: Spread;
    /** The same, with the engine as at UNTRAINED_COMMIT (null without git). */
    untrainedServerBest: Spread | null;
    untrainedSdkBest: Spread | null;
    /**
     * The patterns whose worst least-of-3 (over the inputs) is the highest, server or SDK, with
     * that input, beside the untrained engine's worst on the same pattern (and the two `[ab]*a[ab]{n}`
     * shapes of the generated list, wherever they rank).
     */
    slowest: {
      pattern: string;
      serverMs: number;
      serverInput: string;
      sdkMs: number;
      sdkInput: string;
      untrainedServerMs: number | null;
      untrainedSdkMs: number | null;
    }[];
    sdk: Timings;
    /** The previous linear engine, on the patterns it accepts, same inputs, cold and warm. */
    previous: Timings | null;
    maxServerMs: number;
    worst: { pattern: string; input: string; ms: number; steps: number };
    worstSdk: { pattern: string; input: string; ms: number };
    /** The most instruction visits per character of any evaluation, over the bound (the program size). */
    maxStepsOverBound: number;
    /** The most priced work of any evaluation, in ns by REGEX_COST_NS (at most REGEX_WORK_BUDGET). */
    maxPricedNs: number;
    /** Native RegExp on the same patterns, inputs cut to 24 characters (it is exponential). */
    nativeMaxMs: number;
    nativeP99Ms: number;
    nativeMedianMs: number;
    /** Ours on those same cut inputs. */
    boundedMaxMs: number;
  };
  /** The first REGEX evaluation of a fresh process (the SDK bundle in a new node): engine code not yet optimised. */
  firstInProcess: {
    pattern: string;
    input: string;
    /** createClient with the document (its REGEX flag compiled, the engine trained if it does). */
    loadMs: number;
    /** The first evaluation. */
    ms: number;
    untrainedLoadMs: number | null;
    untrainedMs: number | null;
    /** The first evaluation with V8's optimising compiler off. */
    noOptMs: number;
  }[];
  /** compileRegex on one pattern (parse, the search's tables, its RegExps), ms: max and median over the fuzz evaluations. */
  compile: { max: number; median: number };
  /** Measured ns per unit of work, the worst of several shapes, beside REGEX_COST_NS. */
  /** Median and worst of 5 cold runs (the worst is where this shared machine interrupts most). */
  units: { shape: string; unit: keyof typeof REGEX_COST_NS; ns: number; worst: number; priced: number }[];
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
  '(.*a){12}$',
  '^(\\w+\\s?)+$',
  '(x+x+)+y',
  '^((a+)+)+(b+)+$',
];

/** Generated patterns: nested quantifiers, alternations, classes and counted repetitions. */
function generatedPatterns(count: number): { accepted: string[]; refused: number; all: string[] } {
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
  return { accepted: all.filter((x) => regexProblem(x) === undefined), refused: all.length, all };
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

/**
 * ns per unit of work on shapes that cost the most of each kind, cold (a fresh search, its first
 * evaluation; the engine's code optimised by a first round): median and worst of 5 runs.
 */
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
  let round = 0;
  const shape = (
    label: string,
    unit: keyof typeof REGEX_COST_NS,
    pattern: string,
    text: () => string,
    warm = false,
  ) => {
    const runs: number[] = [];
    for (let r = 0; r < 6; r++) {
      const program = parseRegex(pattern, false);
      const search = new RegexSearch(program);
      const s = text();
      if (warm) search.test(s);
      regexWork.steps = 0;
      const ns = msOnce(() => search.test(s)) * 1e6;
      const { tests, comparisons } = worstPerCharacter(program);
      const points = [...s].length;
      const units =
        unit === 'character'
          ? s.length
          : unit === 'visit'
            ? regexWork.steps
            : unit === 'test'
              ? points * tests
              : points * comparisons;
      // The first run also warms the engine's code for this shape: not counted.
      if (r > 0) runs.push(ns / Math.max(1, units));
    }
    runs.sort((x, y) => x - y);
    if (round === 1)
      out.push({ shape: label, unit, ns: runs[2], worst: runs[4], priced: REGEX_COST_NS[unit] });
  };
  // Round 0 gets V8 to optimise the engine's code for each shape (the first evaluations of a
  // process are slower: see firstInProcess); round 1 is measured.
  for (round = 0; round < 2; round++) {
    shape('DFA, ASCII, known transitions', 'character', '^(a+)+$', () => `${'a'.repeat(LONGEST - 1)}!`, true);
    const cjk = Array.from({ length: 900 }, (_, i) => String.fromCharCode(0x4e00 + i * 7));
    shape('DFA, CJK, known classes', 'character', '[ab]', () => random(LONGEST, cjk), true);
    shape('a{60} on 590 a', 'visit', 'a{60}', () => 'a'.repeat(590));
    shape('(?:a|b|ab|ba){12}c on random a/b', 'visit', '(?:a|b|ab|ba){12}c', () => random(1000, ['a', 'b']));
    shape('[ab]*a[ab]{40}$: a new state every character', 'visit', '[ab]*a[ab]{40}$', () =>
      random(1000, ['a', 'b']),
    );
    shape('(.*a){12}$ on a…a!', 'visit', '(.*a){12}$', () => `${'a'.repeat(700)}!`);
    // All of the evaluation's time, divided by its tests alone: an upper bound for a test.
    const classes = '^(?:\\p{L}|\\p{Lu}|\\p{Ll}|\\p{N}|\\p{Han}|\\p{Greek}|\\p{P}|\\p{S}|\\w|\\d|\\s)+x$';
    shape('new astral code points, 11 classes (evaluation / tests)', 'test', classes, () => {
      const s = Array.from({ length: 1000 }, (_, i) => String.fromCodePoint(fresh + i * 3)).join('');
      fresh += 3000;
      return s;
    });
    shape('new BMP code points, 11 classes (evaluation / tests)', 'test', classes, () =>
      Array.from({ length: 1000 }, (_, i) => String.fromCodePoint(0x100 + ((fresh++ + i * 7) % 0xd000))).join(
        '',
      ),
    );
    const ranges = Array.from(
      { length: 12 },
      (_, i) => `[\\x{${(0x400 + i * 40).toString(16)}}-\\x{${(0x410 + i * 40).toString(16)}}]`,
    ).join('|');
    shape(
      'new code points, 16 ranges and literals (evaluation / comparisons)',
      'comparison',
      `^(?:${ranges}|q|r|s|t)+x$`,
      () =>
        Array.from({ length: 1000 }, (_, i) =>
          String.fromCodePoint(0x5000 + ((fresh++ + i * 7) % 0x8000)),
        ).join(''),
    );
  }
  return out;
}

/** One fresh node process: the SDK's document load (its REGEX flag compiled) and first evaluation, ms. */
function freshProcess(sdkIndex: string, pattern: string, input: string, flags: string[] = []) {
  const script = `
    const sdk = await import(${JSON.stringify(pathToFileURL(sdkIndex).href)});
    const doc = ${JSON.stringify(docOf(pattern))};
    const input = ${JSON.stringify(input)};
    const time = (run) => {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      const out = run();
      const w = performance.now() - wall;
      const u = process.cpuUsage(cpu);
      return [Math.min(w, (u.user + u.system) / 1000), out];
    };
    const [load, client] = time(() => sdk.createClient({ appName: 'first', bootstrap: doc, refreshIntervalMs: 0 }));
    const [first] = time(() => client.isEnabled('f', { userId: input }));
    console.log(JSON.stringify({ load, first }));
    client.close?.();
    process.exit(0);`;
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const { load, first }: { load: number; first: number } = JSON.parse(out.trim());
  return { load, first };
}

/**
 * The first evaluation in a fresh node process, through the built SDK (the engine's code cold too),
 * after its document's load: this engine, the untrained one (UNTRAINED_COMMIT), and this one with
 * V8's optimising compiler off (`node --no-opt`: what unoptimised code costs).
 */
function firstInProcess(sdkIndex: string, untrainedIndex: string | null): RegexBenchResult['firstInProcess'] {
  let seed = 5;
  const ab = Array.from({ length: 1000 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed & 0x10000 ? 'a' : 'b';
  }).join('');
  const cases: [string, string][] = [
    ['[ab]*a[ab]{25}c', ab],
    ['[ab]*a[ab]{40}$', ab.slice(0, 600)],
    ['(.*a){12}$', `${'a'.repeat(511)}!`],
    ['^[A-Z]{2}\\d{2}[A-Z0-9]{4}\\d{7}([A-Z0-9]?){0,16}$', '中'.repeat(512)],
  ];
  return cases.map(([pattern, input]) => {
    const trained = freshProcess(sdkIndex, pattern, input);
    const before = untrainedIndex ? freshProcess(untrainedIndex, pattern, input) : null;
    return {
      pattern,
      input: `${JSON.stringify(input.slice(0, 6))}… (${input.length})`,
      loadMs: trained.load,
      ms: trained.first,
      untrainedLoadMs: before?.load ?? null,
      untrainedMs: before?.first ?? null,
      noOptMs: freshProcess(sdkIndex, pattern, input, ['--no-opt']).first,
    };
  });
}

export async function runRegexBench({ generated = 300 } = {}): Promise<RegexBenchResult> {
  const { outdir, sizes } = await buildSdk(join(workDir, 'dist'));
  const sdk: typeof Sdk = await import(pathToFileURL(join(outdir, 'index.js')).href);
  const previousCompile = await previousLinearEngine();
  const builds = await untrainedBuilds();
  const untrained = builds && {
    serverFor: (value: string) => {
      const config = builds.server.compile(docOf(value));
      return (userId: string) => builds.server.evaluate(config, 'f', { userId }).enabled;
    },
    sdkFor: (value: string) => {
      const client = builds.sdk.createClient({
        appName: 'regex-bench',
        bootstrap: docOf(value),
        refreshIntervalMs: 0,
      });
      return (userId: string) => client.isEnabled('f', { userId });
    },
  };
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
    const re = nativeRegExp(pattern);
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
  let nativeStopped = false;
  for (const n of [16, 18, 20, 22, 24, 26, 1_000, 100_000, LONGEST]) {
    const input = `${'a'.repeat(n)}!`;
    const re = nativeRegExp('^(a+)+$');
    // Exponential: run only up to 26 `a`s, and not past the first over 100 ms.
    const previousMs = nativeStopped || !re || n > 26 ? null : msOnce(() => re.test(input));
    if (previousMs !== null && previousMs > 100) nativeStopped = true;
    const server = serverFor('^(a+)+$');
    const onSdk = sdkFor('^(a+)+$');
    growth.push({ n, previousMs, serverMs: msOnce(() => server(input)), sdkMs: msOnce(() => onSdk(input)) });
  }

  const classic = CLASSIC.map((pattern) => {
    const refused = regexProblem(pattern)?.message;
    // As long as the work budget lets this pattern search (a longer value does not match, at no cost).
    const length = Math.min(LONGEST, longestValue(parseRegex(pattern, false)));
    const n = refused ? REGEX_SCANNED : length;
    const input = pattern.endsWith('y') ? 'x'.repeat(n) : `${'a'.repeat(n - 1)}!`;
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
    const previous = previousCompile?.(pattern, false);
    const previousColdMs = previous ? msOnce(() => previous(input)) : null;
    return {
      pattern,
      refused,
      length: refused ? 0 : length,
      coldMs,
      warmMs,
      sdkColdMs,
      previousColdMs,
      steps,
    };
  });

  const units = measureUnits();
  const { accepted: patterns, refused: generatedCount, all } = generatedPatterns(generated);
  const inputs = adversarialInputs();
  const times = { cold: [] as Sample[], warm: [] as Sample[] };
  const engineTimes = { cold: [] as Sample[], warm: [] as Sample[] };
  const engineBest: number[] = [];
  const serverBest: number[] = [];
  const sdkBest: number[] = [];
  const sdkTimes = { cold: [] as Sample[], warm: [] as Sample[] };
  const previousTimes = { cold: [] as Sample[], warm: [] as Sample[] };
  timed.length = 0;
  gcObserver.observe({ entryTypes: ['gc'] });
  const nativeTimes: number[] = [];
  const compileTimes: number[] = [];
  let boundedMaxMs = 0;
  let maxStepsOverBound = 0;
  let maxPricedNs = 0;
  let worst = { pattern: '', input: '', ms: 0, steps: 0 };
  let worstSdk = { pattern: '', input: '', ms: 0 };
  const perPattern: RegexBenchResult['fuzz']['slowest'] = [];
  const untrainedServerBest: number[] = [];
  const untrainedSdkBest: number[] = [];
  const label = (input: string) => `${JSON.stringify(input.slice(0, 12))}… (${input.length})`;
  const c = REGEX_COST_NS;
  for (const pattern of patterns) {
    const program = parseRegex(pattern, false);
    const size = program.op.length;
    const longest = longestValue(program);
    const { tests, comparisons } = worstPerCharacter(program);
    const mine = {
      pattern,
      serverMs: 0,
      serverInput: '',
      sdkMs: 0,
      sdkInput: '',
      untrainedServerMs: untrained ? 0 : null,
      untrainedSdkMs: untrained ? 0 : null,
    };
    perPattern.push(mine);
    for (const input of inputs) {
      // Cold: a fresh compile (the document and its pattern), its first evaluation; then warm.
      const server = serverFor(pattern);
      regexWork.steps = 0;
      const ms = msOnce(() => server(input));
      const steps = regexWork.steps;
      times.cold.push(sampleOf(ms));
      times.warm.push(sampleOf(msOnce(() => server(input))));
      const scanned = input.length > longest ? 0 : input.length;
      maxStepsOverBound = Math.max(maxStepsOverBound, steps / (size * (scanned + 1)));
      maxPricedNs = Math.max(
        maxPricedNs,
        c.visit * steps + scanned * (c.character + c.test * tests + c.comparison * comparisons),
      );
      if (ms > worst.ms) worst = { pattern, input: label(input), ms, steps };
      // As for the engine below: a cost of the pattern and the input shows in every fresh document,
      // an interruption of this shared machine in one.
      let serverLeast = ms;
      for (let k = 0; k < 2; k++) {
        const again = serverFor(pattern);
        serverLeast = Math.min(
          serverLeast,
          msOnce(() => again(input)),
        );
      }
      serverBest.push(serverLeast);
      if (serverLeast > mine.serverMs)
        Object.assign(mine, { serverMs: serverLeast, serverInput: label(input) });
      // The engine alone: a fresh compile (timed apart), then its first search of this input.
      let re: ((s: string) => boolean) | null = null;
      compileTimes.push(msOnce(() => (re = compileRegex(pattern, false))));
      const search: (s: string) => boolean = re ?? (() => false);
      engineTimes.cold.push(sampleOf(msOnce(() => search(input))));
      engineTimes.warm.push(sampleOf(msOnce(() => search(input))));
      // Two more fresh compiles, each a first search too: the least of three leaves out most of
      // what the shared machine adds (another process running, a GC pause, V8's background threads).
      let best = engineTimes.cold[engineTimes.cold.length - 1].ms;
      for (let k = 0; k < 2; k++) {
        const again: (s: string) => boolean = compileRegex(pattern, false) ?? (() => false);
        best = Math.min(
          best,
          msOnce(() => again(input)),
        );
      }
      engineBest.push(best);
      const onSdk = sdkFor(pattern);
      const sdkMs = msOnce(() => onSdk(input));
      sdkTimes.cold.push(sampleOf(sdkMs));
      sdkTimes.warm.push(sampleOf(msOnce(() => onSdk(input))));
      if (sdkMs > worstSdk.ms) worstSdk = { pattern, input: label(input), ms: sdkMs };
      let sdkLeast = sdkMs;
      for (let k = 0; k < 2; k++) {
        const again = sdkFor(pattern);
        sdkLeast = Math.min(
          sdkLeast,
          msOnce(() => again(input)),
        );
      }
      sdkBest.push(sdkLeast);
      if (sdkLeast > mine.sdkMs) Object.assign(mine, { sdkMs: sdkLeast, sdkInput: label(input) });
      if (untrained) {
        // The engine before, both ways, measured alike.
        const least = (make: (value: string) => (userId: string) => boolean) => {
          let best = Number.POSITIVE_INFINITY;
          for (let k = 0; k < 3; k++) {
            const again = make(pattern);
            best = Math.min(
              best,
              msOnce(() => again(input)),
            );
          }
          return best;
        };
        const server = least(untrained.serverFor);
        const onSdk = least(untrained.sdkFor);
        untrainedServerBest.push(server);
        untrainedSdkBest.push(onSdk);
        mine.untrainedServerMs = Math.max(mine.untrainedServerMs ?? 0, server);
        mine.untrainedSdkMs = Math.max(mine.untrainedSdkMs ?? 0, onSdk);
      }
    }
    const re = nativeRegExp(pattern);
    const server = serverFor(pattern);
    for (const input of inputs.slice(0, 12)) {
      const cut = input.slice(0, 24);
      if (re) nativeTimes.push(msOnce(() => re.test(cut)));
      boundedMaxMs = Math.max(
        boundedMaxMs,
        msOnce(() => server(cut)),
      );
    }
  }
  // The previous linear engine on the generated patterns it accepts (some this one refuses), same inputs.
  let previousRefused = 0;
  if (previousCompile)
    for (const pattern of all) {
      if (!previousCompile(pattern, false)) {
        previousRefused++;
        continue;
      }
      for (const input of inputs) {
        const previous = previousCompile(pattern, false);
        if (!previous) continue;
        previousTimes.cold.push(sampleOf(msOnce(() => previous(input))));
        previousTimes.warm.push(sampleOf(msOnce(() => previous(input))));
      }
    }
  const both = async (t: { cold: Sample[]; warm: Sample[] }): Promise<Timings> => {
    const cold = await withoutPauses(t.cold);
    const warm = await withoutPauses(t.warm);
    return {
      cold: spread(t.cold.map((x) => x.ms)),
      warm: spread(t.warm.map((x) => x.ms)),
      coldNoGc: spread(cold.ms),
      warmNoGc: spread(warm.ms),
      paused: cold.paused + warm.paused,
    };
  };
  const server = await both(times);
  const engine = await both(engineTimes);
  const onSdk = await both(sdkTimes);
  const previous = previousCompile ? await both(previousTimes) : null;
  gcObserver.disconnect();
  const native = spread(nativeTimes);
  const cm = spread(compileTimes);
  return {
    safe,
    growth,
    classic,
    fuzz: {
      patterns: patterns.length,
      refused: generatedCount - patterns.length,
      previousRefused,
      inputs: inputs.length,
      evaluations: times.cold.length,
      server,
      engine,
      engineBest: spread(engineBest),
      serverBest: spread(serverBest),
      sdkBest: spread(sdkBest),
      untrainedServerBest: untrained ? spread(untrainedServerBest) : null,
      untrainedSdkBest: untrained ? spread(untrainedSdkBest) : null,
      // The slowest, and the two shapes that build a new DFA state every character on random a/b.
      slowest: perPattern
        .sort((x, y) => worstOf(y) - worstOf(x))
        .filter((x, i) => i < 6 || x.pattern === '[ab]*a[ab]{25}c' || x.pattern === '[ab]*a[ab]{40}$'),
      sdk: onSdk,
      previous,
      maxServerMs: server.cold.max,
      worst,
      worstSdk,
      maxStepsOverBound,
      maxPricedNs,
      nativeMaxMs: native.max,
      nativeP99Ms: native.p99,
      nativeMedianMs: native.median,
      boundedMaxMs,
    },
    firstInProcess: firstInProcess(join(outdir, 'index.js'), builds?.sdkIndex ?? null),
    compile: { max: cm.max, median: cm.median },
    units,
    bundle: sizes.index,
  };
}

/** The worst least-of-3 of a pattern, any way it was run. */
const worstOf = (x: RegexBenchResult['fuzz']['slowest'][number]) =>
  Math.max(x.serverMs, x.sdkMs, x.untrainedServerMs ?? 0, x.untrainedSdkMs ?? 0);

const ms = (n: number | null) => (n === null ? 'n/a' : n < 0.01 ? n.toFixed(4) : n.toFixed(3));
const spreadRow = (name: string, s: Spread | undefined) => ({
  '': name,
  'max ms': s ? ms(s.max) : 'n/a',
  'p99 ms': s ? ms(s.p99) : 'n/a',
  'median ms': s ? ms(s.median) : 'n/a',
});

export function formatRegexBench(r: RegexBenchResult): string {
  const f = r.fuzz;
  return [
    'REGEX: safe patterns, ns per evaluation (native = JS RegExp translation, backtracking)',
    formatTable(
      r.safe.map((s) => ({
        pattern: s.pattern,
        input: s.input,
        native: s.previousNs.toFixed(0),
        'server (evaluate)': s.serverNs.toFixed(0),
        SDK: s.sdkNs.toFixed(0),
      })),
    ),
    '',
    'REGEX: ^(a+)+$ on n a\'s and a "!", ms for one evaluation',
    formatTable(
      r.growth.map((g) => ({
        n: String(g.n),
        native: g.previousMs === null ? 'not run (exponential)' : ms(g.previousMs),
        server: ms(g.serverMs),
        SDK: ms(g.sdkMs),
      })),
    ),
    '',
    'REGEX: classic catastrophic patterns on the longest value each searches (a…a! or x…x), ms',
    formatTable(
      r.classic.map((c) => ({
        pattern: c.pattern,
        length: c.refused ? `refused: ${c.refused.slice(0, 40)}…` : String(c.length),
        'first (cold)': ms(c.coldMs),
        'later (warm)': ms(c.warmMs),
        'SDK first': ms(c.sdkColdMs),
        'previous linear, first': ms(c.previousColdMs),
        'instruction visits': String(c.steps),
      })),
    ),
    '',
    'REGEX: ns per unit of work, cold (a fresh search, its first evaluation), median and worst of 5, against the price',
    formatTable(
      r.units.map((u) => ({
        shape: u.shape,
        unit: u.unit,
        'median ns': u.ns.toFixed(2),
        'worst ns': u.worst.toFixed(2),
        'priced ns': String(u.priced),
      })),
    ),
    '',
    `REGEX: ${f.patterns} accepted generated patterns (${f.refused} refused when written; the previous linear engine refused ${f.previousRefused}) × ${f.inputs} adversarial inputs (${REGEX_SCANNED} to ${LONGEST.toLocaleString('en')} characters), ${f.evaluations} evaluations each way`,
    formatTable([
      spreadRow('engine alone, cold (first search after compileRegex)', f.engine.cold),
      spreadRow('  less GC pauses', f.engine.coldNoGc),
      spreadRow('  least of 3 fresh compiles', f.engineBest),
      spreadRow('engine alone, warm', f.engine.warm),
      spreadRow('server, cold (fresh compile, first evaluation)', f.server.cold),
      spreadRow('  less GC pauses', f.server.coldNoGc),
      spreadRow('  least of 3 fresh documents', f.serverBest),
      spreadRow('server, warm (the same again)', f.server.warm),
      spreadRow('  less GC pauses', f.server.warmNoGc),
      spreadRow('SDK bundle, cold', f.sdk.cold),
      spreadRow('  less GC pauses', f.sdk.coldNoGc),
      spreadRow('  least of 3 fresh documents', f.sdkBest),
      spreadRow(
        `untrained (${UNTRAINED_COMMIT}) server, least of 3 fresh documents`,
        f.untrainedServerBest ?? undefined,
      ),
      spreadRow(
        `untrained (${UNTRAINED_COMMIT}) SDK bundle, least of 3 fresh documents`,
        f.untrainedSdkBest ?? undefined,
      ),
      spreadRow('SDK bundle, warm', f.sdk.warm),
      spreadRow('  less GC pauses', f.sdk.warmNoGc),
      spreadRow(`previous linear engine (${PREVIOUS_COMMIT}), cold`, f.previous?.cold),
      spreadRow('  less GC pauses', f.previous?.coldNoGc),
      spreadRow(`previous linear engine (${PREVIOUS_COMMIT}), warm`, f.previous?.warm),
      spreadRow('  less GC pauses', f.previous?.warmNoGc),
      {
        '': 'native RegExp, inputs cut to 24 characters',
        'max ms': ms(f.nativeMaxMs),
        'p99 ms': ms(f.nativeP99Ms),
        'median ms': ms(f.nativeMedianMs),
      },
    ]),
    `REGEX: the generated patterns slowest in the least of 3 fresh documents (their worst input), and the two [ab]*a[ab]{n} shapes, ms; untrained: the engine as at ${UNTRAINED_COMMIT}, same inputs`,
    formatTable(
      f.slowest.map((x) => ({
        pattern: x.pattern,
        server: ms(x.serverMs),
        'server input': x.serverInput,
        SDK: ms(x.sdkMs),
        'SDK input': x.sdkInput,
        'untrained server': ms(x.untrainedServerMs),
        'untrained SDK': ms(x.untrainedSdkMs),
      })),
    ),
    `evaluations with a GC pause within: engine ${f.engine.paused}, server ${f.server.paused}, SDK ${f.sdk.paused}, previous ${f.previous?.paused ?? 'n/a'} (of ${2 * f.evaluations} each)`,
    `worst server: ${f.worst.pattern} on ${f.worst.input}: ${ms(f.worst.ms)} ms, ${f.worst.steps} visits`,
    `worst SDK: ${f.worstSdk.pattern} on ${f.worstSdk.input}: ${ms(f.worstSdk.ms)} ms`,
    `max visits / bound (program size per character): ${f.maxStepsOverBound.toFixed(3)}; max priced work: ${(f.maxPricedNs / 1e6).toFixed(3)} ms of the 1 ms budget`,
    `this engine on native RegExp's cut inputs: max ${ms(f.boundedMaxMs)} ms`,
    `compileRegex on a generated pattern: max ${ms(r.compile.max)} ms, median ${ms(r.compile.median)} ms`,
    `REGEX: a fresh node process, SDK bundle: the document's load (createClient), then the first evaluation, ms; untrained: the engine as at ${UNTRAINED_COMMIT}; --no-opt: V8's optimising compiler off`,
    formatTable(
      r.firstInProcess.map((x) => ({
        pattern: x.pattern,
        input: x.input,
        load: ms(x.loadMs),
        first: ms(x.ms),
        'untrained load': ms(x.untrainedLoadMs),
        'untrained first': ms(x.untrainedMs),
        'first, --no-opt': ms(x.noOptMs),
      })),
    ),
    `SDK main entry: ${r.bundle.minified} B minified, ${r.bundle.gzipped} B gzipped`,
  ].join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const result = await runRegexBench();
  console.log(formatRegexBench(result));
}
