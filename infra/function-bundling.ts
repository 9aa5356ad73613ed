/**
 * How every function is bundled, once: NodejsFunction gets these options, and the bundle-size test
 * and bench/bundle-functions.ts hand the same ones to esbuild directly, so what is measured is what
 * ships.
 */
import type { BuildOptions } from 'esbuild';
import type { FunctionKind } from './lambda-functions';

/**
 * Bundle the AWS SDK rather than load the copy in the nodejs22.x runtime. Measured by
 * `npm run bench:bundles` (figures in docs/deploy.md): importing a handler with the SDK bundled took
 * 66-75 ms, with the SDK left external 105-161 ms; the authorizer 37 ms against 84 ms. Resolving and
 * reading the SDK's hundreds of files costs more than parsing the ~340 kB its tree-shaken copy adds
 * (~105 kB more to download, gzipped). It also pins the SDK version the tests ran against, instead
 * of whatever the runtime ships that week.
 */
export const BUNDLE_AWS_SDK = true;

export const NODE_TARGET = 'node22';

/**
 * Largest minified bundle accepted, checked by test/infra/bundle-size.test.ts. The authorizer sits
 * in front of every uncached request, so it gets the tight one. Handlers import zod as
 * `import * as z` so that its locales shake out (`import { z }` keeps them: about 350 kB more).
 */
export function bundleBudgetBytes(kind: FunctionKind): number {
  // Admin functions carry the governed write path (staging, effect, change requests; about 16 kB
  // minified, measured on 2026-12-01) and admin-governance every route table an edit re-runs.
  return kind === 'authorizer' ? 400_000 : 650_000;
}

/** esbuild's ESM output has no `require`; some CommonJS dependencies call it for Node built-ins. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __omnilabCreateRequire } from 'node:module'; const require = __omnilabCreateRequire(import.meta.url);";

/** What stays out of the bundle: nothing but the runtime's SDK, and only when it is not bundled. */
export function externalModules(bundleAwsSdk: boolean = BUNDLE_AWS_SDK): string[] {
  return bundleAwsSdk ? [] : ['@aws-sdk/*', '@smithy/*'];
}

/**
 * How NodejsFunction bundles every function, as plain data: omnilab-function.ts hands these to CDK
 * and esbuildOptions below derives from them, so the bundle tests build what CDK uploads.
 */
export interface FunctionBundling {
  minify: boolean;
  sourceMap: boolean;
  target: string;
  format: 'esm' | 'cjs';
  mainFields: string[];
  banner: string;
  bundleAwsSDK: boolean;
  externalModules: string[];
  /** The export Lambda calls (`index.<handler>`). */
  handler: string;
  /** The file CDK writes the bundle to, in the asset Lambda unpacks (index.mjs for ES modules). */
  outputFile: string;
}

export function functionBundling(bundleAwsSdk: boolean = BUNDLE_AWS_SDK): FunctionBundling {
  return {
    minify: true,
    sourceMap: true,
    target: NODE_TARGET,
    format: 'esm',
    // Prefer the ES module build of dependencies: it tree-shakes, the CommonJS one does not.
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    bundleAwsSDK: bundleAwsSdk,
    externalModules: externalModules(bundleAwsSdk),
    handler: 'handler',
    outputFile: 'index.mjs',
  };
}

/** The same options as the NodejsFunction bundling, for esbuild's own API. */
export function esbuildOptions(
  entry: string,
  outfile: string,
  bundleAwsSdk: boolean = BUNDLE_AWS_SDK,
): BuildOptions {
  const b = functionBundling(bundleAwsSdk);
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: b.format,
    target: b.target,
    minify: b.minify,
    sourcemap: b.sourceMap,
    mainFields: b.mainFields,
    banner: { js: b.banner },
    external: b.externalModules,
    logLevel: 'silent',
    metafile: true,
  };
}
