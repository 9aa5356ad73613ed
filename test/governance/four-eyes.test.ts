/** Four eyes: who may approve, edits reset approvals, every bypass path is held, the kill switch is not. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import type { Runtime } from '../../functions/runtime/composition-root';
import { createLogNotifier } from '../../functions/services/notifier';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import { approveAndApply, heldRequest } from '../support/governance';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const quiet = createLogNotifier(() => undefined);

async function flag(name: string): Promise<Flag> {
  return (await (await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin })).json()) as Flag;
}

async function read(id: string): Promise<ChangeRequest> {
  return (await (
    await p.call('GET', `/api/admin/change-requests/${id}`, { token: p.tokens.admin })
  ).json()) as ChangeRequest;
}

function at(runtime: Runtime, iso: string): Runtime {
  return { ...runtime, now: () => new Date(iso) };
}

beforeAll(async () => {
  p = await startTestPlatform();
  for (const name of ['salary-advance', 'card-freeze']) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.squadPayments,
      body: { name, squad: 'payments' },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => p.close());

describe('change requests in a protected environment', () => {
  it('holds a production change until another principal approves; never the author, never a product owner', async () => {
    const toggle = await p.call('PUT', '/api/admin/flags/salary-advance/environments/production', {
      token: p.tokens.squadPayments,
      body: { version: 1, channels: { mobile: true } },
    });
    const cr = await heldRequest(toggle);
    expect(cr).toMatchObject({ status: 'open', author: { name: 'payments-squad' }, squad: 'payments' });
    expect((await flag('salary-advance')).environments.production.channels.mobile).toBe(false);

    const self = await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
      token: p.tokens.squadPayments,
      body: { version: cr.version },
    });
    expect(self.status).toBe(403);
    expect(((await self.json()) as { message: string }).message).toContain('nobody approves their own');
    const po = await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
      token: p.tokens.productOwner,
      body: { version: cr.version },
    });
    expect(po.status).toBe(403);
    const otherSquad = await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
      token: p.tokens.squadCards,
      body: { version: cr.version },
    });
    expect(otherSquad.status).toBe(403);
    const early = await p.call('POST', `/api/admin/change-requests/${cr.id}/apply`, {
      token: p.tokens.squadPayments,
      body: { version: cr.version },
    });
    expect(early.status).toBe(409);

    const approved = (await (
      await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
        token: p.tokens.auditor,
        body: { version: cr.version },
      })
    ).json()) as ChangeRequest;
    expect(approved.status).toBe('approved');

    // The author edits after approval: what was approved is not what would apply any more.
    const edited = await p.call('PUT', `/api/admin/change-requests/${cr.id}`, {
      token: p.tokens.squadPayments,
      body: { version: approved.version, body: { version: 1, channels: { mobile: true, atm: true } } },
    });
    expect(edited.status).toBe(200);
    const afterEdit = (await edited.json()) as ChangeRequest;
    expect(afterEdit).toMatchObject({ status: 'open', revision: 2 });
    const stale = await p.call('POST', `/api/admin/change-requests/${cr.id}/apply`, {
      token: p.tokens.squadPayments,
      body: { version: afterEdit.version },
    });
    expect(stale.status).toBe(409);
    expect((await flag('salary-advance')).environments.production.channels.atm).toBe(false);

    // A squad mate of the author's squad may approve; the author applies.
    const done = await approveAndApply(p, cr.id, p.tokens.admin);
    expect(done).toMatchObject({ status: 'applied', result: { status: 200 } });
    const applied = await flag('salary-advance');
    expect(applied.environments.production.channels).toMatchObject({ mobile: true, atm: true });
    const audit = (await (
      await p.call('GET', '/api/admin/flags/salary-advance/audit?limit=1', { token: p.tokens.admin })
    ).json()) as { entries: AuditEntry[] };
    expect(audit.entries[0]).toMatchObject({ actor: 'payments-squad', changeRequest: cr.id });
  });

  it('holds every other path to production: flag-wide edits, creation, segments, experiments, import, lifting protection', async () => {
    const live = await flag('salary-advance');
    await heldRequest(
      await p.call('PUT', '/api/admin/flags/salary-advance', {
        token: p.tokens.admin,
        body: { version: live.version, variants: [{ name: 'a', weight: 1000, stickiness: 'default' }] },
      }),
    );
    await heldRequest(
      await p.call('POST', '/api/admin/flags', {
        token: p.tokens.admin,
        body: {
          name: 'born-live',
          squad: 'payments',
          environments: { production: { enabled: true, channels: { web: true }, strategies: [] } },
        },
      }),
    );
    expect((await p.call('GET', '/api/admin/flags/born-live', { token: p.tokens.admin })).status).toBe(404);

    const segment = (await (
      await p.call('POST', '/api/admin/segments', {
        token: p.tokens.admin,
        body: { name: 'vip', squad: 'payments', constraints: [] },
      })
    ).json()) as { id: number; version: number };
    // Unused, a segment changes freely; named by a flag that is live in production, it is held.
    expect(
      (
        await p.call('PUT', `/api/admin/segments/${segment.id}`, {
          token: p.tokens.admin,
          body: { version: 1, description: 'unused yet' },
        })
      ).status,
    ).toBe(200);
    const dev = await flag('card-freeze');
    const usesSegment = await p.call('PUT', '/api/admin/flags/card-freeze/environments/development', {
      token: p.tokens.admin,
      body: {
        version: dev.version,
        channels: { web: true },
        strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [segment.id] }],
      },
    });
    expect(usesSegment.status).toBe(200);
    const prodUse = await p.call('PUT', '/api/admin/flags/card-freeze/environments/production', {
      token: p.tokens.admin,
      body: {
        version: dev.version + 1,
        channels: { web: true },
        strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [segment.id] }],
      },
    });
    await approveAndApply(p, (await heldRequest(prodUse)).id);
    await heldRequest(
      await p.call('PUT', `/api/admin/segments/${segment.id}`, {
        token: p.tokens.admin,
        body: { version: 2, constraints: [{ contextName: 'userId', operator: 'IN', values: ['x'] }] },
      }),
    );

    await p.call('PUT', '/api/admin/metrics/complaints', {
      token: p.tokens.admin,
      body: { key: 'complaints', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'n' },
    });
    await heldRequest(
      await p.call('PUT', '/api/admin/experiments/prod-exp', {
        token: p.tokens.squadPayments,
        body: experimentBody('prod-exp', 'production'),
      }),
    );
    expect((await p.call('GET', '/api/admin/experiments/prod-exp', { token: p.tokens.admin })).status).toBe(
      404,
    );

    await heldRequest(
      await p.call('POST', '/api/admin/environments/production/import', {
        token: p.tokens.admin,
        body: { version: 2, features: [{ name: 'imported', enabled: true, strategies: [] }] },
      }),
    );
    expect((await p.call('GET', '/api/admin/flags/imported', { token: p.tokens.admin })).status).toBe(404);

    const env = (await (
      await p.call('GET', '/api/admin/environments', { token: p.tokens.admin })
    ).json()) as {
      environments: { name: string; version: number; protected: boolean }[];
    };
    const production = env.environments.find((e) => e.name === 'production')!;
    expect(production.protected).toBe(true);
    const lift = await heldRequest(
      await p.call('PUT', '/api/admin/environments/production', {
        token: p.tokens.admin,
        body: { version: production.version, protected: false },
      }),
    );
    // Ownerless: a squad cannot approve lifting protection; a smuggled replay marker is refused.
    expect(
      (
        await p.call('POST', `/api/admin/change-requests/${lift.id}/approve`, {
          token: p.tokens.squadPayments,
          body: { version: lift.version },
        })
      ).status,
    ).toBe(403);
    const smuggled = await p.call('PUT', '/api/admin/flags/salary-advance/environments/production', {
      token: p.tokens.admin,
      body: { version: live.version, channels: { web: true }, changeRequest: lift.id },
    });
    expect(smuggled.status).toBe(400);
  });

  it('lets the kill switch through at once, and marks it for review', async () => {
    const live = await flag('salary-advance');
    const kill = await p.call('PUT', '/api/admin/flags/salary-advance/environments/production', {
      token: p.tokens.squadPayments,
      body: { version: live.version, enabled: false },
    });
    expect(kill.status).toBe(200);
    expect((await flag('salary-advance')).environments.production.enabled).toBe(false);
    const { changeRequests } = (await (
      await p.call('GET', '/api/admin/change-requests?status=needs-review', { token: p.tokens.auditor })
    ).json()) as { changeRequests: ChangeRequest[] };
    const review = changeRequests.find((c) => c.target.id === 'salary-advance')!;
    expect(review).toMatchObject({ kind: 'kill-switch', author: { name: 'payments-squad' } });
    const reviewed = await p.call('POST', `/api/admin/change-requests/${review.id}/approve`, {
      token: p.tokens.auditor,
      body: { version: review.version },
    });
    expect(((await reviewed.json()) as ChangeRequest).status).toBe('reviewed');
    const notifications = (await (
      await p.call('GET', '/api/admin/notifications', { token: p.tokens.productOwner })
    ).json()) as { notifications: { kind: string }[] };
    expect(notifications.notifications.some((n) => n.kind === 'kill-switch')).toBe(true);
  });

  it('runs an experiment in production once a second admin approves it', async () => {
    const cr = (await (
      await p.call('GET', '/api/admin/change-requests?status=open', { token: p.tokens.admin })
    ).json()) as { changeRequests: ChangeRequest[] };
    const exp = cr.changeRequests.find((c) => c.target.id === 'prod-exp')!;
    await approveAndApply(p, exp.id, p.tokens.secondAdmin);
    const stored = await p.call('GET', '/api/admin/experiments/prod-exp', { token: p.tokens.admin });
    expect(((await stored.json()) as { status: string }).status).toBe('running');
  });
});

function experimentBody(key: string, environment: string, trafficPercent = 100) {
  return {
    key,
    name: key,
    hypothesis: 'h',
    squad: 'payments',
    environment,
    trafficPercent,
    channels: ['mobile', 'web', 'atm'],
    unit: 'customer',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'complaints',
    secondaryMetrics: [],
    guardrails: [{ metric: 'complaints', tolerance: 0 }],
    status: 'running',
    analysis: { sequential: true, alpha: 0.05, cuped: false },
  };
}

describe('scheduled changes', () => {
  it('applies a scheduled change at its time, not before (injected clock)', async () => {
    const f = await flag('card-freeze');
    const cr = await heldRequest(
      await p.call('PUT', '/api/admin/flags/card-freeze/environments/development', {
        token: p.tokens.squadPayments,
        headers: { 'omnilab-apply-at': '2099-01-01T09:00:00Z' },
        body: { version: f.version, channels: { atm: true } },
      }),
    );
    // Development is not protected: nothing to approve, only a time to wait for.
    expect(cr).toMatchObject({
      status: 'approved',
      requiredApprovals: 0,
      applyAt: '2099-01-01T09:00:00.000Z',
    });
    const before = await createGuardrailCheckHandler(at(p.runtime, '2099-01-01T08:59:00Z'), quiet)();
    expect(before.applied).toEqual([]);
    expect((await flag('card-freeze')).environments.development.channels.atm).toBe(false);
    const on = await createGuardrailCheckHandler(at(p.runtime, '2099-01-01T09:00:30Z'), quiet)();
    expect(on.applied).toEqual([cr.id]);
    expect((await flag('card-freeze')).environments.development.channels.atm).toBe(true);
    expect((await read(cr.id)).status).toBe('applied');
  });

  it('steps a rollout plan 5% → 25% → 50% → 100% on time', async () => {
    const created = await p.call('PUT', '/api/admin/experiments/rollout-exp', {
      token: p.tokens.squadPayments,
      body: experimentBody('rollout-exp', 'development', 5),
    });
    expect(created.status).toBe(201);
    const steps = [
      { percent: 25, at: '2099-02-01T10:00:00Z' },
      { percent: 50, at: '2099-02-02T10:00:00Z' },
      { percent: 100, at: '2099-02-03T10:00:00Z' },
    ];
    const plan = await heldRequest(
      await p.call('POST', '/api/admin/experiments/rollout-exp/rollout-plan', {
        token: p.tokens.squadPayments,
        body: { steps },
      }),
    );
    expect(plan.kind).toBe('rollout-plan');
    const traffic = async () =>
      (
        (await (
          await p.call('GET', '/api/admin/experiments/rollout-exp', { token: p.tokens.admin })
        ).json()) as {
          trafficPercent: number;
        }
      ).trafficPercent;
    const seen: number[] = [];
    for (const t of [
      '2099-02-01T09:59:00Z',
      '2099-02-01T10:00:00Z',
      '2099-02-01T10:01:00Z',
      '2099-02-02T10:00:10Z',
      '2099-02-03T10:00:59Z',
    ]) {
      await createGuardrailCheckHandler(at(p.runtime, t), quiet)();
      seen.push(await traffic());
    }
    expect(seen).toEqual([5, 25, 25, 50, 100]);
    expect((await read(plan.id)).status).toBe('applied');
    const served = (await (
      await p.call('GET', '/api/client/features', { token: p.tokens.client })
    ).json()) as { features: { name: string; strategies: { parameters: { rollout: string } }[] }[] };
    expect(served.features.find((x) => x.name === 'rollout-exp')?.strategies[0].parameters.rollout).toBe(
      '100',
    );
  });
});
