/**
 * The web console runs under the CSP it is served with (the local server's; CloudFront sends the
 * same with the API's origin added): Chromium signs in, lists flags, opens a flag and an
 * experiment with its cumulative-lift chart (Chart.js on a canvas), and reports no CSP violation;
 * an inline script injected into the page is refused, which shows the policy is in force.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/build';
import type { Experiment } from '../../shared/model/experiment';
import { launchChromium } from '../support/chromium';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const EXPERIMENT: Experiment = {
  key: 'csp-savings-goal',
  name: 'Savings goal first',
  hypothesis: 'Asking for a savings goal first raises completed savings plans.',
  squad: 'payments',
  environment: 'development',
  trafficPercent: 100,
  channels: ['mobile', 'web'],
  unit: 'customer',
  variants: [
    { name: 'control', weight: 1 },
    { name: 'goal', weight: 1 },
  ],
  primaryMetric: 'plan_completed',
  secondaryMetrics: [],
  guardrails: [],
  status: 'running',
  analysis: { sequential: true, alpha: 0.05, cuped: false },
};

let p: TestPlatform;
let browser: Browser;

async function ok(res: Response): Promise<void> {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function seed(): Promise<void> {
  await ok(
    await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'csp-flag', squad: 'payments', description: 'A flag to look at under the CSP' },
    }),
  );
  await ok(
    await p.call('PUT', '/api/admin/metrics/plan_completed', {
      token: p.tokens.admin,
      body: {
        key: 'plan_completed',
        name: 'Plan completed',
        kind: 'conversion',
        direction: 'higher-is-better',
        unit: '%',
      },
    }),
  );
  await ok(
    await p.call('PUT', `/api/admin/experiments/${EXPERIMENT.key}`, {
      token: p.tokens.admin,
      body: EXPERIMENT,
    }),
  );
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  p = await startTestPlatform();
  [browser] = await Promise.all([launchChromium(), seed()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** A page that records every CSP violation: the DOM event and Chromium's console report. */
async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => violations.push(`pageerror: ${e.message}`));
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(`event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation;
      report(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, violations };
}

describe('the console under its Content-Security-Policy', () => {
  it('is served with a CSP that allows no inline script or style and no framing', async () => {
    const res = await fetch(`${p.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('signs in, lists flags, opens a flag and draws an experiment, with no violation', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${p.url}/`);
    await page.getByLabel('Admin token').fill(p.tokens.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Feature flags' }).waitFor();
    await expect.poll(() => page.getByRole('switch').count()).toBeGreaterThan(0);
    // Its stylesheet applied: the switches are laid out, not bare unstyled text.
    const styled = await page.evaluate(() => document.styleSheets.length);
    expect(styled).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Details of csp-flag' }).click();
    await page.getByRole('heading', { name: 'Audit history' }).waitFor();

    // The chart draws the history it is served (its data are not what this test is about).
    const points = [1, 2, 3, 4, 5].map((n) => ({
      at: new Date(Date.UTC(2026, 10, 20 + n)).toISOString(),
      metric: 'plan_completed',
      variant: 'goal',
      relative: { estimate: 0.1 * n, ciLower: 0.1 * n - 0.5 / n, ciUpper: 0.1 * n + 0.5 / n },
    }));
    await page.route(`**/api/admin/experiments/${EXPERIMENT.key}/results/history*`, (route) =>
      route.fulfill({ json: { points } }),
    );
    await page.goto(`${p.url}/#/experiments/${EXPERIMENT.key}`);
    await page.getByRole('heading', { name: EXPERIMENT.name }).waitFor();
    const chart = page.locator('canvas[aria-label^="Cumulative lift of plan_completed"]');
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toContain('5 points');
    expect((await chart.boundingBox())?.height).toBeGreaterThan(100);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('refuses an inline script injected into the page: the policy is in force', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${p.url}/`);
    await page.getByLabel('Admin token').waitFor();
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.head.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.some((v) => v.includes('script-src'))).toBe(true);
    await page.context().close();
  });
});
