/**
 * The raw event lake in the console, in Debian Chromium against the local platform with a temporary
 * lake: events posted to `POST /api/events`, then on the experiment page the "Compute from raw
 * events" button backfills a P95 metric (its row then shows the quantile recomputed here, and when
 * it was backfilled), identity stitching shows the crossover check, a deployment without a lake
 * answers with how to keep raw events; the data-quality page shows per channel what the senders
 * were answered. In English and Chinese, with screenshots in test-artifacts/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/build';
import { sampleQuantile } from '../../shared/experiments/quantile';
import type { EventBatchResponse } from '../../shared/model/event';
import { launchChromium } from '../support/chromium';
import { type LakePlatform, startExperiment, startLakePlatform } from '../support/lake-platform';
import { bodyOf } from '../support/platform';

const ARTIFACTS = join('test-artifacts', 'console');
const KEY = 'login-lake';
const CUSTOMERS = 16;
const DEVICES = 8;
const metrics = [
  { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  {
    key: 'login_seconds',
    name: 'P95 login time',
    kind: 'quantile',
    quantile: 0.95,
    direction: 'lower-is-better',
    unit: 'seconds',
  },
];
const experiment = {
  key: KEY,
  name: 'Faster login (lake)',
  hypothesis: 'The new login flow is faster',
  squad: 'payments',
  environment: 'development',
  trafficPercent: 100,
  channels: ['mobile', 'web'],
  variants: [
    { name: 'control', weight: 1 },
    { name: 'fast', weight: 1 },
  ],
  primaryMetric: 'loan',
  secondaryMetrics: ['login_seconds'],
  guardrails: [],
  status: 'draft',
};

/** A customer's two login times: a deterministic spread, faster in the new flow. */
const loginSeconds = (i: number, fast: boolean) => [
  1 + (i % 7) * 0.5 + (fast ? 0 : 0.75),
  2 + (i % 5) * 0.25,
];

interface Counts {
  received: number;
  accepted: number;
  stored: number;
  duplicates: number;
  late: number;
  rejected: number;
}

let p: LakePlatform;
let browser: Browser;
const variantOf = new Map<string, string>();
/** Per channel, what the senders were answered (the data-quality page must show the same). */
const expected = new Map<string, Counts>();
/** Devices whose own variant differs from their customer's: the stitched crossover. */
let crossing = 0;

async function send(events: Record<string, unknown>[]): Promise<void> {
  const res = await p.call('POST', '/api/events', { token: p.tokens.client, body: { events } });
  expect(res.status).toBe(200);
  const answer = await bodyOf<EventBatchResponse>(res);
  answer.results.forEach((r, i) => {
    const channel = String(events[i].channel);
    const c = expected.get(channel) ?? {
      received: 0,
      accepted: 0,
      stored: 0,
      duplicates: 0,
      late: 0,
      rejected: 0,
    };
    c.received++;
    if (r.status === 'accepted') c.accepted++;
    else if (r.status === 'stored') c.stored++;
    else if (r.status === 'duplicate') c.duplicates++;
    else c.rejected++;
    expected.set(channel, c);
  });
}

