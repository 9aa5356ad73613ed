/**
 * Builds the SDK: every package entry bundled by esbuild into minified ES2020 modules, with their
 * minified and gzipped sizes (the size budget test builds through this), and the type declarations.
 * `npm run build:sdk` builds into sdk/dist and prints the sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const sdkDir = dirname(fileURLToPath(import.meta.url));

/** The package's entry points: the main one stays small; providers and adapters load it, never copy it. */
export const SDK_ENTRIES = [
  'index',
  'browser',
  'wechat',
  'openfeature-server',
  'openfeature-web',
  'hidden-targeting',
  'otel-hook',
  'stream',
  'impact',
] as const;

/**
 * ES2020 (`?.`, `??`) runs natively in Node 18+, Hermes and every browser since 2020; the WeChat
 * devtools ("ES6 to ES5") and Metro transpile packages for older runtimes anyway. ES2018 would
 * cost 340 bytes gzipped, over the 10 kB budget, for runtimes whose toolchains lower it already.
 */
export const SDK_TARGET = 'es2020';

// Every entry but the main one imports the main one at run time instead of bundling a second
// evaluator into itself.
const mainEntryExternal: Plugin = {
  name: 'main-entry-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/index$/ }, () => ({ path: './index.js', external: true }));
  },
};

export interface SdkBuild {
  outdir: string;
  /** Minified and gzipped bytes per entry file. */
  sizes: Record<string, { minified: number; gzipped: number }>;
}

/**
 * Bundles every entry to minified ESM in `outdir` (default `sdk/dist`); fast enough to run in a test.
 * `plugins` run after the SDK's own (the REGEX benchmark builds the SDK with an earlier engine).
 */
export async function buildSdk(outdir = join(sdkDir, 'dist'), plugins: Plugin[] = []): Promise<SdkBuild> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: SDK_ENTRIES.map((e) => join(sdkDir, 'src', `${e}.ts`)),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: SDK_TARGET,
    minify: true,
    treeShaking: true,
    sourcemap: false,
    legalComments: 'none',
    // Private members end in `_` so they can be shortened: a third of the SDK's own bytes were
    // member names. Nothing on the wire or in the public API ends in `_`.
    mangleProps: /[a-z]_$/,
    // Plain assignments in the constructor instead of a defineProperty helper call per field.
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    external: ['@openfeature/server-sdk', '@openfeature/web-sdk', '@openfeature/core'],
    plugins: [mainEntryExternal, ...plugins],
    logLevel: 'silent',
  });
  const sizes: SdkBuild['sizes'] = {};
  for (const e of SDK_ENTRIES) {
    const code = readFileSync(join(outdir, `${e}.js`));
    sizes[e] = { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
  }
  return { outdir, sizes };
}

/** Type declarations, from the same sources, into `sdk/dist/types`. */
export function buildDeclarations(): void {
  execFileSync('npx', ['tsc', '-p', join(sdkDir, 'tsconfig.build.json')], { stdio: 'inherit' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outdir, sizes } = await buildSdk();
  buildDeclarations();
  for (const [entry, s] of Object.entries(sizes)) {
    console.log(`${entry}.js  ${s.minified} B minified, ${s.gzipped} B gzipped`);
  }
  console.log(`built into ${outdir}`);
}
