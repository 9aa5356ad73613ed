/**
 * The SDK against `unleash-client` and `@growthbook/growthbook` on the same 200 features, in one
 * run: isEnabled / getVariant ns per call through each SDK's public API, bundle size (minified
 * and gzipped), time from process start to the first evaluation, and heap per client.
 *
 * Heap per client is the heap retained after two full GCs by N clients (200; 20 for
 * unleash-client, whose clients are heavier to start), divided by N, in a fresh process that
 * already made and used one client (so code, caches and the parsed document are not counted).
 * Every client is given the same parsed document (GrowthBook its own translation of it, as it
 * takes features in its own format), so the figure is what a client adds over the document: its
 * own state, its index of the 200 features and what it built to evaluate them. Two figures: after
 * one evaluation of an unknown flag (a client that has just started), and after each of the 200
 * flags was evaluated once (a client that has used every flag).
 *
 * With `BENCH_PREVIOUS_SDK=<dir>` (an earlier `buildSdk` output, holding index.js) that build is
 * measured beside this one in the same run: throughput in this process, bundle, startup, first
 * evaluation and both heap figures in fresh processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { GrowthBookClient } from '@growthbook/growthbook';
import { build } from 'esbuild';
import { buildSdk } from '../sdk/build';
import type * as Sdk from '../sdk/src';
import type { ClientFeaturesDocument, Constraint, Context, Feature } from '../shared';
import { compile, evaluate } from '../shared';
import { startOfflineUnleash as startUnleash } from './evaluation-bench';
import { formatTable, measure } from './measure';
import { generateContexts, generateFeatures } from './workload';

const repo = join(import.meta.dirname, '..');
const workDir = join(repo, 'bench', 'results', 'sdk');

// --- GrowthBook translation ---------------------------------------------------------------

type GbCondition = Record<string, unknown>;

/** The workload's four constraint kinds in GrowthBook's condition language. */
function gbCondition(constraints: Constraint[] = []): GbCondition {
  const condition: GbCondition = {};
  for (const c of constraints) {
    if (c.operator === 'IN') condition[c.contextName] = { $in: c.values };
    else if (c.operator === 'SEMVER_GTE') condition[c.contextName] = { $vgte: c.value };
    else if (c.operator === 'STR_STARTS_WITH')
      condition[c.contextName === 'userId' ? 'id' : c.contextName] = {
        $regex: `^(?:${c.values!.join('|')})`,
      };
    else if (c.operator === 'NUM_GTE') condition[c.contextName] = { $gte: Number(c.value) };
    else throw new Error(`no GrowthBook translation for ${c.operator}`);
  }
  return condition;
}

/**
 * Each flexible rollout becomes a GrowthBook rule with the same condition and `coverage` equal to
 * the rollout percentage, hashed on the customer id: a `force: true` rule for a plain flag, an
 * experiment rule (`variations` = the variants' payloads, `weights` from theirs) for a flag with
 * variants. A disabled flag has no rules. The buckets differ (GrowthBook hashes with FNV, Unleash
 * with murmur3), so individual answers differ; the work per call is the same.
 */
export function toGrowthBookFeatures(doc: ClientFeaturesDocument): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of doc.features) {
    if (!f.enabled) {
      out[f.name] = { defaultValue: false };
      continue;
    }
    const variants = f.variants ?? [];
    const total = variants.reduce((s, v) => s + v.weight, 0);
    out[f.name] = {
      defaultValue: false,
      rules: (f.strategies ?? []).map((s) => {
        const coverage = Number(s.parameters?.rollout ?? 100) / 100;
        const condition = gbCondition(s.constraints);
        if (variants.length === 0) return { condition, force: true, coverage, hashAttribute: 'id' };
        return {
          key: f.name,
          condition,
          coverage,
          hashAttribute: 'id',
          variations: variants.map((v) => v.payload?.value ?? v.name),
          weights: variants.map((v) => v.weight / total),
          meta: variants.map((v) => ({ key: v.name })),
        };
      }),
    };
  }
  return out;
}

// --- throughput ------------------------------------------------------------------------------

/** The same customers as each SDK's callers would write them. */
function contextsFor(contexts: Context[]) {
  return contexts.map((c) => {
    const appVersion = String(c.properties!.appVersion);
    const segmentScore = String(c.properties!.segmentScore);
    return {
      unleash: c,
      omnilab: {
        userId: c.userId,
        sessionId: c.sessionId,
        channel: c.channel,
        appVersion,
        properties: { segmentScore },
      } satisfies Sdk.SdkContext,
      growthbook: {
        attributes: {
          id: c.userId,
          sessionId: c.sessionId,
          channel: c.channel,
          appVersion,
          segmentScore: Number(segmentScore),
        },
      },
    };
  });
}

