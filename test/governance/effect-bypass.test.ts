/**
 * Four eyes by effect, tried as an attacker would, through the HTTP API: each bypass class of
 * issue 13 (edit a request after it was approved for development, a plan that outlives its
 * environment, a development import or a shared edit that rewrites what production serves, a kill
 * switch that turns a dependent on) and break-glass. Every test checks what a production Unleash
 * client, OFREP caller or the store gets, not only the status.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import { createHttpHandler } from '../../functions/http/http-handler';
import { ADMIN_FLAGS_ROUTES } from '../../functions/routes/admin-flags-routes';
import type { Runtime } from '../../functions/runtime/composition-root';
import { httpDeps } from '../../functions/services/admin-support';
import { createLogNotifier } from '../../functions/services/notifier';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { AuditEntry } from '../../shared/model/audit';
import type { ClientFeaturesDocument, Feature } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import { approveAndApply, experimentBody, heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
/** A frontend token for production, minted as any squad would (no protected effect: applies at once). */
let productionFrontend = '';
const quiet = createLogNotifier(() => undefined);

function at(runtime: Runtime, iso: string): Runtime {
  return { ...runtime, now: () => new Date(iso) };
}

const runScheduler = (iso: string) => createGuardrailCheckHandler(at(p.runtime, iso), quiet)();

async function productionDocument(): Promise<ClientFeaturesDocument> {
  const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  expect(res.status).toBe(200);
  return bodyOf<ClientFeaturesDocument>(res);
}

async function served(name: string): Promise<Feature | undefined> {
  return (await productionDocument()).features.find((f) => f.name === name);
}

async function ofrep(name: string, context: Record<string, string>) {
  const res = await p.call('POST', `/ofrep/v1/evaluate/flags/${name}`, {
    token: p.tokens.productionClient,
    body: { context },
  });
  return bodyOf<{ value: unknown; variant?: string }>(res);
}

async function flag(name: string): Promise<Flag> {
  return bodyOf<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
}

async function read(id: string): Promise<ChangeRequest> {
  return bodyOf<ChangeRequest>(
    await p.call('GET', `/api/admin/change-requests/${id}`, { token: p.tokens.admin }),
  );
}

/** A payments flag, live for mobile and web in production (approved by a second admin). */
async function liveInProduction(name: string, extra: Record<string, unknown> = {}): Promise<Flag> {
  const created = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.squadPayments,
    body: { name, squad: 'payments', ...extra },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const f = await bodyOf<Flag>(created);
  const on = await p.call('PUT', `/api/admin/flags/${name}/environments/production`, {
    token: p.tokens.squadPayments,
    body: { version: f.version, channels: { mobile: true, web: true } },
  });
  await approveAndApply(p, (await heldRequest(on)).id);
  expect((await served(name))?.enabled).toBe(true);
  return flag(name);
}

