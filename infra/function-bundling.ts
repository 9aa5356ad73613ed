/**
 * How every function is bundled, once: NodejsFunction gets these options, and the bundle-size test
 * and bench/bundle-functions.ts hand the same ones to esbuild directly, so what is measured is what
 * ships.
 */
import type { BuildOptions } from 'esbuild';
import type { FunctionKind } from './lambda-functions';
import { REPO_ROOT } from './repo-root';

/**
 * Bundle the AWS SDK rather than load the copy in the nodejs22.x runtime (CDK's default). Measured
 * by `npm run bench:bundles` on 2026-12-01 (figures in docs/deploy.md), on Node 22: importing a
 * function bundled as deployed took 36-92 ms, with the SDK left external and loaded from
 * node_modules 104-204 ms (57-133 ms more each); the authorizer 36 ms against 104 ms.
 * Resolving and reading the SDK's hundreds of files costs more than parsing the ~190 kB its trimmed
 * copy adds (~60 kB more to download, gzipped). It also pins the SDK version the tests ran against,
 * instead of whatever the runtime ships that week.
 */
export const BUNDLE_AWS_SDK = true;

export const NODE_TARGET = 'node22';

/**
 * Largest minified bundle accepted, checked by test/infra/bundle-size.test.ts. The authorizer sits
 * in front of every uncached request, so it gets the tight one. Handlers import zod as
 * `import * as z` so that its locales shake out (`import { z }` keeps them: about 350 kB more).
 */
export function bundleBudgetBytes(kind: FunctionKind): number {
  // Measured on 2026-12-01 14:35 UTC with SDK_ALIASES: the largest, admin-governance (every route
  // table an edit re-runs: release plans, definitions and the experiments' backfill route ride
  // along, since route factories still live in the entries — issue 15), 567,292 bytes; the
  // authorizer 202.0 kB at 11:45. A few per cent of headroom each. Powertools Logger (structured
  // logs, issue 15) adds about 23.5 kB to every HTTP function and Metrics (EMF counters) about 11.5 kB
  // more: admin-governance 590,978 bytes with the logger, 602,425 with both (14:30 UTC); the
  // authorizer carries neither (207,753).
  return kind === 'authorizer' ? 210_000 : 620_000;
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
  /**
   * Imports replaced at bundle time, module -> file relative to the repository root (the working
   * directory CDK runs esbuild in): SDK code a Lambda function never runs.
   */
  alias: Record<string, string>;
}

/**
 * SDK parts no omnilab function runs, left out of the bundles (`npm run bench:bundles` measures the
 * difference). Only when the SDK is bundled: the runtime's own copy is not ours to change.
 */
export const SDK_ALIASES: Record<string, string> = {
  // The default credential chain brings the SSO, INI, process, web-identity, container and IMDS
  // providers and the STS/SSO clients behind them (about 130 kB); Lambda puts its role's
  // credentials in the environment, so the environment provider is the chain.
  '@aws-sdk/credential-provider-node': './infra/lambda-credential-provider.ts',
  // Loaded lazily by the HTTP protocol for event-stream members, which DynamoDB has none of.
  '@smithy/core/event-streams': './infra/lambda-no-event-streams.ts',
};

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
