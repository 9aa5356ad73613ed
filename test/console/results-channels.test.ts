/**
 * The results page end to end, channels first: `npm run simulate`'s experiment (10,000 customers, seed 11) sent through
 * POST /api/events into a test platform, read from the real results and history endpoints in
 * Chromium. The page shows the verdict, the harm on the call center in the per-channel table, on
 * which channels to ship, whether effects differ by channel, and a cumulative-lift axis fitted to
 * the estimates; in English and Simplified Chinese. Screenshots land in test-artifacts/console/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powerLines } from '../../cli/plan-power';
import { formatResults, type ServedResults } from '../../cli/results-command';
import { ensureConsoleBuilt } from '../../console/build';
import { simulate } from '../../local/simulate';
import { launchChromium } from '../support/chromium';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

const ARTIFACTS = join('test-artifacts', 'console');
const KEY = 'loan-banner-simulation';

let p: TestPlatform;
let browser: Browser;
let served: ServedResults & { explanation: NonNullable<ServedResults['explanation']> };
let simulateOutput = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureConsoleBuilt();
  p = await startTestPlatform();
  const lines: string[] = [];
  // 10,000 customers (a third of `npm run simulate`'s default 30,000, whose run the README quotes)
  // with seed 11 reach the same decision: do not ship as is, ship on every channel but the call
  // center. Of seeds 1 to 12 at this size only 11 does (at 30,000, seed 1 does): a fixed,
  // reproducible run, so the page is read on the decision it must show.
  const args = [
    ...['--customers', '10000', '--seed', '11'],
    ...['--url', p.url, '--admin-token', p.tokens.admin, '--client-token', p.tokens.client],
  ];
  const [launched, code] = await Promise.all([launchChromium(), simulate(args, (l) => lines.push(l))]);
  browser = launched;
  expect(code).toBe(0);
  simulateOutput = lines.join('\n');
  served = await bodyOf(
    await p.call('GET', `/api/admin/experiments/${KEY}/results`, { token: p.tokens.productOwner }),
  );
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function resultsPage(locale: 'en' | 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.addInitScript((lang) => localStorage.setItem('omnilab.language', lang), locale);
  const page = await context.newPage();
  await page.goto(`${p.url}/`);
  await page.locator('input[type="password"], input').first().fill(p.tokens.productOwner);
  await page.locator('button[type="submit"], form button').first().click();
  await page.locator('nav a').first().waitFor();
  await page.goto(`${p.url}/#/experiments/${KEY}`);
  await page.locator('.verdict-headline').waitFor();
  return page;
}

describe('the simulated experiment, channels first, through the real API', () => {
  it('reaches a clear decision: do not ship as is, ship on every channel but the call center', () => {
    // A batch retried after a timeout on a loaded machine comes back as duplicates: none is refused.
    expect(simulateOutput).toMatch(/Events: \d+ accepted, \d+ duplicates, 0 rejected/);
    expect(served.verdict.decision).toBe('do-not-ship');
    expect(served.explanation.map((x) => x.code)).toContain('guardrail-harm');
    expect(served.channelAnalysis.fit.summary).toBe('ship-on-some');
    expect(served.channelAnalysis.fit.channels.map((c) => [c.channel, c.advice])).toEqual([
      ['mobile', 'ship'],
      ['web', 'ship'],
      ['wechat', 'ship'],
      ['branch', 'ship'],
      ['call_center', 'hold'],
    ]);
  });

  it('prints the same story in the CLI, in English and Chinese, and plans a follow-up from its variance', async () => {
    const daysSoFar = 28;
    const en = formatResults(served, { daysSoFar });
    const zh = formatResults(served, { daysSoFar, lang: 'zh-CN' });
    expect(en).toContain('HARM ON CALL_CENTER: Complaints filed');
    expect(en).toContain(
      'Where to ship: Ship banner on Mobile, Web, WeChat, Branch; not yet on Call center.',
    );
    expect(en).toMatch(/Complaints filed \(guardrail\)\s+banner\s+call_center\s+\+\d+\.\d%/);
    expect(zh).toContain('结论: 不要发布');
    expect(zh).toContain('在哪些渠道发布: 在手机银行、网上银行、微信、网点发布 banner；客服中心暂不发布。');
    const power = await bodyOf<Parameters<typeof powerLines>[2] & { source: { kind: string } }>(
      await p.call(
        'GET',
        '/api/admin/metrics/loan_application_submitted/power?dailyUnits=2000&days=14&sequential=true',
        { token: p.tokens.productOwner },
      ),
    );
    expect(power.source).toEqual({ kind: 'history', experiment: KEY, units: expect.any(Number) });
    expect(power.mde).toBeGreaterThan(0);
    const plan = powerLines('loan-banner-follow-up', 'Loan application submitted', power);
    writeFileSync(join(ARTIFACTS, 'simulate-output.txt'), `${simulateOutput}\n`);
    writeFileSync(join(ARTIFACTS, 'results-cli-en.txt'), `${en}\n`);
    writeFileSync(join(ARTIFACTS, 'results-cli-zh.txt'), `${zh}\n`);
    writeFileSync(join(ARTIFACTS, 'plan-power.txt'), `${plan.join('\n')}\n${JSON.stringify(power)}\n`);
  });

  it('shows the verdict, the harm on the call center, where to ship and a fitted chart axis', async () => {
    const page = await resultsPage('en');
    expect(await page.locator('.verdict-headline').textContent()).toBe('Do not ship');
    const harmRow = page.locator(
      '.channel-rows tr[data-metric="complaint_filed"][data-channel="call_center"]',
    );
    expect(await harmRow.getAttribute('data-tone')).toBe('harm');
    expect(await harmRow.locator('.badge').textContent()).toBe('HARM');
    // Every other channel's complaints row is not harmed.
    for (const channel of ['mobile', 'web', 'wechat', 'branch']) {
      const row = page.locator(`.channel-rows tr[data-metric="complaint_filed"][data-channel="${channel}"]`);
      expect(await row.getAttribute('data-tone')).not.toBe('harm');
    }
    expect(await page.locator('.channel-fit').textContent()).toBe(
      'Ship banner on Mobile, Web, WeChat, Branch; not yet on Call center.',
    );
    expect(await page.locator('.channel-fit-list li[data-channel="call_center"]').textContent()).toContain(
      'a guardrail is degraded there (Complaints filed)',
    );
    expect(
      await page.locator('.heterogeneity li[data-metric="loan_application_submitted"]').textContent(),
    ).toMatch(
      /^banner: (no evidence that the effect on Loan application submitted differs by channel|the effect on Loan application submitted differs by channel)/,
    );
    const chart = page.locator('canvas[aria-label^="Cumulative lift of loan_application_submitted"]');
    await chart.waitFor();
    const min = Number(await chart.getAttribute('data-axis-min'));
    const max = Number(await chart.getAttribute('data-axis-max'));
    const history = await bodyOf<{
      points: {
        metric: string;
        variant: string;
        relative: { estimate: number; ciLower: number; ciUpper: number };
      }[];
    }>(
      await p.call('GET', `/api/admin/experiments/${KEY}/results/history`, { token: p.tokens.productOwner }),
    );
    const primary = history.points.filter((x) => x.metric === 'loan_application_submitted');
    const estimates = primary.map((x) => x.relative.estimate * 100);
    const widest = Math.max(...primary.map((x) => x.relative.ciUpper * 100));
    // Fitted to the estimates: every estimate is on the axis (a lift is never below −100%)…
    expect(min).toBeGreaterThanOrEqual(-100);
    expect(min).toBeLessThanOrEqual(Math.min(...estimates));
    expect(max).toBeGreaterThanOrEqual(Math.max(...estimates));
    // …and the early, huge intervals are clipped and marked rather than stretching it.
    if (widest > max) expect(await chart.getAttribute('data-axis-clipped')).toBe('true');
    console.log(
      `chart axis ${min}%..${max}%, estimates ${Math.min(...estimates).toFixed(1)}%..${Math.max(...estimates).toFixed(1)}%, widest interval bound ${widest.toFixed(0)}%`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'results-channels-en.png'), fullPage: true });
    await page.context().close();
  });

  it('reads the same in Simplified Chinese', async () => {
    const page = await resultsPage('zh-CN');
    expect(await page.locator('.verdict-headline').textContent()).toBe('不要发布');
    expect(await page.locator('.channel-fit').textContent()).toBe(
      '在手机银行、网上银行、微信、网点发布 banner；客服中心暂不发布。',
    );
    expect(await page.locator('.channel-fit-list li[data-channel="call_center"]').textContent()).toBe(
      '客服中心：暂缓——该渠道有护栏指标变差（Complaints filed）。',
    );
    const harmRow = page.locator(
      '.channel-rows tr[data-metric="complaint_filed"][data-channel="call_center"]',
    );
    expect(await harmRow.locator('.badge').textContent()).toBe('有损害');
    expect(await page.locator('.verdict-reason').textContent()).not.toMatch(/rose by|Decided/);
    await page.screenshot({ path: join(ARTIFACTS, 'results-channels-zh.png'), fullPage: true });
    await page.context().close();
  });
});