/** Flags with variants run experiments here, so exposure bookkeeping is on the measured path. */
function withExperiments(doc: ClientFeaturesDocument): ClientFeaturesDocument {
  return {
    ...doc,
    features: doc.features.map((f): Feature => (f.variants ? { ...f, type: 'experiment' } : f)),
  };
}

interface Row {
  isEnabledNs: number;
  getVariantNs: number;
}

export interface SdkBenchResult {
  features: number;
  contexts: number;
  disagreementsWithUnleash: number;
  throughput: {
    core: Row;
    omnilab: Row;
    omnilabWithExposures: Row;
    unleashClient: Row;
    growthbook: Row;
  };
  bundle: Record<'omnilab' | 'unleashClient' | 'growthbook', { minified: number; gzipped: number }>;
  /** Wall time over `node -e 0`; `emptyModule` is what loading any ES module script adds by itself. */
  startupMs: Record<'nodeBaseline' | 'emptyModule' | 'omnilab' | 'unleashClient' | 'growthbook', number>;
  firstEvaluationMs: Record<'omnilab' | 'unleashClient' | 'growthbook', number>;
  /** After one evaluation of an unknown flag per client. */
  heapPerClientBytes: Record<'omnilab' | 'unleashClient' | 'growthbook', number>;
  /** After each of the 200 flags was evaluated once per client. */
  heapPerClientAllEvaluatedBytes: Record<'omnilab' | 'unleashClient' | 'growthbook', number>;
  /** With BENCH_PREVIOUS_SDK: this build and that one round by round, the least round of each (ns per call). */
  interleaved?: { rounds: number; current: Row; previous: Row };
  /** The build of BENCH_PREVIOUS_SDK, measured the same way in the same run. */
  previous?: {
    dir: string;
    /** Variants (name, payload, enabled) it answered differently from this build, over the same calls. */
    disagreements: number;
    throughput: Row;
    bundle: { minified: number; gzipped: number };
    startupMs: number;
    firstEvaluationMs: number;
    heapPerClientBytes: number;
    heapPerClientAllEvaluatedBytes: number;
  };
}

