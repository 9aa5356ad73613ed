/**
 * Every function bundled for real, with the options NodejsFunction uses (infra/function-bundling.ts),
 * by esbuild directly and in parallel: each within its size budget, self-contained, and loadable as
 * the ES module Lambda will import.
 */
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleSize, bundleFunctions } from '../../bench/bundle-functions';
import { BUNDLE_AWS_SDK, bundleBudgetBytes, externalModules } from '../../infra/function-bundling';
import { lambdaFunctions } from '../../infra/lambda-functions';

const run = promisify(execFile);
const specs = lambdaFunctions();
let sizes: BundleSize[];

beforeAll(async () => {
  sizes = await bundleFunctions(
    join(process.cwd(), 'test-artifacts', 'infra-bundles'),
    BUNDLE_AWS_SDK,
    specs,
  );
  const table = sizes.map(
    (s) => `${s.name}: ${(s.bytes / 1024).toFixed(1)} kB (${(s.gzipped / 1024).toFixed(1)} kB gzipped)`,
  );
  console.log(`function bundles\n  ${table.join('\n  ')}`);
});

/**
 * The SDK probes for these inside try/catch, for SigV4a signing, which DynamoDB never uses; they
 * stay unresolved on purpose.
 */
const OPTIONAL_SDK_PROBES = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];

describe('the function bundles', () => {
  it('builds one bundle per function', () => {
    expect(sizes.map((s) => s.name)).toEqual(specs.map((s) => s.name));
  });

  it.each(specs.map((s, i) => [s.name, s, i] as const))('keeps %s within its budget', (_, spec, i) => {
    expect(sizes[i].bytes).toBeLessThanOrEqual(bundleBudgetBytes(spec.kind));
  });

  it('leaves nothing to resolve at run time but Node built-ins (and the SDK, if not bundled)', () => {
    const allowed = externalModules().map((p) => p.replace('/*', '/'));
    for (const s of sizes) {
      const unresolved = s.externals.filter(
        (i) =>
          !i.startsWith('node:') &&
          !builtinModules.includes(i) &&
          !OPTIONAL_SDK_PROBES.includes(i) &&
          !allowed.some((a) => i.startsWith(a)),
      );
      expect(unresolved, s.name).toEqual([]);
    }
  });

  // In plain Node, as Lambda loads it: importing through Vitest would transform each bundle again.
  it('loads each bundle as an ES module exporting a handler, without touching AWS', async () => {
    const exported = await Promise.all(
      sizes.map(async (s) => {
        const script = `const m = await import(${JSON.stringify(pathToFileURL(s.file).href)}); console.log(typeof m.handler);`;
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
          env: {
            ...process.env,
            AWS_REGION: 'eu-west-1',
            OMNILAB_TABLE_PREFIX: 'omnilab-test-',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
          },
        });
        return `${s.name}: ${stdout.trim()}`;
      }),
    );
    expect(exported).toEqual(sizes.map((s) => `${s.name}: function`));
  });
});
