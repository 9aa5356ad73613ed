/**
 * The console's whole job for every role, in Debian Chromium against the real local platform: a
 * squad member creates and targets a flag and asks for production, risk and audit approves, the
 * author applies, and a production client gets it; break-glass with a reason; kill-switch flags in
 * their own words; segments and metrics; a product owner drafts an experiment from the catalogue,
 * hands it to the squad, and reads its results; the audit trail verified; each action shown only
 * to who may take it. Screenshots of every new page, in English and Chinese, go to
 * test-artifacts/console-workflow/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/build';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { Experiment } from '../../shared/model/experiment';
import type { Flag } from '../../shared/model/flag';
import { seededRandom, simulateExperiment } from '../../shared/simulation/simulation';
import { launchChromium } from '../support/chromium';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const ARTIFACTS = join('test-artifacts', 'console-workflow');
const DAY = 86_400_000;

let p: TestPlatform;
let browser: Browser;
/** Uncaught errors in any page: a journey that passes with the console throwing is not a pass. */
const pageErrors: string[] = [];

const METRICS = [
  {
    key: 'transfer_completed',
    name: 'Transfer completed',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
];

async function ok(res: Response): Promise<Response> {
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${await res.text()}`);
  return res;
}

/** Events, retried while DynamoDB Local is busy (event ids make a retry safe). */
async function postEvents(events: unknown[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const batch = events.slice(i, i + 500);
    for (let attempt = 0; ; attempt++) {
      const res = await p.call('POST', '/api/events', { token: p.tokens.client, body: { events: batch } });
      if (res.ok) break;
      if (res.status !== 503 || attempt >= 10) await ok(res);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureConsoleBuilt();
  p = await startTestPlatform();
  const seed = async () => {
    for (const m of METRICS)
      await ok(await p.call('PUT', `/api/admin/metrics/${m.key}`, { token: p.tokens.admin, body: m }));
    // A kill-switch flag, on in development: the protection is on there.
    await ok(
      await p.call('POST', '/api/admin/flags', {
        token: p.tokens.admin,
        body: {
          name: 'block-overseas-transfers',
          squad: 'payments',
          type: 'kill-switch',
          description: 'Blocks transfers abroad while fraud is investigated',
          environments: {
            development: { enabled: true, channels: { mobile: true, web: true }, strategies: [] },
          },
        },
      }),
    );
  };
  [browser] = await Promise.all([launchChromium(), seed()]);
}, 120_000);

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await p?.close();
});

async function signIn(token: string, lang: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' });
  // A missing element fails with its locator, well before the test's own timeout.
  context.setDefaultTimeout(8000);
  await context.addInitScript((l) => localStorage.setItem('omnilab.language', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
  await page.goto(`${p.url}/`);
  await page.locator('input[name="token"]').fill(token);
  await page.locator('form button[type="submit"]').click();
  await page.locator('#flags-title').waitFor();
  return page;
}

async function feature(name: string, token: string) {
  const doc = (await (
    await p.call('GET', '/api/client/features', { token })
  ).json()) as ClientFeaturesDocument;
  return doc.features.find((f) => f.name === name);
}

async function requests(status?: string): Promise<ChangeRequest[]> {
  const q = status ? `?status=${status}` : '';
  const res = await p.call('GET', `/api/admin/change-requests${q}`, { token: p.tokens.admin });
  return ((await res.json()) as { changeRequests: ChangeRequest[] }).changeRequests;
}

const DEFINITION_FIELDS = [
  'key',
  'name',
  'hypothesis',
  'squad',
  'environment',
  'trafficPercent',
  'channels',
  'unit',
  'variants',
  'primaryMetric',
  'secondaryMetrics',
  'guardrails',
  'status',
  'analysis',
] as const;

/** The experiment as its PUT takes it: the stored bookkeeping left out. */
function definition(e: Experiment): Partial<Experiment> {
  return Object.fromEntries(DEFINITION_FIELDS.map((f) => [f, e[f]]));
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

describe('console workflow', () => {
  let requestId = '';

  it('a squad member creates a flag, targets it, and asks for production: a change request, marked pending', async () => {
    const page = await signIn(p.tokens.squadPayments);
    await page.getByRole('link', { name: 'New flag' }).click();
    await page.getByRole('heading', { name: 'New flag' }).waitFor();
    await page.getByLabel('Flag name').fill('instant-transfer');
    expect(await page.getByLabel('Squad').inputValue()).toBe('payments');
    await page.getByLabel('Tags (comma-separated)').fill('transfers, mobile');
    await page.getByLabel('Description').fill('Transfers that arrive in seconds');
    await page.screenshot({ path: join(ARTIFACTS, 'new-flag-en.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.getByRole('heading', { name: 'instant-transfer' }).waitFor();
    const stored = (await (
      await p.call('GET', '/api/admin/flags/instant-transfer', { token: p.tokens.admin })
    ).json()) as Flag;
    expect(stored).toMatchObject({ squad: 'payments', type: 'release', tags: ['transfers', 'mobile'] });

    // Targeting in production: 30% of customers. The flag is on no channel there, so customers
    // get nothing different and the save applies at once.
    await page.getByLabel('Environment').selectOption('production');
    await page.getByRole('heading', { name: 'State in production' }).waitFor();
    await page.locator('.rollout input[type="number"]').fill('30');
    await page.getByRole('button', { name: 'Save targeting' }).click();
    const save = page.getByRole('dialog', { name: 'Change production?' });
    await save.waitFor();
    expect(await save.textContent()).toContain('If it changes what customers of a protected environment get');
    await save.getByRole('button', { name: 'Save' }).click();
    await page.getByText('instant-transfer saved in production.').waitFor();

    // Mobile on in production: the dialog says a change request opens, not "customers see this at once".
    await page.getByRole('switch', { name: 'Turn instant-transfer on for Mobile', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Change production?' });
    await dialog.waitFor();
    const text = await dialog.textContent();
    expect(text).toContain('Turn instant-transfer on for Mobile in production?');
    expect(text).toContain('This opens a change request');
    expect(text).not.toContain('at once');
    await page.screenshot({ path: join(ARTIFACTS, 'confirm-request-en.png') });
    await dialog.getByRole('button', { name: 'Open change request' }).click();
    await page.getByText(/Change request \S+ was opened for instant-transfer/).waitFor();
    const open = (await requests('open')).filter((cr) => cr.target.id === 'instant-transfer');
    expect(open).toHaveLength(1);
    requestId = open[0].id;
    // Nothing changed for production customers yet; the toggle is off and marked pending.
    expect((await feature('instant-transfer', p.tokens.productionClient))?.enabled ?? false).toBe(false);
    expect(
      await page
        .getByRole('switch', { name: 'Turn instant-transfer on for Mobile', exact: true })
        .getAttribute('aria-checked'),
    ).toBe('false');
    await page
      .getByRole('link', { name: new RegExp(`^Change request ${requestId} would change this`) })
      .first()
      .waitFor();
    await page.getByText('Waiting change requests that would change this (1):').waitFor();
    // The squad may not approve its own request: no Approve button, but Withdraw.
    await page
      .getByRole('link', { name: new RegExp(`^Change request ${requestId}`) })
      .first()
      .click();
    await page.getByRole('button', { name: 'Withdraw' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.context().close();
  });

  it('risk and audit reads the exact change per environment and approves; the author applies; a production client gets it', async () => {
    const auditor = await signIn(p.tokens.auditor);
    expect(await auditor.getByRole('link', { name: 'New flag' }).count()).toBe(0);
    await auditor.getByRole('link', { name: /^Change requests/ }).click();
    await auditor.getByRole('heading', { name: 'Change requests' }).waitFor();
    await auditor
      .getByRole('link', { name: /instant-transfer/ })
      .first()
      .waitFor();
    await auditor.screenshot({ path: join(ARTIFACTS, 'change-requests-en.png'), fullPage: true });
    await go(auditor, `#/changes/${requestId}`);
    const diff = auditor.getByRole('region', { name: 'In production' });
    await diff.waitFor();
    const row = diff.getByRole('row').filter({ hasText: 'channel Mobile' });
    expect(await row.textContent()).toMatch(/channel Mobile.*off.*on/);
    expect(await auditor.getByText('In production: what instant-transfer serves changes.').isVisible()).toBe(
      true,
    );
    await auditor.screenshot({ path: join(ARTIFACTS, 'change-request-en.png'), fullPage: true });
    await auditor.getByRole('button', { name: 'Approve' }).click();
    await auditor.getByText(`Change request ${requestId} approved.`).waitFor();
    await auditor.locator('.badge-cr-approved').waitFor();
    await auditor.context().close();

    // Another squad's member may not approve or apply it, and is told why.
    const cards = await signIn(p.tokens.squadCards);
    await go(cards, `#/changes/${requestId}`);
    await cards.getByText('Nothing for you to decide here.').waitFor();
    expect(await cards.getByRole('button', { name: 'Apply now' }).count()).toBe(0);
    await cards.context().close();

    const author = await signIn(p.tokens.squadPayments);
    await go(author, `#/changes/${requestId}`);
    await author.getByRole('button', { name: 'Apply now' }).click();
    const confirm = author.getByRole('dialog', { name: 'Apply to production?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Apply now' }).click();
    await author.getByText(`Change request ${requestId} applied: customers get the change now.`).waitFor();
    await author.locator('.badge-cr-applied').waitFor();

    const served = await feature('instant-transfer', p.tokens.productionClient);
    expect(served?.enabled).toBe(true);
    expect(served?.strategies).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        parameters: expect.objectContaining({ rollout: '30' }),
        constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile'] }],
      }),
    ]);
    // The marker is gone and the switch is on.
    await go(author, '#/flags/instant-transfer');
    await author.getByLabel('Environment').selectOption('production');
    await author.getByRole('switch', { name: 'Turn instant-transfer off for Mobile', exact: true }).waitFor();
    expect(await author.locator('.pending-mark').count()).toBe(0);
    await author.context().close();
  });

  it('break-glass: a declared emergency applies at once with its reason and waits for review', async () => {
    const page = await signIn(p.tokens.squadPayments);
    await go(page, '#/flags/instant-transfer');
    await page.getByLabel('Environment').selectOption('production');
    await page.getByRole('switch', { name: 'Turn instant-transfer on for Web', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Change production?' });
    await dialog.getByLabel('This is an emergency: apply it now (break-glass)').check();
    const apply = dialog.getByRole('button', { name: 'Apply now as an emergency' });
    expect(await apply.isDisabled()).toBe(true);
    await dialog
      .getByLabel('Why it cannot wait')
      .fill('Payments outage on web: the new path is the workaround');
    await page.screenshot({ path: join(ARTIFACTS, 'break-glass-en.png') });
    await apply.click();
    await page.getByText('instant-transfer: applied at once as an emergency').waitFor();
    const served = await feature('instant-transfer', p.tokens.productionClient);
    expect(served?.strategies?.[0].constraints).toEqual([
      { contextName: 'channel', operator: 'IN', values: ['mobile', 'web'] },
    ]);
    await page.context().close();

    const emergency = (await requests('needs-review')).find((cr) => cr.kind === 'emergency');
    expect(emergency?.emergencyReason).toBe('Payments outage on web: the new path is the workaround');
    const auditor = await signIn(p.tokens.auditor);
    await go(auditor, `#/changes/${emergency?.id}`);
    await auditor.getByText('Payments outage on web: the new path is the workaround').waitFor();
    await auditor.getByRole('button', { name: 'Mark reviewed' }).click();
    await auditor.locator('.badge-cr-reviewed').waitFor();
    await auditor.context().close();
  });

  it('the author withdraws a request, and risk and audit rejects another with a reason: production is unchanged', async () => {
    const before = await feature('instant-transfer', p.tokens.productionClient);
    const page = await signIn(p.tokens.squadPayments);
    await go(page, '#/flags/instant-transfer');
    await page.getByLabel('Environment').selectOption('production');
    for (const channel of ['Branch', 'ATM']) {
      await page
        .getByRole('switch', { name: `Turn instant-transfer on for ${channel}`, exact: true })
        .click();
      await page
        .getByRole('dialog', { name: 'Change production?' })
        .getByRole('button', { name: 'Open change request' })
        .click();
      await page
        .getByText(/Change request \S+ was opened for instant-transfer/)
        .first()
        .waitFor();
    }
    await expect.poll(() => page.locator('.pending-mark').count()).toBe(2);
    const [atm, branch] = (await requests('open')).filter((cr) => cr.target.id === 'instant-transfer');
    await go(page, `#/changes/${branch.id}`);
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page.locator('.badge-cr-cancelled').waitFor();
    await page.context().close();

    const auditor = await signIn(p.tokens.auditor);
    await go(auditor, `#/changes/${atm.id}`);
    await auditor.getByLabel('Reason (optional)').fill('ATM network freeze this week');
    await auditor.getByRole('button', { name: 'Reject' }).click();
    await auditor.locator('.badge-cr-rejected').waitFor();
    await auditor.getByText('risk-li — ATM network freeze this week').waitFor();
    await auditor.context().close();

    const after = (await requests()).filter((cr) => cr.id === atm.id || cr.id === branch.id);
    expect(Object.fromEntries(after.map((cr) => [cr.id, cr.status]))).toEqual({
      [atm.id]: 'rejected',
      [branch.id]: 'cancelled',
    });
    expect(await feature('instant-transfer', p.tokens.productionClient)).toEqual(before);
  });

  it('a kill-switch flag reads "protection on / off", and its dialogs name the environment they act on', async () => {
    const page = await signIn(p.tokens.squadPayments);
    await page.getByLabel('Environment').selectOption('development');
    const row = page.getByRole('row').filter({ hasText: 'block-overseas-transfers' });
    await row.getByText('Protection on').waitFor();
    expect(await row.getByText('Killed').count()).toBe(0);
    expect(await row.getByRole('button', { name: /^Kill / }).count()).toBe(0);
    expect(await row.evaluate((el) => el.classList.contains('row-killed'))).toBe(false);
    await row
      .getByRole('button', { name: 'Turn protection block-overseas-transfers off in development' })
      .click();
    const dialog = page.getByRole('dialog', {
      name: 'development: turn protection block-overseas-transfers off?',
    });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      'This applies at once: customers in development see it now.',
    );
    expect(await page.getByRole('dialog', { name: /production/ }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Turn protection off' }).click();
    await page.getByText('Protection block-overseas-transfers is off in development.').waitFor();
    await row.getByText('Protection off').waitFor();
    expect(await row.getByText('Restore').count()).toBe(0);
    expect((await feature('block-overseas-transfers', p.tokens.client))?.enabled).toBe(false);
    await page.context().close();
  });

  it('archives a flag: SDKs no longer get it; it is listed under archived flags and comes back', async () => {
    const page = await signIn(p.tokens.squadPayments);
    await go(page, '#/flags/block-overseas-transfers');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Archive' }).click();
    const dialog = page.getByRole('dialog', { name: 'Archive block-overseas-transfers?' });
    await dialog.getByRole('button', { name: 'Archive' }).click();
    await page.getByText('This flag is archived: SDKs no longer get it.').waitFor();
    expect(await feature('block-overseas-transfers', p.tokens.client)).toBeUndefined();
    await go(page, '#/flags');
    await page.locator('#flags-title').waitFor();
    expect(await page.getByRole('link', { name: 'Details of block-overseas-transfers' }).count()).toBe(0);
    await page.getByLabel('Archived flags only').check();
    await page.getByRole('link', { name: 'Details of block-overseas-transfers' }).click();
    await page.getByRole('button', { name: 'Bring back from the archive' }).click();
    await page.getByText('block-overseas-transfers saved.').waitFor();
    expect(await page.getByText('This flag is archived').count()).toBe(0);
    expect(await feature('block-overseas-transfers', p.tokens.client)).toBeDefined();
    await page.context().close();
  });

  it('a squad member defines a segment and a metric; others read them', async () => {
    const page = await signIn(p.tokens.squadPayments);
    await page.getByRole('link', { name: 'Segments', exact: true }).click();
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Segment name').fill('Wealth customers in Shanghai');
    await page.getByLabel('Context field').fill('city');
    await page.getByLabel('Values (comma-separated)').fill('shanghai');
    await page.getByRole('button', { name: 'Add constraint' }).click();
    await page.getByText('city IN shanghai').waitFor();
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('heading', { name: 'Wealth customers in Shanghai' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'segment-en.png'), fullPage: true });
    const { segments } = (await (
      await p.call('GET', '/api/admin/segments', { token: p.tokens.admin })
    ).json()) as {
      segments: { name: string; squad?: string; constraints: unknown[] }[];
    };
    expect(segments.find((s) => s.name === 'Wealth customers in Shanghai')).toMatchObject({
      squad: 'payments',
      constraints: [{ contextName: 'city', operator: 'IN', values: ['shanghai'] }],
    });

    await page.getByRole('link', { name: 'Metrics', exact: true }).click();
    await page.getByRole('link', { name: 'Define a metric' }).click();
    await page.getByLabel('Key').fill('transfer_seconds');
    await page.getByLabel('Name').fill('Seconds to complete a transfer');
    await page.getByLabel('Kind').selectOption('mean');
    await page.getByLabel('Better when').selectOption('lower-is-better');
    await page.getByLabel('Unit').fill('seconds');
    await page.getByLabel('Smallest value of one event').fill('0');
    await page.getByRole('button', { name: 'Define metric' }).click();
    await page.getByRole('heading', { name: 'Seconds to complete a transfer' }).waitFor();
    const { metrics } = (await (
      await p.call('GET', '/api/admin/metrics', { token: p.tokens.admin })
    ).json()) as {
      metrics: { key: string; squad?: string; min?: number; kind: string }[];
    };
    expect(metrics.find((m) => m.key === 'transfer_seconds')).toMatchObject({
      squad: 'payments',
      min: 0,
      kind: 'mean',
    });
    await page.context().close();

    const po = await signIn(p.tokens.productOwner);
    await po.getByRole('link', { name: 'Segments', exact: true }).click();
    await po.getByRole('link', { name: 'Wealth customers in Shanghai' }).click();
    await po.getByText('Read only: your token may not change this.').waitFor();
    expect(await po.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await po.getByRole('link', { name: 'Metrics', exact: true }).click();
    await po.getByRole('link', { name: 'transfer_seconds' }).waitFor();
    expect(await po.getByRole('link', { name: 'Define a metric' }).count()).toBe(0);
    await po.context().close();
  });

  it('a product owner drafts an experiment from the catalogue, the squad creates it from the link, and the owner reads its results', async () => {
    const po = await signIn(p.tokens.productOwner);
    await po.getByRole('link', { name: 'Experiments', exact: true }).click();
    await po.getByRole('link', { name: 'Draft an experiment' }).click();
    await po.getByText('Your role reads and drafts').waitFor();
    await po.getByLabel('Key').fill('instant-transfer-banner');
    await po.getByLabel('Experiment', { exact: true }).fill('Instant transfer banner');
    await po
      .getByLabel('Hypothesis')
      .fill('Telling customers transfers arrive in seconds raises completed transfers.');
    await po.getByLabel('Squad').fill('payments');
    await po.getByLabel('Environment').selectOption('development');
    await po.getByLabel('Primary metric (from the catalogue)').selectOption('transfer_completed');
    await po.getByRole('button', { name: 'Add guardrail' }).click();
    await po
      .locator('.experiment-form fieldset')
      .filter({ hasText: 'Guardrails' })
      .getByLabel('Metric')
      .selectOption('complaint');
    await po.getByLabel('Status').selectOption('running');
    // Planning figures from the platform's power formulas.
    await po.getByText(/customers per variant to detect a \+10\.0% lift with the sequential test/).waitFor();
    // And the platform's own figure, from GET /api/admin/metrics/{key}/power.
    await po
      .getByText(/^The platform: in 28 days \(.* customers per variant\) the sequential test/)
      .waitFor();
    await po.screenshot({ path: join(ARTIFACTS, 'experiment-new-en.png'), fullPage: true });
    await po.getByRole('button', { name: 'Prepare the hand-off' }).click();
    const link = await po.getByLabel('Link to the filled-in form').inputValue();
    expect(link).toContain('#/new-experiment?draft=');
    expect(JSON.parse(await po.getByLabel(/Definition as code/).inputValue())).toMatchObject({
      key: 'instant-transfer-banner',
      primaryMetric: 'transfer_completed',
      guardrails: [{ metric: 'complaint', tolerance: 0.05 }],
    });
    // Nothing was written by the product owner.
    expect(
      (await p.call('GET', '/api/admin/experiments/instant-transfer-banner', { token: p.tokens.admin }))
        .status,
    ).toBe(404);

    const squad = await signIn(p.tokens.squadPayments);
    await squad.goto(link);
    await squad.getByRole('heading', { name: 'New experiment' }).waitFor();
    expect(await squad.getByLabel('Key').inputValue()).toBe('instant-transfer-banner');
    await squad.getByRole('button', { name: 'Create experiment' }).click();
    await squad.getByRole('heading', { name: 'Instant transfer banner' }).waitFor();
    await squad.getByRole('link', { name: 'Change this experiment' }).waitFor();
    const stored = (await (
      await p.call('GET', '/api/admin/experiments/instant-transfer-banner', { token: p.tokens.admin })
    ).json()) as Experiment & { version: number };
    expect(stored).toMatchObject({
      squad: 'payments',
      status: 'running',
      primaryMetric: 'transfer_completed',
    });
    // The squad changes it: half the traffic.
    await squad.getByRole('link', { name: 'Change this experiment' }).click();
    await squad.getByRole('heading', { name: 'Change experiment instant-transfer-banner' }).waitFor();
    expect(await squad.getByLabel('Key').isDisabled()).toBe(true);
    await squad.getByLabel('Traffic (% of eligible customers)').fill('50');
    await squad.getByRole('button', { name: 'Save' }).click();
    await squad.getByRole('heading', { name: 'Instant transfer banner' }).waitFor();
    const changed = (await (
      await p.call('GET', '/api/admin/experiments/instant-transfer-banner', { token: p.tokens.admin })
    ).json()) as Experiment & { version: number };
    expect(changed).toMatchObject({ trafficPercent: 50, version: stored.version + 1 });
    await squad.context().close();

    // Simulated customers over the last two days: the start moved back before them, as ingestion
    // refuses exposures from before the start.
    const startedAt = new Date(Date.now() - 3 * DAY).toISOString();
    const moved = (await (
      await ok(
        await p.call('PUT', '/api/admin/experiments/instant-transfer-banner', {
          token: p.tokens.admin,
          body: { ...definition(changed), startedAt, version: changed.version },
        }),
      )
    ).json()) as Experiment;
    const { events } = simulateExperiment(
      {
        experiment: moved,
        units: 400,
        metrics: {
          transfer_completed: { kind: 'conversion', rate: 0.3 },
          complaint: { kind: 'count', rate: 0.02 },
        },
        effects: [{ variant: 'treatment', metric: 'transfer_completed', relativeLift: 0.4 }],
        start: Date.now() - 2 * DAY,
        days: 1,
        idPrefix: 'workflow-',
      },
      seededRandom(11),
    );
    await postEvents(events);
    await go(po, '#/experiments/instant-transfer-banner');
    await po.getByRole('region', { name: 'Verdict' }).waitFor();
    expect(await po.getByRole('link', { name: 'Change this experiment' }).count()).toBe(0);
    await po.context().close();
  });

  it('a platform admin creates a flag for another squad; that squad changes it, others only read it', async () => {
    const admin = await signIn(p.tokens.admin);
    expect(await admin.getByRole('link', { name: 'Audit trail' }).count()).toBe(1);
    await admin.getByRole('link', { name: 'New flag' }).click();
    await admin.getByLabel('Flag name').fill('card-freeze-self-service');
    await admin.getByLabel('Squad').fill('cards');
    await admin.getByLabel('Type').selectOption('permission');
    await admin.getByRole('button', { name: 'Create flag' }).click();
    await admin.getByRole('heading', { name: 'card-freeze-self-service' }).waitFor();
    await admin.getByRole('heading', { name: 'Settings' }).waitFor();
    await admin.context().close();

    const cards = await signIn(p.tokens.squadCards);
    await cards
      .getByRole('switch', { name: 'Turn card-freeze-self-service on for Mobile', exact: true })
      .waitFor();
    await cards.context().close();
    const payments = await signIn(p.tokens.squadPayments);
    await payments.getByRole('link', { name: 'Details of card-freeze-self-service' }).waitFor();
    expect(await payments.getByRole('switch', { name: /card-freeze-self-service/ }).count()).toBe(0);
    await go(payments, '#/flags/card-freeze-self-service');
    await payments.getByText('Read only: your token may not change this.').waitFor();
    expect(await payments.getByRole('heading', { name: 'Settings' }).count()).toBe(0);
    await payments.context().close();
  });

  it('the audit trail: verified on the server, with each entry’s status, for who may read it', async () => {
    const auditor = await signIn(p.tokens.auditor);
    await auditor.getByRole('link', { name: 'Audit trail' }).click();
    await auditor.getByText(/^Verified: \d+ entries/).waitFor();
    await auditor.getByRole('cell', { name: 'emergency: Payments outage on web' }).first().waitFor();
    expect(await auditor.locator('.verified-bad').count()).toBe(0);
    expect(await auditor.locator('.verified-ok').count()).toBeGreaterThan(5);
    await auditor.screenshot({ path: join(ARTIFACTS, 'audit-en.png'), fullPage: true });
    await auditor.context().close();
    const squad = await signIn(p.tokens.squadCards);
    expect(await squad.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);
    await squad.context().close();
  });

  it('every new page in Simplified Chinese', async () => {
    const page = await signIn(p.tokens.auditor, 'zh-CN');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const shots: [string, string, string][] = [
      ['#/changes', '变更请求', 'change-requests-zh.png'],
      [`#/changes/${requestId}`, '确切变更（按环境）', 'change-request-zh.png'],
      ['#/segments', '客群', 'segments-zh.png'],
      ['#/metrics', '指标', 'metrics-zh.png'],
      ['#/metrics/transfer_seconds', 'Seconds to complete a transfer', 'metric-zh.png'],
      ['#/audit', '审计记录', 'audit-zh.png'],
    ];
    for (const [hash, heading, file] of shots) {
      await go(page, hash);
      await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
    }
    await page.getByText(/^校验通过：\d+ 条记录/).waitFor();
    await page.context().close();

    const squad = await signIn(p.tokens.squadPayments, 'zh-CN');
    for (const [hash, heading, file] of [
      ['#/new-flag', '新建开关', 'new-flag-zh.png'],
      ['#/new-experiment', '新建实验', 'experiment-new-zh.png'],
      ['#/segments/new', '新建客群', 'segment-zh.png'],
    ] as const) {
      await go(squad, hash);
      await squad.getByRole('heading', { name: heading, exact: true }).waitFor();
      await squad.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
    }
    await go(squad, '#/flags');
    await squad.getByLabel('环境').selectOption('development');
    await squad
      .getByRole('row')
      .filter({ hasText: 'block-overseas-transfers' })
      .getByText('保护已关闭')
      .waitFor();
    await squad.screenshot({ path: join(ARTIFACTS, 'flags-protection-zh.png'), fullPage: true });
    await squad.context().close();
  });
});