async function throughput(sdk: typeof Sdk, doc: ClientFeaturesDocument, previousSdk: typeof Sdk | null) {
  const names = doc.features.map((f) => f.name);
  const all = contextsFor(generateContexts(1000));
  const config = compile(doc);
  const omnilab = sdk.createClient({
    appName: 'bench',
    channel: 'web',
    bootstrap: doc,
    refreshIntervalMs: 0,
  });
  // A url that refuses connections: exposures are queued and deduplicated, never delivered.
  const exposing = sdk.createClient({
    appName: 'bench',
    channel: 'web',
    url: 'http://127.0.0.1:9',
    bootstrap: withExperiments(doc),
    refreshIntervalMs: 0,
    onError: () => {},
    events: { flushIntervalMs: 3_600_000, maxQueueSize: 1_000_000 },
  });
  const previous = previousSdk?.createClient({
    appName: 'bench',
    channel: 'web',
    bootstrap: doc,
    refreshIntervalMs: 0,
  });
  const unleash = await startUnleash(doc);
  const gb = new GrowthBookClient().initSync({ payload: { features: toGrowthBookFeatures(doc) as never } });

  let disagreements = 0;
  let previousDisagreements = 0;
  for (const c of all) {
    for (const n of names) {
      if (omnilab.isEnabled(n, c.omnilab) !== unleash.isEnabled(n, c.unleash as never)) disagreements++;
      if (omnilab.getVariant(n, c.omnilab).name !== unleash.getVariant(n, c.unleash as never).name)
        disagreements++;
      if (
        previous &&
        JSON.stringify(previous.getVariant(n, c.omnilab)) !== JSON.stringify(omnilab.getVariant(n, c.omnilab))
      )
        previousDisagreements++;
    }
  }

  const batch = all.slice(0, 100);
  let sink = 0;
  const loop = (fn: (name: string, c: (typeof batch)[number]) => boolean) => () => {
    for (const c of batch) for (const n of names) if (fn(n, c)) sink++;
    return batch.length * names.length;
  };
  const ns = (fn: Parameters<typeof loop>[0]) => measure(loop(fn), { rounds: 15, warmupRounds: 5 }).nsPerOp;
  const result = {
    core: {
      isEnabledNs: ns((n, c) => evaluate(config, n, c.unleash).enabled),
      getVariantNs: ns((n, c) => evaluate(config, n, c.unleash).variant.enabled),
    },
    omnilab: {
      isEnabledNs: ns((n, c) => omnilab.isEnabled(n, c.omnilab)),
      getVariantNs: ns((n, c) => omnilab.getVariant(n, c.omnilab).enabled),
    },
    omnilabWithExposures: {
      isEnabledNs: ns((n, c) => exposing.isEnabled(n, c.omnilab)),
      getVariantNs: ns((n, c) => exposing.getVariant(n, c.omnilab).enabled),
    },
    unleashClient: {
      isEnabledNs: ns((n, c) => unleash.isEnabled(n, c.unleash as never)),
      getVariantNs: ns((n, c) => unleash.getVariant(n, c.unleash as never).enabled),
    },
    growthbook: {
      isEnabledNs: ns((n, c) => gb.isOn(n, c.growthbook)),
      getVariantNs: ns((n, c) => gb.getFeatureValue(n, false as unknown, c.growthbook) !== false),
    },
  };
  // The previous build last, in the same process.
  const previousRow: Row | null = previous
    ? {
        isEnabledNs: ns((n, c) => previous.isEnabled(n, c.omnilab)),
        getVariantNs: ns((n, c) => previous.getVariant(n, c.omnilab).enabled),
      }
    : null;
  // And both builds round by round (one round of each in turn), the least round of each: on a
  // shared machine an interruption slows one round, never every round of one build.
  let interleaved: SdkBenchResult['interleaved'];
  if (previous) {
    const round = (fn: Parameters<typeof loop>[0]) => {
      const run = loop(fn);
      const t = process.hrtime.bigint();
      const ops = run();
      return Number(process.hrtime.bigint() - t) / ops;
    };
    const cases: Parameters<typeof loop>[0][] = [
      (n, c) => omnilab.isEnabled(n, c.omnilab),
      (n, c) => previous.isEnabled(n, c.omnilab),
      (n, c) => omnilab.getVariant(n, c.omnilab).enabled,
      (n, c) => previous.getVariant(n, c.omnilab).enabled,
    ];
    const least = cases.map(() => Number.POSITIVE_INFINITY);
    for (let r = 0; r < 51; r++)
      for (const [k, fn] of cases.entries()) least[k] = Math.min(least[k], round(fn));
    interleaved = {
      rounds: 51,
      current: { isEnabledNs: least[0], getVariantNs: least[2] },
      previous: { isEnabledNs: least[1], getVariantNs: least[3] },
    };
  }
  omnilab.close();
  previous?.close();
  exposing.close();
  unleash.destroy();
  gb.destroy();
  if (sink < 0) console.log(sink);
  return {
    names,
    contexts: all.length,
    disagreements,
    result,
    previousRow,
    previousDisagreements,
    interleaved,
  };
}

// --- bundle size -----------------------------------------------------------------------------

