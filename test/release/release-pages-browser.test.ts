/**
 * The release console pages as a person reads them, in Debian Chromium against the local
 * platform: a plan's per-channel timeline after the scheduler served its first milestone, the
 * cleanup report (a completed flag and an unused one) and the lifecycle page, in English and in
 * Chinese. Everything on screen comes from the real API.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../../console/build';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import { createLogNotifier } from '../../functions/services/notifier';
import { launchChromium } from '../support/chromium';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

const ARTIFACTS = join('test-artifacts', 'console');
const DAY = 86_400_000;
let p: TestPlatform;
let browser: Browser;

async function ok(res: Response): Promise<Record<string, unknown>> {
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${await res.text()}`);
  return bodyOf<Record<string, unknown>>(res);
}

const post = (path: string, body: unknown) => p.call('POST', path, { token: p.tokens.admin, body });

/** Writes a flag as the store holds it (test setup: an old flag, a completed one). */
async function rewrite(name: string, change: Record<string, unknown>) {
  const flag = await p.runtime.flags.get(name);
  if (!flag) throw new Error(`no flag ${name}`);
  await p.runtime.flags.write(
    [{ flag: { ...flag, ...change, version: flag.version + 1 }, expectedVersion: flag.version }],
    [],
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const seed = async () => {
    for (const name of ['timeline-flag', 'done-flag', 'old-flag'])
      await ok(await post('/api/admin/flags', { name, squad: 'payments' }));
    await ok(
      await post('/api/admin/release-templates', {
        id: 'mobile-then-all',
        name: 'mobile then all',
        milestones: [
          { name: 'mobile 10%', channels: { mobile: 10 }, minHoldMinutes: 60 },
          { name: 'everyone', channels: { mobile: 100, web: 100 }, minHoldMinutes: 0 },
        ],
        safeguards: [],
      }),
    );
    const flag = await ok(await p.call('GET', '/api/admin/flags/timeline-flag', { token: p.tokens.admin }));
    const plan = await ok(
      await p.call('PUT', '/api/admin/flags/timeline-flag/environments/development/release-plan', {
        token: p.tokens.admin,
        body: { template: 'mobile-then-all', version: flag.version },
      }),
    );
    expect(plan.status).toBe('active');
    await createGuardrailCheckHandler(
      p.runtime,
      createLogNotifier(() => {}),
    )();
    await rewrite('done-flag', {
      lifecycleStage: { stage: 'completed', since: '2026-11-20T00:00:00.000Z', by: 'li' },
    });
    await rewrite('old-flag', { createdAt: new Date(Date.now() - 60 * DAY).toISOString() });
  };
  p = await startTestPlatform();
  [browser] = await Promise.all([launchChromium(), ensureConsoleBuilt().then(seed)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

async function signedIn(locale: 'en' | 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.addInitScript((lang) => localStorage.setItem('omnilab.language', lang), locale);
  const page = await context.newPage();
  await page.goto(`${p.url}/`);
  await page.locator('input[type="password"], input').first().fill(p.tokens.admin);
  await page.locator('button[type="submit"], form button').first().click();
  await page.locator('nav a').first().waitFor();
  return page;
}

/** The timeline's rows as text: channel, then each milestone's cell. */
async function timelineRows(page: Page): Promise<string[][]> {
  await page.goto(`${p.url}/#/release-plans/timeline-flag/development`);
  const table = page.locator('table.data').first();
  await table.locator('td[aria-current="step"]').first().waitFor();
  return table
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.children).map((c) => (c.textContent ?? '').trim())));
}

async function cleanupRows(page: Page): Promise<Record<string, string>> {
  await page.goto(`${p.url}/#/release-cleanup`);
  await page.locator('#cleanup-table').waitFor();
  const rows = await page
    .locator('#cleanup-table tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-flag') ?? '',
        tr.querySelector('.cleanup-reason')?.textContent ?? '',
      ]),
    );
  return Object.fromEntries(rows);
}

describe('the release console pages', () => {
  it('read in English: the plan timeline, the cleanup report and the lifecycle page', async () => {
    const page = await signedIn('en');
    const rows = await timelineRows(page);
    const mobile = rows.find((r) => r[0] === 'Mobile app' || r[0].toLowerCase().includes('mobile'));
    expect(mobile?.slice(1)).toEqual(['10%', '100%']);
    expect(await page.getByRole('heading', { name: 'Timeline per channel' }).count()).toBe(1);
    expect(await page.locator('td[aria-current="step"]').first().textContent()).toBe('10%');
    await page.screenshot({ path: join(ARTIFACTS, 'release-plan-en.png'), fullPage: true });

    const cleanup = await cleanupRows(page);
    expect(cleanup['done-flag']).toBe('fully rolled out');
    expect(cleanup['old-flag']).toBe('unused');
    expect(cleanup['timeline-flag']).toBeUndefined();
    expect(await page.locator('#cleanup-count').textContent()).toBe(
      `${Object.keys(cleanup).length} flags to clean up`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'release-cleanup-en.png'), fullPage: true });

    await page.goto(`${p.url}/#/release-lifecycle`);
    const done = page.locator('#lifecycle-table tr[data-flag="done-flag"] .lifecycle-stage');
    await done.waitFor();
    expect(await done.textContent()).toBe('completed (set by li)');
    const old = page.locator('#lifecycle-table tr[data-flag="old-flag"]');
    expect(await old.textContent()).toContain('potentially stale');
    await page.getByLabel('Show').selectOption('potentially-stale');
    await page.locator('#lifecycle-table tr[data-flag="timeline-flag"]').waitFor({ state: 'detached' });
    expect(
      await page
        .locator('#lifecycle-table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-flag'))),
    ).toEqual(['old-flag']);
    // Setting a stage from the page: the flag is in production, so a change request holds it.
    await page.getByLabel('Show').selectOption('');
    await page.getByLabel('Set the stage of timeline-flag').selectOption('completed');
    await expect
      .poll(async () => {
        const res = await p.call('GET', '/api/admin/change-requests', { token: p.tokens.admin });
        const body = await bodyOf<{ changeRequests: { title: string }[] }>(res);
        return body.changeRequests.map((c) => c.title);
      })
      .toContain('set the lifecycle stage of flag timeline-flag to completed');
    await page.context().close();
  });

  it('read in Chinese', async () => {
    const page = await signedIn('zh-CN');
    const rows = await timelineRows(page);
    expect(rows.some((r) => r.slice(1).join() === '10%,100%')).toBe(true);
    expect(await page.getByRole('heading', { name: '各渠道时间线' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'release-plan-zh.png'), fullPage: true });
    const cleanup = await cleanupRows(page);
    expect(cleanup['done-flag']).toBe('已全量发布');
    expect(cleanup['old-flag']).toBe('未使用');
    expect(await page.locator('#cleanup-count').textContent()).toBe(
      `${Object.keys(cleanup).length} 个开关待清理`,
    );
    await page.goto(`${p.url}/#/release-lifecycle`);
    const done = page.locator('#lifecycle-table tr[data-flag="done-flag"] .lifecycle-stage');
    await done.waitFor();
    expect(await done.textContent()).toBe('已完成 (由 li 设定)');
    await page.screenshot({ path: join(ARTIFACTS, 'release-cleanup-zh.png'), fullPage: true });
    await page.context().close();
  });
});
