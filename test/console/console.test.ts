/**
 * The web console in Debian Chromium, against the real local platform (DynamoDB Local, the same
 * handlers Lambda runs, the console served by the local server). Screenshots of the main pages
 * land in test-artifacts/console/ for a human to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/build';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Experiment } from '../../shared/model/experiment';
import { seededRandom, simulateExperiment } from '../../shared/simulation/simulation';
import { launchChromium } from '../support/chromium';
import { approveAndApply, heldRequest } from '../support/governance';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const ARTIFACTS = join('test-artifacts', 'console');
const DAY = 86_400_000;

let p: TestPlatform;
let browser: Browser;

const FLAGS = [
  {
    name: 'loan-offer-banner',
    squad: 'payments',
    description: 'Pre-approved loan offer on the home screen',
    tags: ['loans', 'home'],
  },
  {
    name: 'card-cashback-tile',
    squad: 'cards',
    description: 'Cashback tile for card holders',
    tags: ['cards'],
  },
  {
    name: 'branch-queue-sms',
    squad: 'payments',
    description: 'Text the customer when their branch queue number is near',
    tags: ['branch'],
    environments: {
      development: { enabled: true, channels: { branch: true, mobile: true }, strategies: [] },
      production: { enabled: true, channels: { branch: true }, strategies: [] },
    },
  },
];

const EXPERIMENT: Experiment = {
  key: 'mortgage-calculator',
  name: 'Mortgage calculator first',
  hypothesis: 'Showing the mortgage calculator before the form raises completed applications.',
  squad: 'payments',
  environment: 'development',
  trafficPercent: 100,
  channels: ['mobile', 'web', 'branch'],
  unit: 'customer',
  variants: [
    { name: 'control', weight: 1 },
    { name: 'calculator', weight: 1 },
  ],
  primaryMetric: 'application_completed',
  secondaryMetrics: ['advisor_minutes'],
  guardrails: [{ metric: 'complaint', tolerance: 0.1 }],
  status: 'running',
  // Before the simulated customers' exposures, which ingestion refuses when they predate the start.
  startedAt: new Date(Date.now() - 31 * 86_400_000).toISOString(),
  analysis: { sequential: true, alpha: 0.05, cuped: true },
};

const METRICS = [
  {
    key: 'application_completed',
    name: 'Application completed',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  {
    key: 'advisor_minutes',
    name: 'Advisor minutes',
    kind: 'mean',
    direction: 'lower-is-better',
    unit: 'minutes',
  },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
];

async function ok(res: Response): Promise<void> {
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${await res.text()}`);
}

/** Flags, metrics, a running experiment and simulated customers, all through the public API. */
async function seed(): Promise<void> {
  for (const flag of FLAGS) {
    const res = await p.call('POST', '/api/admin/flags', { token: p.tokens.admin, body: flag });
    await ok(res);
    // Born live in production: a second admin approves it (four eyes).
    if (res.status === 202) await approveAndApply(p, (await heldRequest(res)).id);
  }
  for (const m of METRICS)
    await ok(await p.call('PUT', `/api/admin/metrics/${m.key}`, { token: p.tokens.admin, body: m }));
  await ok(
    await p.call('PUT', `/api/admin/experiments/${EXPERIMENT.key}`, {
      token: p.tokens.admin,
      body: EXPERIMENT,
    }),
  );
  await ok(
    await p.call('PUT', '/api/admin/experiments/cardless-atm', {
      token: p.tokens.admin,
      body: {
        ...EXPERIMENT,
        key: 'cardless-atm',
        name: 'Cardless withdrawal prompt',
        hypothesis: 'Prompting for cardless withdrawal shortens ATM sessions.',
        channels: ['atm', 'mobile'],
        status: 'draft',
      },
    }),
  );
  // 1,000 customers with a +80% lift (3,407 events) reach "Ship calculator" as 2,000 with +50%
  // (6,793) did, at the same odds: over the pure core (buildResults on the simulator's cells, seeds
  // 1-40) 34 of 40 seeds ship at 1,000/+80% against 33 of 40 at 2,000/+50%, seed 7 in both. Each
  // customer costs DynamoDB Local writes; the page still shows the verdict the statistics give.
  const { events } = simulateExperiment(
    {
      experiment: EXPERIMENT,
      units: 1000,
      metrics: {
        application_completed: { kind: 'conversion', rate: 0.2 },
        advisor_minutes: { kind: 'mean', mean: 12, presence: 0.5 },
        complaint: { kind: 'count', rate: 0.05 },
      },
      effects: [
        { variant: 'calculator', metric: 'application_completed', relativeLift: 0.8 },
        { variant: 'calculator', metric: 'advisor_minutes', relativeLift: -0.05 },
      ],
      // Exposures and both observation windows end well before now: ingestion refuses the future.
      start: Date.now() - 30 * DAY,
      days: 10,
      idPrefix: 'console-',
    },
    seededRandom(7),
  );
  const srm: Experiment = {
    ...EXPERIMENT,
    key: 'atm-receipt-nudge',
    name: 'Paperless receipt nudge',
    hypothesis: 'Asking before printing a receipt does not slow ATM applications down.',
    channels: ['atm'],
    variants: [
      { name: 'control', weight: 1 },
      { name: 'nudge', weight: 1 },
    ],
    secondaryMetrics: [],
    guardrails: [],
  };
  await ok(await p.call('PUT', `/api/admin/experiments/${srm.key}`, { token: p.tokens.admin, body: srm }));
  const broken = simulateExperiment(
    {
      experiment: srm,
      units: 500,
      metrics: { application_completed: { kind: 'conversion', rate: 0.2 } },
      // Lost exposures on one arm: the classic cause of a sample-ratio mismatch.
      srm: { variant: 'nudge', lossRate: 0.4 },
      start: Date.now() - 30 * DAY,
      days: 10,
      idPrefix: 'srm-',
    },
    seededRandom(3),
  );
  events.push(...broken.events);
  const batches: unknown[][] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  // A batch answered 503 (storage timed out on a loaded machine) is sent again unchanged, as the API
  // asks: what the first attempt stored answers `duplicate` then, and nothing counts twice.
  const post = async (batch: unknown[]) => {
    const send = () => p.call('POST', '/api/events', { token: p.tokens.client, body: { events: batch } });
    let res = await send();
    for (let resent = 1; res.status === 503 && resent <= 3; resent++) {
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 500 * resent));
      res = await send();
    }
    await ok(res);
  };
  // One batch at a time: batches in time order share customers, and concurrent transactions on the
  // same unit items conflict and retry in DynamoDB Local (measured here, 4,107 events: 78.4 s four at
  // a time with four 503s, 20.9 s one at a time).
  for (const batch of batches) await post(batch);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureConsoleBuilt();
  p = await startTestPlatform();
  [browser] = await Promise.all([launchChromium(), seed()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function signIn(
  token: string,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${p.url}/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Feature flags' }).waitFor();
  return page;
}

async function feature(name: string, token = p.tokens.client) {
  const res = await p.call('GET', '/api/client/features', { token });
  const doc = (await res.json()) as ClientFeaturesDocument;
  return doc.features.find((f) => f.name === name);
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('web console', () => {
  it('is served by the local platform next to the API, which keeps precedence', async () => {
    const index = await fetch(`${p.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await index.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${p.url}/${script}`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${p.url}/config.json`)).status).toBe(200);
    expect((await fetch(`${p.url}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${p.url}/api/admin/flags`)).status).toBe(401);
    expect((await fetch(`${p.url}/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(`${p.url}/assets/../../package.json`)).status).toBe(404);
  });

  it('signs in with an admin token and shows the flags × channels matrix', async () => {
    const listed = await p.call('GET', '/api/admin/flags', { token: p.tokens.admin });
    const { flags } = (await listed.json()) as { flags: unknown[] };
    const page = await signIn(p.tokens.admin);
    await expect.poll(() => page.getByRole('switch').count()).toBe(flags.length * 6);
    expect(await page.getByText('Signed in as local-admin (platform admin)').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'flags.png'), fullPage: true });
    await page.context().close();
  });

  it('turns a flag on for the branch channel, and /api/client/features changes', async () => {
    expect((await feature('loan-offer-banner'))?.enabled).toBe(false);
    const page = await signIn(p.tokens.admin);
    const toggle = page.getByRole('switch', { name: 'Turn loan-offer-banner on for Branch', exact: true });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.focus();
    await page.keyboard.press('Space');
    await page.getByRole('switch', { name: 'Turn loan-offer-banner off for Branch', exact: true }).waitFor();
    await page.getByText('loan-offer-banner is now on for Branch in development.').waitFor();
    const served = await until(
      () => feature('loan-offer-banner'),
      (f) => f?.enabled === true,
    );
    expect(served?.enabled).toBe(true);
    expect(served?.strategies?.[0].constraints).toEqual([
      { contextName: 'channel', operator: 'IN', values: ['branch'] },
    ]);
    await page.getByRole('link', { name: 'Details of loan-offer-banner' }).click();
    await page.getByRole('heading', { name: 'Audit history' }).waitFor();
    await page.getByText('flag.channel-on').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'flag-details.png'), fullPage: true });
    await page.context().close();
  });

  it('asks before changing production, and the kill switch switches a flag off everywhere', async () => {
    const page = await signIn(p.tokens.admin);
    await page.getByLabel('Environment').selectOption('production');
    await page.getByRole('switch', { name: 'Turn branch-queue-sms on for Mobile' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change production?' });
    await dialog.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'confirm-production.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('switch', { name: 'Turn branch-queue-sms on for Mobile' }).isVisible()).toBe(
      true,
    );
    expect(
      (await feature('branch-queue-sms', p.tokens.productionClient))?.strategies?.[0].constraints,
    ).toEqual([{ contextName: 'channel', operator: 'IN', values: ['branch'] }]);

    await page.getByRole('button', { name: 'Kill branch-queue-sms in production' }).click();
    await page
      .getByRole('dialog', { name: 'Use the kill switch?' })
      .getByRole('button', { name: 'Kill switch' })
      .click();
    await page.getByRole('button', { name: 'Turn branch-queue-sms back on in production' }).waitFor();
    expect((await feature('branch-queue-sms', p.tokens.productionClient))?.enabled).toBe(false);
    expect((await feature('branch-queue-sms'))?.enabled).toBe(true);
    await page.context().close();
  });

  it('reloads and says so when someone else changed the flag meanwhile (409)', async () => {
    const page = await signIn(p.tokens.squadCards);
    const toggle = page.getByRole('switch', { name: 'Turn card-cashback-tile on for WeChat', exact: true });
    await toggle.waitFor();
    const current = (await (
      await p.call('GET', '/api/admin/flags/card-cashback-tile', { token: p.tokens.admin })
    ).json()) as { version: number };
    await ok(
      await p.call('PUT', '/api/admin/flags/card-cashback-tile/environments/development/channels/atm', {
        token: p.tokens.admin,
        body: { version: current.version, enabled: true },
      }),
    );
    await toggle.click();
    await page.getByText('card-cashback-tile was changed by someone else.', { exact: false }).waitFor();
    // The other change is now on screen, and the refused one was not applied.
    await page.getByRole('switch', { name: 'Turn card-cashback-tile off for ATM', exact: true }).waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await page.context().close();
  });

  it('shows a product owner no toggles, and a squad toggles only its own flags', async () => {
    const po = await signIn(p.tokens.productOwner);
    await po.getByRole('link', { name: 'Details of card-cashback-tile' }).waitFor();
    expect(await po.getByRole('switch').count()).toBe(0);
    expect(await po.getByRole('button', { name: /^Kill / }).count()).toBe(0);
    expect(
      await po.getByRole('img', { name: 'branch-queue-sms is on for Branch', exact: true }).count(),
    ).toBe(1);
    await po.screenshot({ path: join(ARTIFACTS, 'flags-product-owner.png'), fullPage: true });
    await po.context().close();

    const cards = await signIn(p.tokens.squadCards);
    await expect.poll(() => cards.getByRole('switch').count()).toBe(6);
    expect(await cards.getByRole('switch', { name: /card-cashback-tile/ }).count()).toBe(6);
    await cards.context().close();
  });

  it('shows a running experiment with its results: forest plot, verdict, channels, CSV', async () => {
    const page = await signIn(p.tokens.productOwner);
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.getByRole('link', { name: 'Cardless withdrawal prompt' }).waitFor();
    await page.getByRole('button', { name: /^Running/ }).click();
    expect(await page.getByRole('link', { name: 'Cardless withdrawal prompt' }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'experiments.png') });
    await page.getByRole('link', { name: 'Mortgage calculator first' }).click();
    await page.getByRole('heading', { name: 'Mortgage calculator first' }).waitFor();
    expect(await page.getByText(EXPERIMENT.hypothesis).isVisible()).toBe(true);
    const verdict = page.getByRole('region', { name: 'Verdict' });
    await verdict.waitFor();
    expect(await verdict.locator('.verdict-headline').textContent()).toBe('Ship calculator');
    const forest = page.locator('canvas[aria-label^="Forest plot."]');
    await forest.waitFor();
    expect(await forest.getAttribute('aria-label')).toContain('Application completed, calculator: +');
    expect((await forest.boundingBox())?.height).toBeGreaterThan(100);
    // Cumulative lift comes from the real history endpoint: one point per day of the events.
    const history = page.locator('canvas[aria-label^="Cumulative lift of application_completed"]');
    await history.waitFor();
    expect(await history.getAttribute('aria-label')).toMatch(/: \d+ points, latest [+-]\d/);
    const breakdown = page.getByRole('region', { name: 'Per-channel breakdown' });
    expect(await breakdown.getByRole('row').count()).toBe(1 + EXPERIMENT.channels.length);
    await page.screenshot({ path: join(ARTIFACTS, 'experiment-results.png'), fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('mortgage-calculator-results.csv');
    const csvPath = join(ARTIFACTS, 'results.csv');
    await download.saveAs(csvPath);
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(csvPath, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^scope,metric,metric_name,role,variant,units/);
    expect(csv.some((line) => line.startsWith('branch,application_completed,'))).toBe(true);

    await page.getByRole('combobox', { name: 'Channel', exact: true }).selectOption('branch');
    await page
      .getByText(/units$/)
      .first()
      .waitFor();
    await verdict.waitFor();
    await page.context().close();
  });

  it('warns of a sample ratio mismatch, and draws the cumulative lift it is served', async () => {
    const page = await signIn(p.tokens.productOwner);
    // The chart draws exactly the points it is served: registered before any experiment page loads.
    const day = (n: number) => new Date(Date.UTC(2025, 2, 3 + n)).toISOString();
    const points = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
      at: day(n),
      metric: 'application_completed',
      variant: 'calculator',
      relative: { estimate: 0.5 + 0.02 * n, ciLower: 0.5 - 0.6 / n, ciUpper: 0.6 + 0.6 / n },
    }));
    await page.route('**/api/admin/experiments/mortgage-calculator/results/history*', (route) =>
      route.fulfill({ json: { points } }),
    );
    await page.goto(`${p.url}/#/experiments/atm-receipt-nudge`);
    const banner = page.getByRole('alert').filter({ hasText: 'Sample ratio mismatch' });
    await banner.waitFor();
    expect(await page.locator('.verdict-headline').textContent()).toBe('Do not trust these results');
    await page.screenshot({ path: join(ARTIFACTS, 'experiment-srm.png') });

    await page.goto(`${p.url}/#/experiments/mortgage-calculator`);
    await page.reload();
    const chart = page.locator('canvas[aria-label^="Cumulative lift of application_completed"]');
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toContain('7 points, latest +64.0%');
    await page.getByRole('heading', { name: 'Cumulative lift over time' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'experiment-history.png') });
    await page.context().close();
  });

  it('switches to Simplified Chinese, and stays readable on a tablet', async () => {
    const page = await signIn(p.tokens.admin, { width: 1024, height: 768 });
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '功能开关' }).waitFor();
    expect(await page.getByRole('link', { name: '实验' }).isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // The heading comes before the flags load: wait for the switch, then count it.
    const branchSwitch = page.getByRole('switch', { name: '将 loan-offer-banner 在 网点 渠道设为关' });
    await branchSwitch.first().waitFor();
    expect(await branchSwitch.count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'flags-zh-tablet.png'), fullPage: true });
    await page.goto(`${p.url}/#/experiments/${EXPERIMENT.key}`);
    await page.getByRole('region', { name: '结论' }).waitFor();
    expect(await page.locator('.verdict-headline').textContent()).toBe('发布 calculator');
    await page.locator('canvas[aria-label*="的累计提升"]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'experiment-zh-tablet.png'), fullPage: true });
    // The choice is remembered across visits.
    await page.reload();
    await page.getByRole('heading', { name: '假设' }).waitFor();
    await page.context().close();
  });
});
