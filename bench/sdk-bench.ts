/**
 * The SDK against `unleash-client` and `@growthbook/growthbook` on the same 200 features, in one
 * run: isEnabled / getVariant ns per call through each SDK's public API, bundle size (minified
 * and gzipped), time from process start to the first evaluation, and heap per client.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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
  heapPerClientBytes: Record<'omnilab' | 'unleashClient' | 'growthbook', number>;
}

async function throughput(sdk: typeof Sdk, doc: ClientFeaturesDocument) {
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
  const unleash = await startUnleash(doc);
  const gb = new GrowthBookClient().initSync({ payload: { features: toGrowthBookFeatures(doc) as never } });

  let disagreements = 0;
  for (const c of all) {
    for (const n of names) {
      if (omnilab.isEnabled(n, c.omnilab) !== unleash.isEnabled(n, c.unleash as never)) disagreements++;
      if (omnilab.getVariant(n, c.omnilab).name !== unleash.getVariant(n, c.unleash as never).name)
        disagreements++;
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
  omnilab.close();
  exposing.close();
  unleash.destroy();
  gb.destroy();
  if (sink < 0) console.log(sink);
  return { names, contexts: all.length, disagreements, result };
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
function writeScripts(distIndex: string, docPath: string, flag: string): Record<string, string> {
  const load = `import { readFileSync } from 'node:fs';\nconst doc = JSON.parse(readFileSync(${JSON.stringify(docPath)}, 'utf8'));\n`;
  const ctx = `{ userId: 'c1-1', channel: 'mobile' }`;
  const scripts = {
    omnilab: `import { createClient } from ${JSON.stringify(pathToFileURL(distIndex).href)};\n${load}const c = createClient({ appName: 'startup', channel: 'mobile', bootstrap: doc });\nc.isEnabled(${JSON.stringify(flag)}, ${ctx});\nconsole.log(performance.now());\n`,
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

function writeMemoryScripts(distIndex: string, docPath: string): Record<string, string> {
  const head = `import { readFileSync } from 'node:fs';\nconst doc = JSON.parse(readFileSync(${JSON.stringify(docPath)}, 'utf8'));\nconst N = Number(process.argv[2]);\nconst keep = [];\nconst heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };\n`;
  const tail = `const after = heap();\nconsole.log(Math.round((after - before) / N));\n`;
  const scripts = {
    omnilab: `import { createClient } from ${JSON.stringify(pathToFileURL(distIndex).href)};\n${head}createClient({ appName: 'm', bootstrap: doc }).isEnabled('x');\nconst before = heap();\nfor (let i = 0; i < N; i++) { const c = createClient({ appName: 'm', channel: 'mobile', bootstrap: doc }); c.isEnabled('x', { userId: 'u' }); keep.push(c); }\n${tail}`,
    growthbook: `import { GrowthBook } from '@growthbook/growthbook';\nimport { toGrowthBookFeatures } from './gb-features.mjs';\n${head}const features = toGrowthBookFeatures(doc);\nnew GrowthBook({ features }).isOn('x');\nconst before = heap();\nfor (let i = 0; i < N; i++) { const g = new GrowthBook({ features: toGrowthBookFeatures(doc), attributes: { id: 'u' } }); g.isOn('x'); keep.push(g); }\n${tail}`,
    unleashClient: `import { Unleash } from 'unleash-client';\n${head}const make = async () => { const u = new Unleash({ appName: 'm', url: 'http://127.0.0.1:9/api/', refreshInterval: 0, disableMetrics: true, bootstrap: { data: doc.features }, skipInstanceCountWarning: true }); u.on('error', () => {}); u.on('warn', () => {}); await new Promise((r) => (u.isSynchronized() ? r() : u.once('ready', r))); u.isEnabled('x'); return u; };\nawait make();\nconst before = heap();\nfor (let i = 0; i < N; i++) keep.push(await make());\n${tail}process.exit(0);\n`,
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

  const t = await throughput(sdk, doc);

  const bundle = {
    omnilab: { minified: sizes.index.minified, gzipped: sizes.index.gzipped },
    unleashClient: await bundleSize(`export { initialize, Unleash } from 'unleash-client';`, 'node'),
    growthbook: await bundleSize(`export { GrowthBook } from '@growthbook/growthbook';`, 'browser'),
  };

  const scripts = writeScripts(distIndex, docPath, t.names[0]);
  const wall: Record<string, number[]> = {
    nodeBaseline: [],
    emptyModule: [],
    omnilab: [],
    unleashClient: [],
    growthbook: [],
  };
  const empty = join(workDir, 'startup-empty.mjs');
  writeFileSync(empty, 'console.log(performance.now());\n');
  const first: Record<string, number[]> = { omnilab: [], unleashClient: [], growthbook: [] };
  runNode(['-e', '0']);
  for (let i = 0; i < startupRuns; i++) {
    wall.nodeBaseline.push(runNode(['-e', '0']).ms);
    wall.emptyModule.push(runNode([empty]).ms);
    for (const k of ['omnilab', 'unleashClient', 'growthbook']) {
      const r = runNode([scripts[k]]);
      wall[k].push(r.ms);
      first[k].push(Number(r.out));
    }
  }
  const base = median(wall.nodeBaseline);

  const memory = writeMemoryScripts(distIndex, docPath);
  const heapPerClient = (k: string, n: number) => Number(runNode(['--expose-gc', memory[k], String(n)]).out);

  return {
    features: t.names.length,
    contexts: t.contexts,
    disagreementsWithUnleash: t.disagreements,
    throughput: t.result,
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
  };
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;

export function formatSdkBench(r: SdkBenchResult): string {
  const t = r.throughput;
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
  });
  return [
    `SDK vs unleash-client and GrowthBook: ${r.features} features, ${r.contexts} contexts, ${r.disagreementsWithUnleash} disagreements with unleash-client`,
    formatTable([
      row('evaluation core (no SDK)', t.core),
      row('@omnilab/sdk', t.omnilab),
      row('@omnilab/sdk, 67 experiments', t.omnilabWithExposures),
      row('unleash-client', t.unleashClient),
      row('@growthbook/growthbook', t.growthbook),
    ]),
    '',
    `node -e 0: ${r.startupMs.nodeBaseline.toFixed(1)} ms; an empty ES module script adds ${r.startupMs.emptyModule.toFixed(1)} ms`,
    formatTable([
      size('@omnilab/sdk', 'omnilab'),
      size('unleash-client', 'unleashClient'),
      size('@growthbook/growthbook', 'growthbook'),
    ]),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runSdkBench().then((r) => {
    console.log(formatSdkBench(r));
    writeFileSync(join(workDir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  });
}