beforeAll(async () => {
  p = await startTestPlatform();
  const metric = await p.call('PUT', '/api/admin/metrics/signups', {
    token: p.tokens.admin,
    body: { key: 'signups', name: 'Signups', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  });
  expect(metric.status).toBe(201);
  const minted = await p.call('POST', '/api/admin/tokens', {
    token: p.tokens.admin,
    body: { name: 'prod-web', kind: 'frontend', environment: 'production' },
  });
  expect(minted.status).toBe(201);
  productionFrontend = (await bodyOf<{ secret: string }>(minted)).secret;
});

async function frontendToggles(query: string): Promise<string[]> {
  const res = await p.call('GET', `/api/frontend?${query}`, { token: productionFrontend });
  expect(res.status).toBe(200);
  return (await bodyOf<{ toggles: { name: string }[] }>(res)).toggles.map((t) => t.name);
}
afterAll(() => p.close());

describe('a request approved for development cannot become a production change', () => {
  it('an edit that moves a scheduled development experiment to production needs approval again; the scheduler does not apply it', async () => {
    const scheduled = await heldRequest(
      await p.call('PUT', '/api/admin/experiments/edit-attack', {
        token: p.tokens.squadPayments,
        headers: { 'omnilab-apply-at': '2099-03-01T09:00:00Z' },
        body: experimentBody('edit-attack', 'development', 100),
      }),
    );
    expect(scheduled).toMatchObject({ status: 'approved', requiredApprovals: 0 });
    const edited = await p.call('PUT', `/api/admin/change-requests/${scheduled.id}`, {
      token: p.tokens.squadPayments,
      body: { version: scheduled.version, body: experimentBody('edit-attack', 'production', 100) },
    });
    expect(edited.status).toBe(200);
    const afterEdit = await bodyOf<ChangeRequest>(edited);
    expect(afterEdit).toMatchObject({ status: 'open', requiredApprovals: 1, revision: 2 });
    expect(afterEdit.digest).not.toBe(scheduled.digest);
    expect(Object.keys(afterEdit.effect?.served.production ?? {})).toContain('edit-attack');

    const run = await runScheduler('2099-03-01T09:01:00Z');
    expect(run.applied).not.toContain(scheduled.id);
    expect(await served('edit-attack')).toBeUndefined();
    expect(
      (await p.call('GET', '/api/admin/experiments/edit-attack', { token: p.tokens.admin })).status,
    ).toBe(404);

    // Approved by a second person, the exact edited change applies at its time.
    const approved = await p.call('POST', `/api/admin/change-requests/${scheduled.id}/approve`, {
      token: p.tokens.secondAdmin,
      body: { version: afterEdit.version },
    });
    expect((await bodyOf<ChangeRequest>(approved)).approvals[0]).toMatchObject({
      by: 'admin-wang',
      revision: 2,
      digest: afterEdit.digest,
    });
    expect((await runScheduler('2099-03-01T09:02:00Z')).applied).toContain(scheduled.id);
    expect((await served('edit-attack'))?.enabled).toBe(true);
  });

  it('a scheduled segment edit that production started to use meanwhile is reopened at apply time, not applied', async () => {
    const segment = await bodyOf<{ id: number; version: number }>(
      await p.call('POST', '/api/admin/segments', {
        token: p.tokens.squadPayments,
        body: { name: 'salaried', constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] },
      }),
    );
    const scheduled = await heldRequest(
      await p.call('PUT', `/api/admin/segments/${segment.id}`, {
        token: p.tokens.squadPayments,
        headers: { 'omnilab-apply-at': '2099-04-01T09:00:00Z' },
        body: { version: segment.version, constraints: [] },
      }),
    );
    expect(scheduled).toMatchObject({ status: 'approved', requiredApprovals: 0 });
    // Meanwhile a flag live in production starts to target the segment (approved).
    const f = await liveInProduction('salary-perk');
    const target = await p.call('PUT', '/api/admin/flags/salary-perk/environments/production', {
      token: p.tokens.squadPayments,
      body: {
        version: f.version,
        strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [segment.id] }],
      },
    });
    await approveAndApply(p, (await heldRequest(target)).id);
    const gold = { targetingKey: 'c-1', channel: 'mobile', tier: 'gold' };
    const plain = { targetingKey: 'c-1', channel: 'mobile', tier: 'basic' };
    expect((await ofrep('salary-perk', gold)).value).toBe(true);
    expect((await ofrep('salary-perk', plain)).value).toBe(false);

    const run = await runScheduler('2099-04-01T09:01:00Z');
    expect(run.reopened).toContain(scheduled.id);
    const reopened = await read(scheduled.id);
    expect(reopened).toMatchObject({ status: 'open', requiredApprovals: 1, revision: 2 });
    expect(reopened.effect?.served.production).toMatchObject({ 'salary-perk': 'changed' });
    // The segment still narrows production: a basic customer still does not get the perk.
    expect((await ofrep('salary-perk', plain)).value).toBe(false);
    const stored = await bodyOf<{ constraints: unknown[] }>(
      await p.call('GET', `/api/admin/segments/${segment.id}`, { token: p.tokens.admin }),
    );
    expect(stored.constraints).toHaveLength(1);
  });
});

