// Lifecycle stages set by a person (PUT /api/admin/flags/{name}/lifecycle: held for approval where the flag is in a protected environment, audited, cleared with null), expected lifetimes, and notifications: a person's pause, and overdue flags once per flag per notice period from the scheduled function.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import { createLogNotifier } from '../../functions/services/notifier';
import type { Flag } from '../../shared/model/flag';
import {
  EXPECTED_LIFETIME_DAYS,
  expectedEndOf,
  lifecycleOf,
  STALE_NOTICE_PERIOD_DAYS,
  staleNoticePeriod,
} from '../../shared/release/flag-lifecycle';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

const DAY = 86_400_000;
let p: TestPlatform;

async function call(method: string, path: string, body?: unknown, token = p.tokens.admin) {
  const res = await p.call(method, path, { token, body });
  return { status: res.status, json: await bodyOf<Record<string, unknown>>(res) };
}

interface FlagView {
  name: string;
  version: number;
  lifecycle: { stage: string; since: string; setBy?: string };
}

const flagOf = async (name: string) =>
  (await call('GET', `/api/admin/flags/${name}`)).json as unknown as FlagView;

/** A second person approves the held change; its author applies it. */
async function approveAndApply(cr: { id: string; version: number }, author: string) {
  const approved = await call(
    'POST',
    `/api/admin/change-requests/${cr.id}/approve`,
    { version: cr.version },
    p.tokens.secondAdmin,
  );
  expect(approved.status, JSON.stringify(approved.json)).toBe(200);
  const applied = await call(
    'POST',
    `/api/admin/change-requests/${cr.id}/apply`,
    { version: approved.json.version },
    author,
  );
  expect(applied.status, JSON.stringify(applied.json)).toBe(200);
}

async function notices(kind: string, subject: string) {
  return (await p.runtime.notifications.list()).filter((n) => n.kind === kind && n.subject === subject);
}

beforeAll(async () => {
  p = await startTestPlatform();
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe('expected lifetimes and notice periods (pure)', () => {
  it('a flag is due one notice per period from its expected end, none before it or for types meant to stay', () => {
    const base = {
      name: 'f',
      description: '',
      squad: 's',
      tags: [],
      impressionData: false,
      dependencies: [],
      variants: [],
      environments: {},
      archived: false,
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    } satisfies Omit<Flag, 'type'>;
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(EXPECTED_LIFETIME_DAYS)),
        fc.integer({ min: 0, max: 400 * 24 }),
        (type, hours) => {
          const flag = { ...base, type } as Flag;
          const now = new Date(Date.parse(base.createdAt) + hours * 3_600_000);
          const days = EXPECTED_LIFETIME_DAYS[flag.type];
          const period = staleNoticePeriod(flag, now);
          if (days === null) {
            expect(expectedEndOf(flag)).toBeNull();
            expect(period).toBeNull();
            return;
          }
          const overdue = hours * 3_600_000 - days * DAY;
          expect(period).toBe(overdue <= 0 ? null : Math.floor(overdue / (STALE_NOTICE_PERIOD_DAYS * DAY)));
        },
      ),
    );
  });

  it('a stage a person set stands over the evidence, archiving over both', () => {
    const flag = {
      name: 'f',
      description: '',
      squad: 's',
      type: 'release',
      tags: [],
      impressionData: false,
      dependencies: [],
      variants: [],
      environments: {},
      archived: false,
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      lifecycleStage: { stage: 'completed', since: '2026-02-01T00:00:00.000Z', by: 'li' },
    } satisfies Flag;
    const evidence = {
      metrics: [{ environment: 'production', flag: 'f', hour: '2026-01-02T00:00:00.000Z' }],
      plans: [],
      protectedEnvironments: new Set(['production']),
      channels: ['mobile'],
    };
    expect(lifecycleOf(flag, evidence)).toEqual({
      stage: 'completed',
      since: '2026-02-01T00:00:00.000Z',
      setBy: 'li',
    });
    const { lifecycleStage: _s, ...derived } = flag;
    expect(lifecycleOf(derived, evidence).stage).toBe('live');
    expect(lifecycleOf({ ...flag, archived: true }, evidence).stage).toBe('archived');
  });
});

