/**
 * How every function is bundled, once: NodejsFunction gets these options, and the bundle-size test
 * and bench/bundle-functions.ts hand the same ones to esbuild directly, so what is measured is what
 * ships.
 */
import type { BuildOptions } from 'esbuild';
import type { FunctionKind } from './lambda-functions';
import { REPO_ROOT } from './repo-root';

/**
 * Bundle the one AWS SDK package the runtime code still imports, @aws-sdk/util-dynamodb (marshall
 * and unmarshall, ~5 kB), rather than load the nodejs22.x runtime's copy. DynamoDB, SNS, Secrets
 * Manager, S3, Firehose and Athena are called over fetch with omnilab's own client and SigV4
 * (functions/aws/, functions/aws/aws-request.ts), so no bundle carries an SDK client, @aws-sdk/core
 * or @smithy/core (the ~180 kB they were: test/infra/bundle-size.test.ts checks it). Leaving the
 * SDK external was measured slower to load, when the bundles still carried its clients
 * (`npm run bench:bundles`, 2026-12-01, Node 22: 57-133 ms more per function, docs/deploy.md);
 * bundling also pins the version the tests ran against.
 */
export const BUNDLE_AWS_SDK = true;

export const NODE_TARGET = 'node22';

/**
 * Largest minified bundle accepted, checked by test/infra/bundle-size.test.ts. The authorizer sits
 * in front of every uncached request, so it gets the tight one. Handlers import zod as
 * `import * as z` so that its locales shake out (`import { z }` keeps them: about 350 kB more).
 */
export function bundleBudgetBytes(kind: FunctionKind): number {
  // The HTTP functions: issue 20's target, 250,000 bytes, once the analysis routes left
  // admin-experiments, a change request's edit went to the function owning its route and the
  // metrics became EMF lines of our own. Measured 2026-12-01 20:27 UTC (`npm run bench:bundles`):
  // the largest, openapi 243,411 bytes, admin-environments 242,156, admin-experiments 234,859,
  // admin-governance 212,161. The authorizer's: 38,314 bytes since the DynamoDB answers are
  // checked (size, CRC32, shape: functions/aws/dynamodb-response.ts), 32,220 before.
  return kind === 'authorizer' ? 40_000 : 250_000;
}

/** esbuild's ESM output has no `require`; some CommonJS dependencies call it for Node built-ins. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __omnilabCreateRequire } from 'node:module'; const require = __omnilabCreateRequire(import.meta.url);";

/**
 * What stays out of the bundle: nothing but Node's built-ins when the SDK is bundled; the runtime's
 * SDK (util-dynamodb, the only part the functions import) in the bench's comparison build.
 */
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
  /**
   * Imports replaced at bundle time, module -> file relative to the repository root (the working
   * directory CDK runs esbuild in): SDK code a Lambda function never runs.
   */
  alias: Record<string, string>;
}

/**
 * Imports replaced at bundle time. None since the functions call AWS over fetch: the SDK's default
 * credential chain and its event-stream code, which these aliased away, are no longer imported
 * (credentials come from the environment Lambda fills, functions/aws/aws-request.ts).
 */
export const SDK_ALIASES: Record<string, string> = {};

/** The aliases as NodejsFunction's esbuildArgs (`--alias:module=./file`). */
export function esbuildArgsOf(b: FunctionBundling): Record<string, string[]> {
  const alias = Object.entries(b.alias).map(([from, to]) => `${from}=${to}`);
  return alias.length > 0 ? { '--alias': alias } : {};
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
    alias: bundleAwsSdk ? { ...SDK_ALIASES } : {},
  };
}

/** The same options as the NodejsFunction bundling, for esbuild's own API. */
export function esbuildOptions(
  entry: string,
  outfile: string,
  bundling: boolean | FunctionBundling = BUNDLE_AWS_SDK,
): BuildOptions {
  const b = typeof bundling === 'boolean' ? functionBundling(bundling) : bundling;
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
    alias: b.alias,
    // CDK runs esbuild in the project root: the alias paths are relative to it.
    absWorkingDir: REPO_ROOT,
    logLevel: 'silent',
    metafile: true,
  };
}