describe('a rollout plan does nothing in production without an approval for production', () => {
  it('a plan opened while the experiment ran in development does not step it once it moved to production', async () => {
    const created = await p.call('PUT', '/api/admin/experiments/plan-attack', {
      token: p.tokens.squadPayments,
      body: experimentBody('plan-attack', 'development', 5),
    });
    expect(created.status).toBe(201);
    const plan = await heldRequest(
      await p.call('POST', '/api/admin/experiments/plan-attack/rollout-plan', {
        token: p.tokens.squadPayments,
        body: { steps: [{ percent: 100, at: '2099-05-01T09:00:00Z' }] },
      }),
    );
    expect(plan).toMatchObject({ kind: 'rollout-plan', status: 'approved', requiredApprovals: 0 });
    const dev = await bodyOf<{ version: number }>(
      await p.call('GET', '/api/admin/experiments/plan-attack', { token: p.tokens.admin }),
    );
    const move = await p.call('PUT', '/api/admin/experiments/plan-attack', {
      token: p.tokens.squadPayments,
      body: { ...experimentBody('plan-attack', 'production', 5), version: dev.version },
    });
    await approveAndApply(p, (await heldRequest(move)).id);
    const rollout = async () =>
      ((await served('plan-attack'))?.strategies?.[0]?.parameters as { rollout?: string } | undefined)
        ?.rollout;
    expect(await rollout()).toBe('5');

    const run = await runScheduler('2099-05-01T09:00:30Z');
    expect(run.rolloutSteps).toEqual([]);
    expect(run.reopened).toContain(plan.id);
    expect(await rollout()).toBe('5');
    const stored = await bodyOf<{ trafficPercent: number }>(
      await p.call('GET', '/api/admin/experiments/plan-attack', { token: p.tokens.admin }),
    );
    expect(stored.trafficPercent).toBe(5);
    expect(await read(plan.id)).toMatchObject({ status: 'open', requiredApprovals: 1 });
    const notes = await bodyOf<{ notifications: { kind: string; subject: string }[] }>(
      await p.call('GET', '/api/admin/notifications', { token: p.tokens.admin }),
    );
    expect(notes.notifications).toContainEqual(
      expect.objectContaining({ kind: 'approval-needed-again', subject: 'plan-attack' }),
    );

    // Approved for production by a second person, the step applies.
    await p.call('POST', `/api/admin/change-requests/${plan.id}/approve`, {
      token: p.tokens.secondAdmin,
      body: { version: (await read(plan.id)).version },
    });
    expect((await runScheduler('2099-05-01T09:01:30Z')).rolloutSteps).toHaveLength(1);
    expect(await rollout()).toBe('100');
  });
});

