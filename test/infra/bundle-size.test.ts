/**
 * Every function bundled for real, with the options NodejsFunction uses (infra/function-bundling.ts),
 * by esbuild directly and in parallel: each within its size budget, self-contained, and loadable as
 * the ES module Lambda will import.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BundleSize, bundleFunctions } from '../../bench/bundle-functions';
import {
  BUNDLE_AWS_SDK,
  bundleBudgetBytes,
  esbuildOptions,
  externalModules,
} from '../../infra/function-bundling';
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

  it('carries no AWS SDK client, @aws-sdk/core or @smithy/core: only util-dynamodb of the SDK', () => {
    const sdk = /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\/([^/]+)/;
    for (const s of sizes) {
      const packages = new Set(
        s.inputs.map((i) => sdk.exec(i.path)).flatMap((m) => (m ? [`${m[1]}/${m[2]}`] : [])),
      );
      expect(
        [...packages].filter((p) => p !== '@aws-sdk/util-dynamodb'),
        s.name,
      ).toEqual([]);
    }
  });

  it("signs with the Lambda role's credentials from the environment, as the runtime gives them", async () => {
    const dir = join(process.cwd(), 'test-artifacts', 'infra-bundles', 'credentials-probe');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'probe.ts');
    const root = join(process.cwd(), 'functions', 'runtime', 'composition-root.ts');
    writeFileSync(
      entry,
      `import { awsCredentials, createDynamoClients } from ${JSON.stringify(root)};\n` +
        "const { client } = createDynamoClients({ region: 'eu-west-1' });\n" +
        'const id = await awsCredentials(client)();\n' +
        'console.log(JSON.stringify({ accessKeyId: id.accessKeyId, sessionToken: id.sessionToken }));\n',
    );
    const file = join(dir, 'index.mjs');
    await build(esbuildOptions(entry, file));
    const env = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'ASIAROLEKEY',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session',
    };
    const { stdout } = await run(process.execPath, [file], { env });
    expect(JSON.parse(stdout)).toEqual({ accessKeyId: 'ASIAROLEKEY', sessionToken: 'session' });
    // Without them it fails plainly, rather than trying profiles, SSO or the instance metadata service.
    const failed = await run(process.execPath, [file], {
      env: { PATH: env.PATH, AWS_REGION: 'eu-west-1' },
    }).then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    );
    expect(failed).toMatch(/no AWS credentials in the environment/);
  });

  it('imports zod as a namespace everywhere the functions reach (`import { z }` keeps its locales: ~360 kB per bundle)', () => {
    const named: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(process.cwd(), dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (
          path.endsWith('.ts') &&
          /import\s*\{\s*z\s*\}\s*from\s*'zod(\/mini)?'/.test(readFileSync(join(process.cwd(), path), 'utf8'))
        )
          named.push(path);
      }
    };
    for (const dir of ['functions', 'shared', 'infra']) walk(dir);
    expect(named, "write `import * as z from 'zod'`").toEqual([]);
  });
});