async function bundleSize(contents: string, platform: 'node' | 'neutral' | 'browser') {
  const r = await build({
    stdin: { contents, resolveDir: repo, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    mainFields: platform === 'node' ? ['main'] : ['module', 'main'],
  });
  const code = r.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

// --- startup and memory, in fresh processes --------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runNode(args: string[]): { ms: number; out: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: workDir, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, out: r.stdout.trim() };
}

/** Scripts that load each SDK as its users would, bootstrap the 200 features and evaluate once. */
function writeScripts(
  distIndex: string,
  docPath: string,
  flag: string,
  previousIndex: string | null,
): Record<string, string> {
  const load = `import { readFileSync } from 'node:fs';\nconst doc = JSON.parse(readFileSync(${JSON.stringify(docPath)}, 'utf8'));\n`;
  const ctx = `{ userId: 'c1-1', channel: 'mobile' }`;
  const omnilab = (index: string) =>
    `import { createClient } from ${JSON.stringify(pathToFileURL(index).href)};\n${load}const c = createClient({ appName: 'startup', channel: 'mobile', bootstrap: doc });\nc.isEnabled(${JSON.stringify(flag)}, ${ctx});\nconsole.log(performance.now());\n`;
  const scripts: Record<string, string> = {
    omnilab: omnilab(distIndex),
    ...(previousIndex ? { previous: omnilab(previousIndex) } : {}),
    growthbook: `import { GrowthBook } from '@growthbook/growthbook';\nimport { toGrowthBookFeatures } from './gb-features.mjs';\n${load}const gb = new GrowthBook({ features: toGrowthBookFeatures(doc), attributes: { id: 'c1-1', channel: 'mobile' } });\ngb.isOn(${JSON.stringify(flag)});\nconsole.log(performance.now());\n`,
    unleashClient: `import { Unleash } from 'unleash-client';\n${load}const u = new Unleash({ appName: 'startup', url: 'http://127.0.0.1:9/api/', refreshInterval: 0, disableMetrics: true, bootstrap: { data: doc.features }, skipInstanceCountWarning: true });\nu.on('error', () => {}); u.on('warn', () => {});\nawait new Promise((r) => (u.isSynchronized() ? r() : u.once('ready', r)));\nu.isEnabled(${JSON.stringify(flag)}, ${ctx});\nconsole.log(performance.now());\nu.destroy(); process.exit(0);\n`,
  };
  const paths: Record<string, string> = {};
  for (const [k, v] of Object.entries(scripts)) {
    paths[k] = join(workDir, `startup-${k}.mjs`);
    writeFileSync(paths[k], v);
  }
  return paths;
}

/**
 * Scripts that make N clients (argv[2]) and print the heap each retains (see the header). argv[3]
 * `all` evaluates each of the document's flags once per client, for a customer that passes the
 * workload's constraints; otherwise one unknown flag.
 */
function writeMemoryScripts(
  distIndex: string,
  docPath: string,
  previousIndex: string | null,
): Record<string, string> {
  const head = `import { readFileSync } from 'node:fs';\nconst doc = JSON.parse(readFileSync(${JSON.stringify(docPath)}, 'utf8'));\nconst N = Number(process.argv[2]);\nconst all = process.argv[3] === 'all';\nconst names = doc.features.map((f) => f.name);\nconst keep = [];\nconst heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };\n`;
  const tail = `const after = heap();\nconsole.log(Math.round((after - before) / N));\n`;
  const omnilab = (index: string) =>
    `import { createClient } from ${JSON.stringify(pathToFileURL(index).href)};\n${head}const ctx = { userId: 'c1-1', appVersion: '6.9.0', properties: { segmentScore: '99' } };\nconst use = (c) => { if (all) for (const n of names) c.getVariant(n, ctx); else c.isEnabled('x', { userId: 'u' }); };\nuse(createClient({ appName: 'm', channel: 'mobile', bootstrap: doc }));\nconst before = heap();\nfor (let i = 0; i < N; i++) { const c = createClient({ appName: 'm', channel: 'mobile', bootstrap: doc }); use(c); keep.push(c); }\n${tail}`;
  const scripts: Record<string, string> = {
    omnilab: omnilab(distIndex),
    ...(previousIndex ? { previous: omnilab(previousIndex) } : {}),
    growthbook: `import { GrowthBook } from '@growthbook/growthbook';\nimport { toGrowthBookFeatures } from './gb-features.mjs';\n${head}const attributes = { id: 'c1-1', channel: 'mobile', appVersion: '6.9.0', segmentScore: 99 };\nconst use = (g) => { if (all) for (const n of names) g.getFeatureValue(n, false); else g.isOn('x'); };\nuse(new GrowthBook({ features: toGrowthBookFeatures(doc), attributes }));\nconst before = heap();\nfor (let i = 0; i < N; i++) { const g = new GrowthBook({ features: toGrowthBookFeatures(doc), attributes }); use(g); keep.push(g); }\n${tail}`,
    unleashClient: `import { Unleash } from 'unleash-client';\n${head}const ctx = { userId: 'c1-1', channel: 'mobile', properties: { appVersion: '6.9.0', segmentScore: '99' } };\nconst make = async () => { const u = new Unleash({ appName: 'm', url: 'http://127.0.0.1:9/api/', refreshInterval: 0, disableMetrics: true, bootstrap: { data: doc.features }, skipInstanceCountWarning: true }); u.on('error', () => {}); u.on('warn', () => {}); await new Promise((r) => (u.isSynchronized() ? r() : u.once('ready', r))); if (all) for (const n of names) u.getVariant(n, ctx); else u.isEnabled('x'); return u; };\nawait make();\nconst before = heap();\nfor (let i = 0; i < N; i++) keep.push(await make());\n${tail}process.exit(0);\n`,
  };
  const paths: Record<string, string> = {};
  for (const [k, v] of Object.entries(scripts)) {
    paths[k] = join(workDir, `memory-${k}.mjs`);
    writeFileSync(paths[k], v);
  }
  return paths;
}

export async function runSdkBench({ startupRuns = 21 } = {}): Promise<SdkBenchResult> {
  mkdirSync(workDir, { recursive: true });
  const { outdir, sizes } = await buildSdk(join(workDir, 'dist'));
  const distIndex = join(outdir, 'index.js');
  const sdk: typeof Sdk = await import(pathToFileURL(distIndex).href);
  const doc = generateFeatures(200);
  const docPath = join(workDir, 'features.json');
  writeFileSync(docPath, JSON.stringify(doc));
  writeFileSync(
    join(workDir, 'gb-features.mjs'),
    `${gbCondition.toString()}\nexport ${toGrowthBookFeatures.toString()}\n`,
  );

  const previousDir = process.env.BENCH_PREVIOUS_SDK ?? null;
  const previousIndex = previousDir ? join(previousDir, 'index.js') : null;
  const previousSdk: typeof Sdk | null = previousIndex
    ? await import(pathToFileURL(previousIndex).href)
    : null;

  const t = await throughput(sdk, doc, previousSdk);

  const bundle = {
    omnilab: { minified: sizes.index.minified, gzipped: sizes.index.gzipped },
    unleashClient: await bundleSize(`export { initialize, Unleash } from 'unleash-client';`, 'node'),
    growthbook: await bundleSize(`export { GrowthBook } from '@growthbook/growthbook';`, 'browser'),
  };

  const scripts = writeScripts(distIndex, docPath, t.names[0], previousIndex);
  const sdks = ['omnilab', ...(previousIndex ? ['previous'] : []), 'unleashClient', 'growthbook'];
  const wall: Record<string, number[]> = { nodeBaseline: [], emptyModule: [] };
  const first: Record<string, number[]> = {};
  for (const k of sdks) {
    wall[k] = [];
    first[k] = [];
  }
  const empty = join(workDir, 'startup-empty.mjs');
  writeFileSync(empty, 'console.log(performance.now());\n');
  runNode(['-e', '0']);
  for (let i = 0; i < startupRuns; i++) {
    wall.nodeBaseline.push(runNode(['-e', '0']).ms);
    wall.emptyModule.push(runNode([empty]).ms);
    for (const k of sdks) {
      const r = runNode([scripts[k]]);
      wall[k].push(r.ms);
      first[k].push(Number(r.out));
    }
  }
  const base = median(wall.nodeBaseline);

  const memory = writeMemoryScripts(distIndex, docPath, previousIndex);
  const heapPerClient = (k: string, n: number, mode: 'one' | 'all' = 'one') =>
    Number(runNode(['--expose-gc', memory[k], String(n), mode]).out);
  const previousCode = previousIndex ? readFileSync(previousIndex) : null;

  return {
    features: t.names.length,
    contexts: t.contexts,
    disagreementsWithUnleash: t.disagreements,
    throughput: t.result,
    ...(t.interleaved ? { interleaved: t.interleaved } : {}),
    bundle,
    startupMs: {
      nodeBaseline: base,
      emptyModule: median(wall.emptyModule) - base,
      omnilab: median(wall.omnilab) - base,
      unleashClient: median(wall.unleashClient) - base,
      growthbook: median(wall.growthbook) - base,
    },
    firstEvaluationMs: {
      omnilab: median(first.omnilab),
      unleashClient: median(first.unleashClient),
      growthbook: median(first.growthbook),
    },
    heapPerClientBytes: {
      omnilab: heapPerClient('omnilab', 200),
      unleashClient: heapPerClient('unleashClient', 20),
      growthbook: heapPerClient('growthbook', 200),
    },
    heapPerClientAllEvaluatedBytes: {
      omnilab: heapPerClient('omnilab', 200, 'all'),
      unleashClient: heapPerClient('unleashClient', 20, 'all'),
      growthbook: heapPerClient('growthbook', 200, 'all'),
    },
    ...(previousDir && previousCode && t.previousRow
      ? {
          previous: {
            dir: previousDir,
            disagreements: t.previousDisagreements,
            throughput: t.previousRow,
            bundle: { minified: previousCode.length, gzipped: gzipSync(previousCode, { level: 9 }).length },
            startupMs: median(wall.previous) - base,
            firstEvaluationMs: median(first.previous),
            heapPerClientBytes: heapPerClient('previous', 200),
            heapPerClientAllEvaluatedBytes: heapPerClient('previous', 200, 'all'),
          },
        }
      : {}),
  };
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const pct = (now: number, before: number) =>
  `${now <= before ? '' : '+'}${((100 * (now - before)) / before).toFixed(1)}%`;

export function formatSdkBench(r: SdkBenchResult): string {
  const t = r.throughput;
  const p = r.previous;
  const row = (sdk: string, x: Row) => ({
    sdk,
    'isEnabled ns': x.isEnabledNs.toFixed(0),
    'getVariant ns': x.getVariantNs.toFixed(0),
    'isEnabled vs omnilab': `${(x.isEnabledNs / t.omnilab.isEnabledNs).toFixed(1)}x`,
    'getVariant vs omnilab': `${(x.getVariantNs / t.omnilab.getVariantNs).toFixed(1)}x`,
  });
  const size = (sdk: string, k: keyof SdkBenchResult['bundle']) => ({
    sdk,
    minified: kb(r.bundle[k].minified),
    gzipped: kb(r.bundle[k].gzipped),
    'startup over node -e 0': `${r.startupMs[k].toFixed(1)} ms`,
    'first evaluation at': `${r.firstEvaluationMs[k].toFixed(1)} ms`,
    'heap per client': kb(r.heapPerClientBytes[k]),
    'heap, every flag evaluated': kb(r.heapPerClientAllEvaluatedBytes[k]),
  });
  return [
    `SDK vs unleash-client and GrowthBook: ${r.features} features, ${r.contexts} contexts, ${r.disagreementsWithUnleash} disagreements with unleash-client`,
    formatTable([
      row('evaluation core (no SDK)', t.core),
      row('@omnilab/sdk', t.omnilab),
      ...(p ? [row('@omnilab/sdk, previous build', p.throughput)] : []),
      row('@omnilab/sdk, 67 experiments', t.omnilabWithExposures),
      row('unleash-client', t.unleashClient),
      row('@growthbook/growthbook', t.growthbook),
    ]),
    '',
    `node -e 0: ${r.startupMs.nodeBaseline.toFixed(1)} ms; an empty ES module script adds ${r.startupMs.emptyModule.toFixed(1)} ms`,
    formatTable([
      size('@omnilab/sdk', 'omnilab'),
      ...(p
        ? [
            {
              sdk: '@omnilab/sdk, previous build',
              minified: kb(p.bundle.minified),
              gzipped: kb(p.bundle.gzipped),
              'startup over node -e 0': `${p.startupMs.toFixed(1)} ms`,
              'first evaluation at': `${p.firstEvaluationMs.toFixed(1)} ms`,
              'heap per client': kb(p.heapPerClientBytes),
              'heap, every flag evaluated': kb(p.heapPerClientAllEvaluatedBytes),
            },
          ]
        : []),
      size('unleash-client', 'unleashClient'),
      size('@growthbook/growthbook', 'growthbook'),
    ]),
    'heap per client: retained after GC by many clients, divided; each client is given the same parsed',
    'document, so the figure is what a client adds over it (state, feature index, what it built to',
    'evaluate); after one unknown flag, and after each of the 200 flags evaluated once.',
    'What each includes: @omnilab/sdk: the client, its index of the 200 features and, every flag',
    "evaluated, each one's compiled rules (constraint and strategy records, variant sets) and the",
    'frozen results of the variants it picked; not the document. unleash-client: its client and',
    'repository over the same document (bootstrap). GrowthBook: its instance and the feature',
    'definitions it is given, translated for each instance (GrowthBook takes its own format).',
    ...(p ? [`previous build: ${p.dir}; ${p.disagreements} of its variants differ from this build's`] : []),
    ...(r.interleaved
      ? [
          `this build and the previous one in turn, least of ${r.interleaved.rounds} rounds each: isEnabled ${r.interleaved.current.isEnabledNs.toFixed(0)} vs ${r.interleaved.previous.isEnabledNs.toFixed(0)} ns (${pct(r.interleaved.current.isEnabledNs, r.interleaved.previous.isEnabledNs)}), getVariant ${r.interleaved.current.getVariantNs.toFixed(0)} vs ${r.interleaved.previous.getVariantNs.toFixed(0)} ns (${pct(r.interleaved.current.getVariantNs, r.interleaved.previous.getVariantNs)})`,
        ]
      : []),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runSdkBench().then((r) => {
    console.log(formatSdkBench(r));
    writeFileSync(join(workDir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  });
}