describe('a development import or a shared edit cannot rewrite what production serves', () => {
  it('an import into development that rewrites a production flag’s variant payload is held', async () => {
    await liveInProduction('offer-banner', {
      variants: [
        { name: 'spring', weight: 1000, stickiness: 'default', payload: { type: 'string', value: '3.5%' } },
      ],
    });
    const before = await ofrep('offer-banner', { targetingKey: 'c-9', channel: 'web' });
    expect(before).toMatchObject({ variant: 'spring', value: '3.5%' });
    const res = await p.call('POST', '/api/admin/environments/development/import', {
      token: p.tokens.admin,
      body: {
        version: 2,
        features: [
          {
            name: 'offer-banner',
            enabled: true,
            strategies: [],
            variants: [
              {
                name: 'spring',
                weight: 1000,
                stickiness: 'default',
                payload: { type: 'string', value: '0.1%' },
              },
            ],
          },
        ],
      },
    });
    const cr = await heldRequest(res);
    expect(cr.effect?.served.production).toMatchObject({ 'offer-banner': 'changed' });
    expect(await ofrep('offer-banner', { targetingKey: 'c-9', channel: 'web' })).toMatchObject({
      value: '3.5%',
    });
    expect((await flag('offer-banner')).variants[0].payload?.value).toBe('3.5%');
    expect((await served('offer-banner'))?.variants?.[0].payload?.value).toBe('3.5%');
  });

  it('an import into development that rewrites a segment production targets is held', async () => {
    const segment = await bodyOf<{ id: number }>(
      await p.call('POST', '/api/admin/segments', {
        token: p.tokens.admin,
        body: {
          name: 'vip',
          squad: 'payments',
          constraints: [{ contextName: 'tier', operator: 'IN', values: ['vip'] }],
        },
      }),
    );
    const f = await liveInProduction('vip-lounge');
    const target = await p.call('PUT', '/api/admin/flags/vip-lounge/environments/production', {
      token: p.tokens.squadPayments,
      body: {
        version: f.version,
        strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [segment.id] }],
      },
    });
    await approveAndApply(p, (await heldRequest(target)).id);
    const anyone = { targetingKey: 'c-2', channel: 'mobile', tier: 'basic' };
    expect((await ofrep('vip-lounge', anyone)).value).toBe(false);
    const res = await p.call('POST', '/api/admin/environments/development/import', {
      token: p.tokens.admin,
      body: { version: 2, features: [], segments: [{ id: segment.id, name: 'vip', constraints: [] }] },
    });
    await heldRequest(res);
    expect((await ofrep('vip-lounge', anyone)).value).toBe(false);
    const stored = await bodyOf<{ constraints: unknown[] }>(
      await p.call('GET', `/api/admin/segments/${segment.id}`, { token: p.tokens.admin }),
    );
    expect(stored.constraints).toHaveLength(1);
  });

  it('a description change of a production flag applies at once: customers get nothing different', async () => {
    const f = await flag('offer-banner');
    const res = await p.call('PUT', '/api/admin/flags/offer-banner', {
      token: p.tokens.squadPayments,
      body: { version: f.version, description: 'spring rates' },
    });
    expect(res.status).toBe(200);
    expect((await served('offer-banner'))?.description).toBe('spring rates');
  });
});

describe('the kill switch applies at once only as a pure reduction', () => {
  it('killing a flag that a production flag depends on being off is held: the dependent would turn on', async () => {
    const legacy = await liveInProduction('legacy-login');
    await liveInProduction('new-login', { dependencies: [{ feature: 'legacy-login', enabled: false }] });
    const customer = { targetingKey: 'c-5', channel: 'mobile' };
    expect((await ofrep('new-login', customer)).value).toBe(false);
    const kill = await p.call('PUT', '/api/admin/flags/legacy-login/environments/production', {
      token: p.tokens.squadPayments,
      body: { version: legacy.version, enabled: false },
    });
    const cr = await heldRequest(kill);
    expect(cr).toMatchObject({ kind: 'change', status: 'open', requiredApprovals: 1 });
    expect(cr.effect?.served.production).toEqual({ 'legacy-login': 'reduced', 'new-login': 'changed' });
    expect((await served('legacy-login'))?.enabled).toBe(true);
    expect((await ofrep('new-login', customer)).value).toBe(false);
    expect(await frontendToggles('userId=c-5&channel=mobile')).not.toContain('new-login');
  });

  it('killing a flag whose dependents need it on applies at once, off for its dependents too, and waits for review', async () => {
    const parent = await liveInProduction('card-controls');
    await liveInProduction('card-freeze-v2', { dependencies: [{ feature: 'card-controls' }] });
    const customer = { targetingKey: 'c-6', channel: 'web' };
    expect((await ofrep('card-freeze-v2', customer)).value).toBe(true);
    expect(await frontendToggles('userId=c-6&channel=web')).toEqual(
      expect.arrayContaining(['card-controls', 'card-freeze-v2']),
    );
    const kill = await p.call('PUT', '/api/admin/flags/card-controls/environments/production/channels/web', {
      token: p.tokens.squadPayments,
      body: { version: parent.version, enabled: false },
    });
    expect(kill.status).toBe(200);
    expect((await ofrep('card-controls', customer)).value).toBe(false);
    expect((await ofrep('card-freeze-v2', customer)).value).toBe(false);
    expect((await ofrep('card-controls', { ...customer, channel: 'mobile' })).value).toBe(true);
    const web = await frontendToggles('userId=c-6&channel=web');
    expect(web).not.toContain('card-controls');
    expect(web).not.toContain('card-freeze-v2');
    expect(await frontendToggles('userId=c-6&channel=mobile')).toContain('card-freeze-v2');
    const { changeRequests } = await bodyOf<{ changeRequests: ChangeRequest[] }>(
      await p.call('GET', '/api/admin/change-requests?status=needs-review', { token: p.tokens.auditor }),
    );
    const review = changeRequests.find((c) => c.target.id === 'card-controls');
    expect(review).toMatchObject({ kind: 'kill-switch', author: { name: 'payments-squad' } });
    expect(review?.effect?.served.production).toEqual({
      'card-controls': 'reduced',
      'card-freeze-v2': 'reduced',
    });
    const audit = await bodyOf<{ entries: AuditEntry[] }>(
      await p.call('GET', '/api/admin/flags/card-controls/audit?limit=1', { token: p.tokens.admin }),
    );
    expect(audit.entries[0]).toMatchObject({ action: 'flag.channel-off', changeRequest: review?.id });
  });
});