describe('setting a lifecycle stage', () => {
  it('is held for a second person where the flag is in production, then applies with its audit entry; null clears it', async () => {
    const created = await call(
      'POST',
      '/api/admin/flags',
      { name: 'stage-set', squad: 'payments' },
      p.tokens.squadPayments,
    );
    expect(created.status).toBe(201);
    const before = await flagOf('stage-set');
    expect(before.lifecycle.stage).toBe('initial');

    // Bad input names the field and writes nothing.
    const bad = await call('PUT', '/api/admin/flags/stage-set/lifecycle', {
      stage: 'archived',
      version: before.version,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('stage');
    const otherSquad = await call(
      'PUT',
      '/api/admin/flags/stage-set/lifecycle',
      { stage: 'live', version: before.version },
      p.tokens.squadCards,
    );
    expect(otherSquad.status).toBe(403);
    expect((await flagOf('stage-set')).version).toBe(before.version);

    const held = await call(
      'PUT',
      '/api/admin/flags/stage-set/lifecycle',
      { stage: 'completed', version: before.version },
      p.tokens.squadPayments,
    );
    expect(held.status, JSON.stringify(held.json)).toBe(202);
    const cr = held.json.changeRequest as { id: string; version: number };
    // Not yet: the admin API still answers the derived stage.
    expect((await flagOf('stage-set')).lifecycle.stage).toBe('initial');
    await approveAndApply(cr, p.tokens.squadPayments);
    const after = await flagOf('stage-set');
    expect(after.lifecycle).toMatchObject({ stage: 'completed', setBy: expect.any(String) });
    const completed = await call('GET', '/api/admin/flags?lifecycle=completed');
    expect((completed.json.flags as { name: string }[]).map((f) => f.name)).toContain('stage-set');
    const audit = await p.runtime.audit.listByTarget('flag', 'stage-set');
    expect(audit.filter((a) => a.action === 'flag.lifecycle-set')).toHaveLength(1);

    // Cleared: derived from the evidence again (held and approved the same way).
    const clear = await call('PUT', '/api/admin/flags/stage-set/lifecycle', {
      stage: null,
      version: after.version,
    });
    expect(clear.status).toBe(202);
    await approveAndApply(clear.json.changeRequest as { id: string; version: number }, p.tokens.admin);
    const cleared = await flagOf('stage-set');
    expect(cleared.lifecycle.stage).toBe('initial');
    expect(cleared.lifecycle.setBy).toBeUndefined();
  });
});

describe('release notifications', () => {
  it("a person's pause of a plan notifies, as the scheduler's does", async () => {
    expect((await call('POST', '/api/admin/flags', { name: 'pause-noted', squad: 'payments' })).status).toBe(
      201,
    );
    const template = await call('POST', '/api/admin/release-templates', {
      id: 'two-steps',
      name: 'two steps',
      milestones: [
        { name: 'some mobile', channels: { mobile: 10 }, minHoldMinutes: 60 },
        { name: 'everyone', channels: { mobile: 100, web: 100 }, minHoldMinutes: 0 },
      ],
      safeguards: [],
    });
    expect(template.status).toBe(201);
    const path = '/api/admin/flags/pause-noted/environments/development/release-plan';
    const flag = await flagOf('pause-noted');
    const started = await call('PUT', path, { template: 'two-steps', version: flag.version });
    expect(started.json.status).toBe('active');
    const paused = await call('POST', `${path}/pause`, { version: started.json.version });
    expect(paused.json.status).toBe('paused');
    const notes = await notices('rollout-stopped', 'pause-noted');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toContain('paused by');
  });

  it('an overdue flag is notified once per notice period by the scheduled function, not every run', async () => {
    expect((await call('POST', '/api/admin/flags', { name: 'overdue', squad: 'payments' })).status).toBe(201);
    expect(
      (
        await call('POST', '/api/admin/flags', {
          name: 'kept-switch',
          squad: 'payments',
          type: 'kill-switch',
        })
      ).status,
    ).toBe(201);
    const created = Date.parse((await p.runtime.flags.get('overdue'))?.createdAt ?? '');
    const logged: string[] = [];
    const runAt = (ms: number) =>
      createGuardrailCheckHandler(
        { ...p.runtime, now: () => new Date(ms) },
        createLogNotifier((l) => logged.push(l)),
      )();
    const lifetime = (EXPECTED_LIFETIME_DAYS.release ?? 0) * DAY;
    await runAt(created + lifetime - DAY);
    expect(await notices('flag-potentially-stale', 'overdue')).toHaveLength(0);
    // Every run of the first overdue week: one notice.
    for (const h of [1, 2, 30, 24 * 6]) await runAt(created + lifetime + h * 3_600_000);
    expect(await notices('flag-potentially-stale', 'overdue')).toHaveLength(1);
    // The next period: one more, and the flag lists as potentially stale then.
    await runAt(created + lifetime + (STALE_NOTICE_PERIOD_DAYS * DAY + 3_600_000));
    await runAt(created + lifetime + (STALE_NOTICE_PERIOD_DAYS * DAY + 7_200_000));
    const notes = await notices('flag-potentially-stale', 'overdue');
    expect(notes).toHaveLength(2);
    expect(notes[0].message).toContain('past its expected lifetime of 40 days');
    expect(logged.some((l) => l.includes('flag-potentially-stale'))).toBe(true);
    // A kill switch is meant to stay: never notified.
    expect(await notices('flag-potentially-stale', 'kept-switch')).toHaveLength(0);
  });
});
