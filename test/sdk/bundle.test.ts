/**
 * The published SDK bundle: the main entry's gzipped size budget with no imports, one evaluator
 * shared by every entry, and OpenFeature served from the built provider.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OpenFeature } from '@openfeature/server-sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSdk, SDK_ENTRIES, type SdkBuild } from '../../sdk/build';
import { sampleDocument } from './flag-server';

const importsOf = (code: string) =>
  [...code.matchAll(/(?:from|import)\s*["']([^"']+)["']/g)].map((m) => m[1]);

describe('the published bundle', () => {
  let built: SdkBuild;
  const read = (entry: string) => readFileSync(join(built.outdir, `${entry}.js`), 'utf8');

  beforeAll(async () => {
    built = await buildSdk(join(process.cwd(), 'test-artifacts', 'sdk-bundle-dist'));
  });

  // 10 kB until the linear-time REGEX engine (a Thompson NFA with a lazy DFA over typed arrays,
  // about 4 kB gzipped) replaced JavaScript's backtracking RegExp, which one hostile pattern could
  // stall for minutes. The ecosystem's RE2 port costs more: re2js 2.10.0 bundled alone, minified,
  // is 45,773 B gzipped (measured with esbuild and gzip -9 on 2026-12-01). 14,575 B since the
  // engine trains itself once per process (regex.ts `train`; 77 B net of what the engine gave back):
  // untrained, the SDK's first hostile evaluations ran unoptimised code, 0.97 ms least-of-3 against
  // 0.32 ms trained, in one run of `npm run bench -- regex`. 14,650 B since a context field is read
  // from the context's own properties only (shared/evaluation/context-value.ts: a constraint on
  // `toString` matched every customer through Object.prototype): 14,617 B measured, 42 B more.
  it('keeps the main entry within 14,650 B gzipped, with no imports at all', () => {
    expect(built.sizes.index.gzipped).toBeLessThanOrEqual(14_650);
    expect(importsOf(read('index'))).toEqual([]);
    // The zod schema stays out: the SDK validates documents with the evaluator's own checks.
    expect(read('index')).not.toMatch(/zod|ZodError/);
  });

  it('has one evaluator: the other entries load the main one instead of copying it', () => {
    for (const entry of SDK_ENTRIES.filter((e) => e !== 'index')) {
      const code = read(entry);
      expect(code, entry).not.toContain('86028157');
      expect(code.length, entry).toBeLessThan(4000);
    }
    expect(read('index')).toContain('86028157');
    expect(importsOf(read('openfeature-server'))).toEqual(['@openfeature/server-sdk', './index.js']);
    expect(importsOf(read('openfeature-web'))).toEqual(['@openfeature/web-sdk', './index.js']);
    expect(importsOf(read('wechat'))).toEqual([]);
  });

  it('serves OpenFeature from the built provider', async () => {
    const { OmnilabProvider } = await import(pathToFileURL(join(built.outdir, 'openfeature-server.js')).href);
    await OpenFeature.setProviderAndWait(
      new OmnilabProvider({ appName: 'bff', channel: 'mobile', bootstrap: sampleDocument() }),
    );
    const client = OpenFeature.getClient();
    expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'c1' })).toBe(true);
    expect(await client.getStringValue('transfer-button', '', { targetingKey: 'c1' })).toMatch(
      /^(blue|green)$/,
    );
    await OpenFeature.close();
  });
});
