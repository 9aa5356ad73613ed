/**
 * The built SDK bundle in Chromium: flags from the server with the context's channel and
 * appVersion, exposures and metrics sent from the page, and every client-specification case.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk } from '../../sdk/build';
import { CHROMIUM, launchChromium } from '../support/chromium';
import { FlagServer, sampleDocument, until } from './flag-server';

const artifacts = join(process.cwd(), 'test-artifacts');
const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);

// The page loads the built, minified bundle as a browser would: the main entry and the browser
// adapter as ES modules, from the same origin as the API.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>omnilab SDK</title></head>
<body><h1>omnilab SDK in the browser</h1><pre id="out">loading…</pre>
<script type="module">
  import { createClient } from '/sdk/index.js';
  import { localStorageAdapter } from '/sdk/browser.js';
  const errors = [];
  const client = createClient({
    url: location.origin, clientKey: 'client-key', appName: 'web-bank', channel: 'web',
    storage: localStorageAdapter(), refreshIntervalMs: 0, onError: (e) => errors.push(e.code),
  });
  await client.ready();
  const results = {
    checkoutWeb: client.isEnabled('new-checkout', { userId: 'c1' }),
    checkoutBranch: client.isEnabled('new-checkout', { userId: 'c1', channel: 'branch' }),
    appOnly: client.isEnabled('new-app-only', { userId: 'c1', appVersion: '5.2.0' }),
    variant: client.getVariant('transfer-button', { userId: 'c1' }),
    missing: client.isEnabled('missing', { userId: 'c1' }, true),
    stored: Object.keys(localStorage).filter((k) => k.startsWith('omnilab:')),
    errors,
  };
  client.track('transfer_completed', 1, { userId: 'c1' });
  await client.flush();
  document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  window.results = results;
  window.runSpec = (state, tests) => {
    const c = createClient({ appName: 'spec', bootstrap: state });
    return tests.map((t) => t.kind === 'enabled'
      ? c.isEnabled(t.toggleName, t.context)
      : { ...c.getVariant(t.toggleName, t.context) });
  };
</script></body></html>`;

const haveChromium = existsSync(CHROMIUM);

describe('the built bundle in Chromium', () => {
  let server: FlagServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const { outdir } = await buildSdk(join(artifacts, 'sdk-browser-dist'));
    server = await new FlagServer(sampleDocument()).start();
    server.files.set('/', { type: 'text/html', body: PAGE });
    for (const f of readdirSync(outdir).filter((n) => n.endsWith('.js'))) {
      server.files.set(`/sdk/${f}`, { type: 'text/javascript', body: readFileSync(join(outdir, f)) });
    }
    browser = await launchChromium();
    page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as { results?: unknown }).results !== undefined, null, {
      timeout: 10_000,
    });
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('evaluates flags fetched from the server, with the channel and appVersion of the context', async () => {
    const results = await page.evaluate(
      () => (window as unknown as { results: Record<string, unknown> }).results,
    );
    expect(results).toMatchObject({
      checkoutWeb: true,
      checkoutBranch: false,
      appOnly: true,
      missing: true,
      errors: [],
    });
    expect(['control', 'treatment']).toContain((results.variant as { name: string }).name);
    expect(results.stored).toEqual(['omnilab:default:web-bank:config']);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'sdk-browser.png'), fullPage: true });
  });

  it('sent the exposure and the tracked metric from the page', async () => {
    await until(() => server.accepted.size === 2, 'two events');
    expect([...server.accepted.values()].map((e) => [e.type, e.channel])).toEqual([
      ['exposure', 'web'],
      ['metric', 'web'],
    ]);
  });

  it('passes every client-specification case in the browser', async () => {
    const files: string[] = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8'));
    let cases = 0;
    for (const file of files) {
      const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8'));
      const tests = [
        ...(spec.tests ?? []).map((t: object) => ({ ...t, kind: 'enabled' })),
        ...(spec.variantTests ?? []).map((t: object) => ({ ...t, kind: 'variant' })),
      ];
      const actual = await page.evaluate(
        ([state, list]) =>
          (window as unknown as { runSpec: (s: unknown, t: unknown) => unknown[] }).runSpec(state, list),
        [spec.state, tests] as const,
      );
      expect(actual, spec.name).toEqual(tests.map((t: { expectedResult: unknown }) => t.expectedResult));
      cases += tests.length;
    }
    expect(cases).toBe(279);
  });
});
