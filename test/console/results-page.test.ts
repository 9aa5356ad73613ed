/**
 * The results page as a product owner reads it, in Debian Chromium against the local platform,
 * with the results and history endpoints serving chosen documents (built by the real engine from
 * seeded simulations): harm on one channel is on screen by default, each row says which test
 * decides and quotes the verdict's figure, "keep running" says how long, the cumulative-lift axis
 * is fitted to the estimates, and the verdict reads in Chinese. Screenshots land in
 * test-artifacts/console/ for a human to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/build';
import { buildResults } from '../../shared/experiments/results';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import type { Experiment } from '../../shared/model/experiment';
import { catalogue, experiment, simulate } from '../results/fixtures';
import { launchChromium } from '../support/chromium';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const ARTIFACTS = join('test-artifacts', 'console');
const DAY = 86_400_000;

const EXPERIMENT: Experiment = experiment({
  environment: 'development',
  guardrails: [{ metric: 'complaint_filed', tolerance: 0.1 }],
  startedAt: new Date(Date.now() - 10 * DAY).toISOString(),
});

/** Complaints planted +40% on branch only: overall the guardrail is ok, on branch degraded. */
function branchHarm(): ExperimentResults {
  const s = simulate(1, {
    experiment: EXPERIMENT,
    units: 6000,
    effects: [
      { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
      { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.05 },
    ],
  });
  return buildResults({ experiment: EXPERIMENT, catalogue, cells: s.cells });
}

/** The same experiment analysed with the sequential test, stored under its own key. */
const SEQUENTIAL: Experiment = {
  ...EXPERIMENT,
  key: 'loan-banner-sequential',
  name: 'Pre-approved loan banner, sequential',
  analysis: { sequential: true, alpha: 0.05, cuped: false },
};

/** A sequential run with a +15% lift not yet decided. */
function keepRunning(): ExperimentResults {
  const e = SEQUENTIAL;
  const s = simulate(2, {
    experiment: e,
    units: 6000,
    effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.15 }],
  });
  return buildResults({ experiment: e, catalogue, cells: s.cells });
}

/** Fourteen days: the first day's interval runs −600% to +800%, the lift settles near +15%. */
const HISTORY = Array.from({ length: 14 }, (_, i) => {
  const n = i + 1;
  const half = n === 1 ? 7 : 1.2 / Math.sqrt(n);
  return {
    at: new Date(Date.UTC(2026, 10, 1 + i, 23, 59, 59, 999)).toISOString(),
    metric: 'loan_application_submitted',
    variant: 'banner',
    units: 300 * n,
    relative: {
      estimate: 0.15 + 0.3 / n,
      ciLower: n === 1 ? -6 : 0.15 - half,
      ciUpper: n === 1 ? 8 : 0.15 + half,
    },
  };
});

let p: TestPlatform;
let browser: Browser;

async function ok(res: Response): Promise<void> {
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${await res.text()}`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureConsoleBuilt();
  p = await startTestPlatform();
  const seed = async () => {
    for (const m of catalogue)
      await ok(await p.call('PUT', `/api/admin/metrics/${m.key}`, { token: p.tokens.admin, body: m }));
    for (const e of [EXPERIMENT, SEQUENTIAL]) {
      await ok(await p.call('PUT', `/api/admin/experiments/${e.key}`, { token: p.tokens.admin, body: e }));
    }
  };
  [browser] = await Promise.all([launchChromium(), seed()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** Signed in, with the results and history endpoints serving `results` and HISTORY. */
async function resultsPage(results: ExperimentResults, locale: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.addInitScript((lang) => localStorage.setItem('omnilab.language', lang), locale);
  const page = await context.newPage();
  const key = results.experiment;
  await page.route(`**/api/admin/experiments/${key}/results/history*`, (route) =>
    route.fulfill({ json: { points: HISTORY } }),
  );
  await page.route(`**/api/admin/experiments/${key}/results`, (route) => route.fulfill({ json: results }));
  await page.goto(`${p.url}/`);
  await page.locator('input[type="password"], input').first().fill(p.tokens.productOwner);
  await page.locator('button[type="submit"], form button').first().click();
  await page.locator('nav a').first().waitFor();
  await page.goto(`${p.url}/#/experiments/${key}`);
  await page.locator('.verdict-headline').waitFor();
  return page;
}