/** The P95 across an arm's customers of each customer's mean login time. */
function p95(arm: string): number {
  const values = [...Array(CUSTOMERS).keys()]
    .filter((i) => variantOf.get(`c${i}`) === arm)
    .map((i) => {
      const v = loginSeconds(i, arm === 'fast');
      return (v[0] + v[1]) / 2;
    })
    .sort((a, b) => a - b);
  return sampleQuantile(values, 0.95);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  p = await startLakePlatform('lake-pages');
  const seed = async () => {
    const assigned = await startExperiment(p, metrics, experiment);
    for (const id of [...Array(CUSTOMERS).keys()].flatMap((i) => [`c${i}`, `device-${i}`]))
      variantOf.set(id, assigned(id));
    const now = Date.now();
    const t = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    const events: Record<string, unknown>[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const userId = `c${i}`;
      const channel = i % 2 === 0 ? 'mobile' : 'web';
      const variant = variantOf.get(userId);
      events.push({
        id: `x${i}`,
        type: 'exposure',
        timestamp: t(60),
        userId,
        channel,
        experiment: KEY,
        variant,
      });
      if (i % 3 !== 1)
        events.push({
          id: `l${i}`,
          type: 'metric',
          timestamp: t(40),
          userId,
          channel,
          metric: 'loan',
          value: i % 2,
        });
      loginSeconds(i, variant === 'fast').forEach((value, k) => {
        events.push({
          id: `t${i}-${k}`,
          type: 'metric',
          timestamp: t(30 - k),
          userId,
          channel,
          metric: 'login_seconds',
          value,
        });
      });
    }
    // Devices seen before login, each then identified as customer c<i>.
    for (let i = 0; i < DEVICES; i++) {
      const device = `device-${i}`;
      if (variantOf.get(device) !== variantOf.get(`c${i}`)) crossing++;
      events.push({
        id: `dx${i}`,
        type: 'exposure',
        timestamp: t(20),
        userId: device,
        channel: 'mobile',
        experiment: KEY,
        variant: variantOf.get(device),
      });
      events.push({
        id: `id${i}`,
        type: 'identify',
        timestamp: t(15),
        userId: `c${i}`,
        anonymousId: device,
        channel: 'mobile',
      });
    }
    // Branch: two events without a customer (rejected, with the reason), one good one.
    for (const id of ['b1', 'b2'])
      events.push({ id, type: 'metric', timestamp: t(10), channel: 'branch', metric: 'loan', value: 1 });
    events.push({
      id: 'b3',
      type: 'metric',
      timestamp: t(10),
      userId: 'c2',
      channel: 'branch',
      metric: 'loan',
      value: 1,
    });
    await send(events);
    // Resent (duplicates), and one mobile event arriving 30 hours after its time (late).
    await send(events.slice(0, 5));
    const lateAt = new Date(now - 30 * 3_600_000).toISOString();
    await send([
      {
        id: 'late1',
        type: 'metric',
        timestamp: lateAt,
        userId: 'c4',
        channel: 'mobile',
        metric: 'loan',
        value: 1,
      },
    ]);
    const mobile = expected.get('mobile');
    if (mobile) mobile.late = 1;
  };
  [browser] = await Promise.all([launchChromium(), ensureConsoleBuilt().then(seed)]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function signedIn(locale: 'en' | 'zh-CN', token = p.tokens.admin): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.addInitScript((lang) => localStorage.setItem('omnilab.language', lang), locale);
  const page = await context.newPage();
  await page.goto(`${p.url}/`);
  await page.locator('input[type="password"], input').first().fill(token);
  await page.locator('button[type="submit"], form button').first().click();
  await page.locator('nav a').first().waitFor();
  return page;
}

async function experimentPage(page: Page): Promise<void> {
  await page.goto(`${p.url}/#/experiments/${KEY}`);
  await page.locator('.lift-table').waitFor();
  await page.locator('.backfill-table').waitFor();
}

const cell = (page: Page, metric: string, variant: string, column: string) =>
  page.locator(`.lift-table tr[data-metric="${metric}"][data-variant="${variant}"] .${column}`);

/** The data-quality table of today as the page shows it, per channel. */
async function dataQualityRows(
  page: Page,
  link: string,
): Promise<Record<string, Counts & { reasons: string }>> {
  await page.getByRole('link', { name: link }).click();
  const today = new Date().toISOString().slice(0, 10);
  await page.locator(`#dq-table tr[data-day="${today}"]`).first().waitFor();
  const rows = await page.locator(`#dq-table tr[data-day="${today}"]`).evaluateAll((trs) =>
    trs.map((tr) => {
      const text = (c: string) => (tr.querySelector(`.${c}`)?.textContent ?? '').trim();
      const n = (c: string) => Number.parseInt(text(c).replace(/[^\d]/g, ''), 10);
      return [
        tr.getAttribute('data-channel') ?? '',
        {
          received: n('dq-received'),
          accepted: n('dq-accepted'),
          stored: n('dq-stored'),
          duplicates: n('dq-duplicates'),
          late: n('dq-late'),
          rejected: Number.parseInt(text('dq-rejected'), 10),
          reasons: text('dq-reasons'),
        },
      ] as const;
    }),
  );
  return Object.fromEntries(rows);
}

function expectDataQuality(rows: Record<string, Counts & { reasons: string }>) {
  expect(Object.keys(rows).sort()).toEqual([...expected.keys()].sort());
  for (const [channel, counts] of expected) {
    const { reasons, ...shown } = rows[channel];
    expect(shown, channel).toEqual(counts);
  }
  expect(rows.branch.rejected).toBe(2);
  expect(rows.branch.reasons).toContain('userId');
  expect(rows.mobile.late).toBe(1);
  expect(rows.mobile.duplicates).toBeGreaterThan(0);
}

describe('the raw event lake in the console', () => {
  it('in English: backfills the P95 from the page, shows the crossover and data quality', async () => {
    expect(crossing).toBeGreaterThan(0);
    const page = await signedIn('en');
    // The real request, held a moment so its pending state can be read.
    await page.route(`**/api/admin/experiments/${KEY}/backfill`, async (route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    });
    await experimentPage(page);
    expect(await cell(page, 'login_seconds', 'fast', 'lift').textContent()).toBe(
      'from raw events: run backfill',
    );
    expect(await cell(page, 'login_seconds', 'control', 'variant-mean').textContent()).toBe('—');
    expect(
      await page.locator('.lift-table tr[data-metric="login_seconds"] .raw-events-note').textContent(),
    ).toBe('from raw events: run backfill');

    expect(
      await page.locator('.backfill-table tr[data-metric="login_seconds"] td').first().textContent(),
    ).toBe('Percentile (P95)');
    const button = page.getByRole('button', { name: 'Compute P95 login time from raw events' });
    expect(await button.textContent()).toBe('Compute from raw events');
    await button.click();
    await page.locator('.backfill-progress').waitFor();
    expect(await page.locator('.backfill-progress').textContent()).toBe(
      'Computing P95 login time from the raw events…',
    );
    expect(await button.getAttribute('aria-busy')).toBe('true');
    await page.locator('.backfill-table tr[data-metric="login_seconds"][data-status="backfilled"]').waitFor();
    await cell(page, 'login_seconds', 'control', 'variant-mean').waitFor();
    for (const arm of ['control', 'fast'])
      expect(await cell(page, 'login_seconds', arm, 'variant-mean').textContent()).toBe(
        new Intl.NumberFormat('en').format(Number(p95(arm).toFixed(3))),
      );
    expect(await cell(page, 'login_seconds', 'fast', 'lift').textContent()).toMatch(/^[+-]\d+\.\d%$/);
    expect(
      await page.locator('.lift-table tr[data-metric="login_seconds"] .raw-events-note').textContent(),
    ).toMatch(/^raw events, backfilled at .*2026/);
    // Unstitched: customers and devices are units of their own, none in two variants.
    expect(await page.locator('.crossover-check').textContent()).toContain(
      `Crossover check: 0 of ${CUSTOMERS + DEVICES} units in more than one variant (not stitched`,
    );

    await page.getByLabel('Stitch anonymous ids to customers (first touch)').check();
    await page.getByRole('button', { name: 'Compute Loan from raw events' }).click();
    await page.locator(`.crossover-check[data-crossover="${crossing}"]`).waitFor();
    expect(await page.locator('.crossover-check').textContent()).toContain(
      `${crossing} of ${CUSTOMERS} units were seen in more than one variant (stitched`,
    );

    // A deployment that keeps no raw events: the server's own runtime without its lake.
    const runtime = p.runtime;
    const lake = runtime.rawEvents;
    runtime.rawEvents = undefined;
    try {
      await page.getByRole('button', { name: 'Compute Loan from raw events' }).click();
      await page.locator('.backfill-error').waitFor();
    } finally {
      runtime.rawEvents = lake;
    }
    expect(await page.locator('.backfill-error').textContent()).toMatch(
      /^Could not compute from the raw events: .*set OMNILAB_STATE_DIR locally/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'lake-experiment-en.png'), fullPage: true });

    expectDataQuality(await dataQualityRows(page, 'Data quality'));
    expect(await page.getByRole('heading', { name: 'Data quality per channel' }).count()).toBe(1);
    // The chart's text alternative: the branch's rejected share, 2 of 3.
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.locator('#dq-chart-title + .chart canvas').getAttribute('aria-label')).toContain(
      `Branch: ${today} 66.7%`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'lake-data-quality-en.png'), fullPage: true });
    await page.context().close();

    // A product owner reads where the figures come from, with no button to compute them.
    const reader = await signedIn('en', p.tokens.productOwner);
    await experimentPage(reader);
    expect(
      await reader.locator('.backfill-table tr[data-metric="login_seconds"] .backfill-status').textContent(),
    ).toMatch(/^raw events, backfilled at/);
    expect(await reader.locator('.backfill-table button').count()).toBe(0);
    await reader.context().close();
  });

  it('in Chinese', async () => {
    const page = await signedIn('zh-CN');
    await experimentPage(page);
    expect(
      await page.locator('.backfill-table tr[data-metric="login_seconds"] td').first().textContent(),
    ).toBe('分位数 (P95)');
    const button = page.getByRole('button', { name: '从原始事件计算 P95 login time' });
    expect(await button.textContent()).toBe('从原始事件计算');
    await button.click();
    await page.locator('.crossover-check').waitFor();
    for (const arm of ['control', 'fast'])
      expect(await cell(page, 'login_seconds', arm, 'variant-mean').textContent()).toBe(
        new Intl.NumberFormat('zh-CN').format(Number(p95(arm).toFixed(3))),
      );
    expect(
      await page.locator('.lift-table tr[data-metric="login_seconds"] .raw-events-note').textContent(),
    ).toMatch(/^原始事件，回填于 2026/);
    expect(await page.locator('.crossover-check').textContent()).toContain(
      `交叉检查：${CUSTOMERS + DEVICES} 个单位中有 0 个出现在多个变体中（未关联身份`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'lake-experiment-zh.png'), fullPage: true });

    expectDataQuality(await dataQualityRows(page, '数据质量'));
    expect(await page.getByRole('columnheader', { name: '原样保留' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'lake-data-quality-zh.png'), fullPage: true });
    await page.context().close();
  });
});