describe('approvals bind to the digest of the exact change', () => {
  it('content rewritten in the table after approval does not apply', async () => {
    const f = await liveInProduction('fx-rates');
    const cr = await heldRequest(
      await p.call('PUT', '/api/admin/flags/fx-rates/environments/production', {
        token: p.tokens.squadPayments,
        body: { version: f.version, channels: { atm: true } },
      }),
    );
    const approved = await bodyOf<ChangeRequest>(
      await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: cr.version },
      }),
    );
    expect(approved.status).toBe('approved');
    // Someone with table access swaps the approved content for another write.
    const stored = (await p.runtime.changeRequests.get(cr.id))!;
    const op = stored.change!.ops[0];
    if (op.type !== 'flags') throw new Error('expected a flag write');
    op.writes[0].flag.environments.production.channels.branch = true;
    await p.runtime.changeRequests.write({ ...stored, version: stored.version + 1 }, stored.version, []);
    const applied = await p.call('POST', `/api/admin/change-requests/${cr.id}/apply`, {
      token: p.tokens.secondAdmin,
      body: { version: stored.version + 1 },
    });
    expect(applied.status).toBe(409);
    const channels = (await flag('fx-rates')).environments.production.channels;
    expect(channels).toMatchObject({ atm: false, branch: false });
    expect(JSON.stringify((await served('fx-rates'))?.strategies)).not.toContain('atm');
  });

  it('admin handler modules reach the real runtime only to build their governed handler', () => {
    const dir = join(import.meta.dirname, '..', '..', 'functions', 'handlers');
    const admin = readdirSync(dir).filter((f) => f.startsWith('admin-') && f.endsWith('.ts'));
    expect(admin.length).toBeGreaterThan(5);
    for (const file of admin) {
      const text = readFileSync(join(dir, file), 'utf8');
      const uses = text.split('\n').filter((l) => l.includes('getRuntime()'));
      expect(uses, file).toEqual([
        expect.stringMatching(/^export const handler = lazyHandler\(\(\) => create\(getRuntime\(\)\)\);$/),
      ]);
      if (file !== 'admin-governance-handler.ts') expect(text, file).not.toMatch(/createHttpHandler\(/);
    }
  });

  it('a route table that writes without the governed commit cannot even be built', () => {
    expect(() =>
      createHttpHandler(
        httpDeps(p.runtime),
        { 'PUT /api/admin/flags/{name}': ADMIN_FLAGS_ROUTES['PUT /api/admin/flags/{name}'] },
        { 'PUT /api/admin/flags/{name}': async () => ({ status: 200 }) },
      ),
    ).toThrow(/createGovernedHttpHandler/);
  });
});