describe('the results page', () => {
  it('shows harm on one channel by default, beside the overall "ok", and one figure per row', async () => {
    const results = branchHarm();
    const branch = results.breakdown.find((b) => b.channel === 'branch')?.guardrails[0];
    expect(results.guardrails[0].status).toBe('ok');
    expect(branch?.status).toBe('degraded');
    const page = await resultsPage(results);
    const banner = page.locator('.harm-banner');
    await banner.waitFor();
    const bannerText = (await banner.textContent()) ?? '';
    expect(bannerText).toContain('Harm on a channel');
    expect(bannerText).toContain('Complaints');
    expect(bannerText).toContain('on Branch');
    // Overall "ok" with "degraded on Branch" beside it, and a row for the branch channel.
    const all = page.locator('.guardrail-table tr[data-channel="all"]');
    expect(await all.locator('.badge').first().textContent()).toBe('ok');
    expect(await all.locator('.on-channels').textContent()).toBe('degraded on Branch');
    const row = page.locator('.guardrail-table tr[data-channel="branch"]');
    expect(await row.locator('.badge').textContent()).toBe('degraded');
    const rowP = (await row.locator('td').last().textContent()) ?? '';
    // The verdict quotes the same always-valid p for that guardrail, and says which test decided.
    const reason = (await page.locator('.verdict-reason').textContent()) ?? '';
    expect(reason).toContain(`Complaints rose by`);
    expect(reason).toContain(`on Branch (always-valid p ${rowP.startsWith('<') ? rowP : `= ${rowP}`}`);
    expect(await page.locator('.decided-by').textContent()).toContain(
      'Decided by: fixed-horizon test, significance level 0.05, Holm-adjusted over 2 goal comparisons.',
    );
    // Rows: the deciding figure, labelled; the chance to win only behind the toggle, as secondary.
    // The first metric's second row: its treatment (the control's row has no comparison).
    const primaryP = await page.locator('.lift-table td.deciding-p').nth(1).textContent();
    expect(primaryP).toMatch(/^adjusted p (0\.\d+|< 0\.001|> 0\.99)$/);
    expect(await page.getByText('Secondary: chance to win (Bayesian)').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'results-harm.png'), fullPage: true });
    await page.getByLabel('Show secondary figures (they do not decide)').check();
    await page.getByText('Secondary: chance to win (Bayesian)').waitFor();
    await page.context().close();
  });

  it('says how long to keep running, prints capped p-values as "> 0.99", and fits the chart axis', async () => {
    const page = await resultsPage(keepRunning());
    expect(await page.locator('.verdict-headline').textContent()).toBe(
      'Keep running: not enough evidence yet',
    );
    const projection = (await page.locator('.verdict-projection').textContent()) ?? '';
    expect(projection).toMatch(
      /^banner: keep running, about \d+ more days at the rate so far \(\d+ units per arm a day\) to detect a \d+\.\d% lift \(power 80%\)\.$/,
    );
    expect(await page.locator('.lift-table').textContent()).not.toContain('1.0000');
    const chart = page.locator('canvas[aria-label^="Cumulative lift of loan_application_submitted"]');
    await chart.waitFor();
    const min = Number(await chart.getAttribute('data-axis-min'));
    const max = Number(await chart.getAttribute('data-axis-max'));
    // The first day's −600%…+800% is clipped; the axis spans the later intervals and the estimates.
    expect(min).toBeGreaterThan(-100);
    expect(max).toBeLessThan(150);
    expect(max).toBeGreaterThanOrEqual(45);
    expect(await chart.getAttribute('data-axis-clipped')).toBe('true');
    expect(await page.locator('.history-clipped').textContent()).toContain('clipped');
    await chart.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'results-history-fitted.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'results-keep-running.png'), fullPage: true });
    await page.context().close();
  });

  it('under a Bayesian plan, each goal row and the verdict quote the chance to beat control', async () => {
    const bayesian: Experiment = {
      ...EXPERIMENT,
      analysis: { engine: 'bayesian', sequential: false, alpha: 0.05, cuped: false },
    };
    const s = simulate(1, {
      experiment: bayesian,
      units: 6000,
      effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.2 }],
    });
    const page = await resultsPage(buildResults({ experiment: bayesian, catalogue, cells: s.cells }));
    const primary = (await page.locator('.lift-table td.deciding-p').nth(1).textContent()) ?? '';
    expect(primary).toMatch(/^chance to beat control (0\.\d{3}|> 0\.99|< 0\.01)$/);
    const figure = primary.replace('chance to beat control ', '');
    const reason = (await page.locator('.verdict-reason').textContent()) ?? '';
    expect(reason).toContain(`chance to beat control ${figure.startsWith('0') ? `= ${figure}` : figure}`);
    expect(reason).toContain('credible interval');
    expect(await page.locator('.decided-by').textContent()).toContain(
      'Decided by: the Bayesian engine, ship when the chance to beat control is at least 0.95',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'results-bayesian.png'), fullPage: true });
    await page.context().close();
  });

  it('reads the verdict, its reasons and the harm in Simplified Chinese', async () => {
    const page = await resultsPage(branchHarm(), 'zh-CN');
    const reason = (await page.locator('.verdict-reason').textContent()) ?? '';
    expect(reason).toContain('始终有效 p');
    expect(reason).toContain('在网点渠道上升');
    expect(reason).not.toMatch(/rose by|not significant|Decided/);
    expect(await page.locator('.harm-banner').textContent()).toContain('某渠道出现损害');
    expect(await page.locator('.guardrail-table tr[data-channel="all"] .on-channels').textContent()).toBe(
      '在 网点 变差',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'results-harm-zh.png'), fullPage: true });
    await page.context().close();
    const running = await resultsPage(keepRunning(), 'zh-CN');
    expect(await running.locator('.verdict-projection').textContent()).toMatch(/大约还需 \d+ 天/);
    await running.screenshot({ path: join(ARTIFACTS, 'results-keep-running-zh.png'), fullPage: true });
    await running.context().close();
  });
});