describe('break-glass: a declared emergency applies at once and is reviewed afterwards', () => {
  it('refuses an emergency without a reason, naming the header, and writes nothing', async () => {
    const f = await flag('fx-rates');
    const res = await p.call('PUT', '/api/admin/flags/fx-rates/environments/production', {
      token: p.tokens.squadPayments,
      headers: { 'omnilab-emergency': '   ' },
      body: { version: f.version, channels: { branch: true } },
    });
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toMatchObject({ field: 'headers.omnilab-emergency' });
    expect((await flag('fx-rates')).version).toBe(f.version);
  });

  it('applies, notifies, marks the audit, and raises an overdue notification every run until a second person reviews it', async () => {
    const f = await flag('fx-rates');
    const res = await p.call('PUT', '/api/admin/flags/fx-rates/environments/production', {
      token: p.tokens.squadPayments,
      headers: { 'omnilab-emergency': 'INC-4711 rates feed down, branch must show fixed rates' },
      body: { version: f.version, channels: { branch: true } },
    });
    expect(res.status).toBe(200);
    expect((await ofrep('fx-rates', { targetingKey: 'c-7', channel: 'branch' })).value).toBe(true);
    const { changeRequests } = await bodyOf<{ changeRequests: ChangeRequest[] }>(
      await p.call('GET', '/api/admin/change-requests?status=needs-review', { token: p.tokens.auditor }),
    );
    const emergency = changeRequests.find((c) => c.kind === 'emergency' && c.target.id === 'fx-rates')!;
    expect(emergency).toMatchObject({
      status: 'needs-review',
      emergencyReason: 'INC-4711 rates feed down, branch must show fixed rates',
      author: { name: 'payments-squad' },
    });
    const due = Date.parse(emergency.reviewDueAt!) - Date.parse(emergency.createdAt);
    expect(due).toBe(24 * 3_600_000);
    const audit = await bodyOf<{ entries: AuditEntry[] }>(
      await p.call('GET', '/api/admin/flags/fx-rates/audit?limit=1', { token: p.tokens.admin }),
    );
    expect(audit.entries[0]).toMatchObject({
      changeRequest: emergency.id,
      emergency: 'INC-4711 rates feed down, branch must show fixed rates',
    });
    const kinds = async () =>
      (
        await bodyOf<{ notifications: { kind: string; details?: { changeRequest?: string } }[] }>(
          await p.call('GET', '/api/admin/notifications?limit=200', { token: p.tokens.admin }),
        )
      ).notifications
        .filter((n) => n.details?.changeRequest === emergency.id)
        .map((n) => n.kind);
    expect(await kinds()).toEqual(['emergency-change']);

    const dueAt = Date.parse(emergency.reviewDueAt!);
    expect((await runScheduler(new Date(dueAt - 60_000).toISOString())).overdueReviews).toEqual([]);
    expect((await runScheduler(new Date(dueAt + 60_000).toISOString())).overdueReviews).toEqual([
      emergency.id,
    ]);
    expect((await runScheduler(new Date(dueAt + 120_000).toISOString())).overdueReviews).toEqual([
      emergency.id,
    ]);
    expect((await kinds()).filter((k) => k === 'emergency-review-overdue')).toHaveLength(2);

    const self = await p.call('POST', `/api/admin/change-requests/${emergency.id}/approve`, {
      token: p.tokens.squadPayments,
      body: { version: emergency.version },
    });
    expect(self.status).toBe(403);
    const reviewed = await p.call('POST', `/api/admin/change-requests/${emergency.id}/approve`, {
      token: p.tokens.auditor,
      body: { version: emergency.version },
    });
    expect(await bodyOf(reviewed)).toMatchObject({ status: 'reviewed', decidedBy: 'risk-li' });
    expect((await runScheduler(new Date(dueAt + 180_000).toISOString())).overdueReviews).toEqual([]);
  });
});
