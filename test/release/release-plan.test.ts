// The release plan's state machine: gates, actions, digest, and the property that a plan never moves faster than its approved digest allows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyAction,
  createPlan,
  editPlan,
  gatesOf,
  nextMilestone,
  type PlanContent,
  type PlanObservation,
  planApproved,
  planDigest,
  type ReleasePlan,
  rolloutAt,
  type SafeguardCheck,
  stepPlan,
} from '../../shared/release/release-plan';
import type { ApproverRole } from '../../shared/release/release-template';

const CHANNELS = ['mobile', 'web', 'atm'];
const T0 = Date.parse('2026-12-01T00:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);

function content(overrides: Partial<PlanContent> = {}): PlanContent {
  return {
    flag: 'new-onboarding',
    environment: 'production',
    milestones: [
      { name: 'mobile 5%', channels: { mobile: 5 }, minHoldMinutes: 60, gates: { minExposedUnits: 100 } },
      {
        name: 'web 25%',
        channels: { mobile: 25, web: 25 },
        minHoldMinutes: 60,
        gates: { approval: { by: ['auditor'] } },
      },
      { name: 'all', channels: { mobile: 100, web: 100, atm: 100 }, minHoldMinutes: 0, gates: {} },
    ],
    safeguards: [{ kind: 'metric', metric: 'complaints', tolerance: 0 }],
    rollback: { channel: 'off' },
    alpha: 0.05,
    skipped: [],
    ...overrides,
  };
}

const meta = (protectedEnvironment = true) => ({
  template: 't',
  templateVersion: 1,
  author: 'alice',
  squad: 'onboarding',
  protectedEnvironment,
  now: at(0),
});

const healthy: PlanObservation = { exposedUnits: 1000, checks: [], flagUnchanged: true };
const degradedOn = (channel: string): SafeguardCheck => ({
  safeguard: 'complaints',
  channel,
  status: 'degraded',
  evidence: { pValue: 0.0001 },
});

describe('release plan', () => {
  it('waits for a second person in a protected environment, then walks its gates', () => {
    let plan = createPlan(content(), meta());
    expect(plan.status).toBe('pending-approval');
    expect(stepPlan(plan, healthy, at(1), 'sched', CHANNELS).write).toBeNull();
    expect(() => applyAction(plan, { action: 'approve', by: 'alice', role: 'squad', now: at(1) })).toThrow(
      /own plan/,
    );
    plan = applyAction(plan, { action: 'approve', by: 'bob', role: 'platform-admin', now: at(1) });
    expect(plan.status).toBe('active');
    let r = stepPlan(plan, healthy, at(2), 'sched', CHANNELS);
    expect(r.write).not.toBeNull();
    expect(r.plan.current).toBe(0);
    expect(rolloutAt(r.plan, 0, CHANNELS).channels).toEqual({ mobile: 5, web: 0, atm: 0 });
    // hold not over
    r = stepPlan(r.plan, healthy, at(30), 'sched', CHANNELS);
    expect(r.plan.current).toBe(0);
    // hold over but too few units
    r = stepPlan(r.plan, { ...healthy, exposedUnits: 99 }, at(70), 'sched', CHANNELS);
    expect(r.plan.current).toBe(0);
    expect(gatesOf(r.plan, { ...healthy, exposedUnits: 99 }, at(70)).exposedUnits.passed).toBe(false);
    // units enough, but the next milestone wants a risk officer's approval
    r = stepPlan(r.plan, healthy, at(70), 'sched', CHANNELS);
    expect(r.plan.current).toBe(0);
    expect(gatesOf(r.plan, healthy, at(70)).approval).toEqual({
      milestone: 1,
      by: ['auditor'],
      passed: false,
    });
    expect(() =>
      applyAction(r.plan, { action: 'approve', by: 'carol', role: 'squad', now: at(71), milestone: 1 }),
    ).toThrow(/auditor/);
    plan = applyAction(r.plan, {
      action: 'approve',
      by: 'risk-rita',
      role: 'auditor',
      now: at(71),
      milestone: 1,
    });
    r = stepPlan(plan, healthy, at(72), 'sched', CHANNELS);
    expect(r.plan.current).toBe(1);
    r = stepPlan(r.plan, healthy, at(140), 'sched', CHANNELS);
    expect(r.plan.current).toBe(2);
    r = stepPlan(r.plan, healthy, at(141), 'sched', CHANNELS);
    expect(r.plan.status).toBe('completed');
  });

  it('pauses on a degraded safeguard and rolls back that channel only', () => {
    let plan = createPlan(content(), meta(false));
    plan = stepPlan(plan, healthy, at(1), 's', CHANNELS).plan;
    plan = stepPlan(plan, healthy, at(70), 's', CHANNELS).plan; // would wait for approval of milestone 1
    plan = applyAction(plan, { action: 'approve', by: 'rita', role: 'auditor', now: at(70), milestone: 1 });
    plan = stepPlan(plan, healthy, at(71), 's', CHANNELS).plan;
    expect(plan.current).toBe(1);
    const r = stepPlan(plan, { ...healthy, checks: [degradedOn('web')] }, at(80), 's', CHANNELS);
    expect(r.write).not.toBeNull();
    expect(r.rolledBack).toEqual(['web']);
    expect(r.plan.status).toBe('paused');
    expect(rolloutAt(r.plan, r.plan.current, CHANNELS).channels).toEqual({ mobile: 25, web: 0, atm: 0 });
    expect(r.plan.events.at(-1)?.evidence).toEqual([degradedOn('web')]);
    // resumed, it goes on with web held off; the hold starts again
    plan = applyAction(r.plan, { action: 'resume', by: 'alice', role: 'squad', now: at(90) });
    expect(stepPlan(plan, healthy, at(100), 's', CHANNELS).plan.current).toBe(1);
    const last = stepPlan(plan, healthy, at(151), 's', CHANNELS).plan;
    expect(last.current).toBe(2);
    expect(rolloutAt(last, 2, CHANNELS).channels).toEqual({ mobile: 100, web: 0, atm: 100 });
  });

  it('pause holds, abort ends, skip is an edit that needs approval again', () => {
    let plan = createPlan(content(), meta());
    plan = applyAction(plan, { action: 'approve', by: 'bob', role: 'platform-admin', now: at(0) });
    plan = stepPlan(plan, healthy, at(1), 's', CHANNELS).plan;
    const paused = applyAction(plan, { action: 'pause', by: 'alice', role: 'squad', now: at(2) });
    expect(stepPlan(paused, healthy, at(500), 's', CHANNELS).plan.current).toBe(0);
    const skipped = applyAction(plan, { action: 'skip', by: 'alice', role: 'squad', now: at(3) });
    expect(skipped.skipped).toEqual([1]);
    expect(skipped.digest).not.toBe(plan.digest);
    expect(skipped.status).toBe('pending-approval');
    expect(stepPlan(skipped, healthy, at(500), 's', CHANNELS).plan.current).toBe(0);
    const again = applyAction(skipped, {
      action: 'approve',
      by: 'bob',
      role: 'platform-admin',
      now: at(501),
    });
    const moved = stepPlan(again, healthy, at(502), 's', CHANNELS).plan;
    expect(moved.current).toBe(2);
    const aborted = applyAction(plan, { action: 'abort', by: 'alice', role: 'squad', now: at(4) });
    expect(aborted.status).toBe('aborted');
    expect(() =>
      applyAction(aborted, { action: 'resume', by: 'alice', role: 'squad', now: at(5) }),
    ).toThrow();
  });

  it('the digest covers the milestones as written', () => {
    const a = content();
    const b = content({
      milestones: a.milestones.map((m, i) => (i === 0 ? { ...m, minHoldMinutes: 59 } : m)),
    });
    expect(planDigest(a)).not.toBe(planDigest(b));
    expect(planDigest(a)).toBe(planDigest(JSON.parse(JSON.stringify(a))));
  });

  it('a plan never moves faster than its approved digest allows', () => {
    const roles: ApproverRole[] = ['platform-admin', 'auditor', 'squad'];
    const milestoneArb = fc.record({
      name: fc.constant('m'),
      channels: fc.record({
        mobile: fc.integer({ min: 0, max: 100 }),
        web: fc.integer({ min: 0, max: 100 }),
      }),
      minHoldMinutes: fc.integer({ min: 0, max: 120 }),
      gates: fc.record(
        {
          approval: fc.record({ by: fc.subarray(roles, { minLength: 1 }) }),
          minExposedUnits: fc.integer({ min: 0, max: 300 }),
        },
        { requiredKeys: [] },
      ),
    });
    const actionArb = fc.oneof(
      {
        arbitrary: fc.record({ t: fc.constant('clock' as const), minutes: fc.integer({ min: 0, max: 90 }) }),
        weight: 3,
      },
      {
        weight: 4,
        arbitrary: fc.record({
          t: fc.constant('step' as const),
          exposed: fc.integer({ min: 0, max: 600 }),
          degraded: fc.option(fc.constantFrom('mobile', 'web'), { freq: 6 }),
          flagUnchanged: fc.constantFrom(true, true, true, false),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          t: fc.constant('action' as const),
          action: fc.constantFrom(
            ...([
              'pause',
              'resume',
              'resume',
              'skip',
              'abort',
              'approve',
              'approve',
              'approve',
              'approve',
              'approve',
              'approve',
            ] as const),
          ),
          by: fc.constantFrom('alice', 'Alice', 'bob', 'bob', 'rita', 'rita'),
          role: fc.constantFrom(...roles),
          milestone: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
        }),
      },
      fc.record({
        t: fc.constant('edit' as const),
        index: fc.nat(),
        percent: fc.integer({ min: 0, max: 100 }),
      }),
    );
    let moves = 0;
    fc.assert(
      fc.property(
        fc.array(milestoneArb, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(actionArb, { maxLength: 80 }),
        (milestones, prot, actions) => {
          let plan: ReleasePlan = createPlan(content({ milestones }), meta(prot));
          let now = 0;
          // The oracle's own record of when the flag entered each milestone.
          let enteredAtOracle = Number.NaN;
          let served = rolloutAt(plan, -1, CHANNELS).channels;
          for (const a of actions) {
            if (a.t === 'clock') now += a.minutes;
            else if (a.t === 'action') {
              try {
                plan = applyAction(plan, {
                  action: a.action,
                  by: a.by,
                  role: a.role,
                  now: at(now),
                  ...(a.milestone !== undefined ? { milestone: a.milestone } : {}),
                });
              } catch {
                // refused: nothing changes
              }
            } else if (a.t === 'edit') {
              const i = a.index % plan.milestones.length;
              const edited = plan.milestones.map((m, k) =>
                k === i ? { ...m, channels: { ...m.channels, mobile: a.percent } } : m,
              );
              try {
                plan = editPlan(plan, { ...plan, milestones: edited }, 'alice', at(now));
              } catch {
                // a finished plan is not edited
              }
            } else {
              const before = plan;
              const obs: PlanObservation = {
                exposedUnits: a.exposed,
                checks: a.degraded ? [degradedOn(a.degraded)] : [],
                flagUnchanged: a.flagUnchanged,
              };
              const r = stepPlan(before, obs, at(now), 's', CHANNELS);
              const after = r.plan;
              if (after.current !== before.current) {
                // It moved: exactly to the next milestone of the approved content, every gate met.
                expect(['active', 'pending-approval']).toContain(before.status);
                expect(after.digest).toBe(before.digest);
                if (before.requiredApprovals > 0)
                  expect(
                    before.approvals.some(
                      (x) => x.digest === before.digest && x.milestone === undefined && x.person !== 'alice',
                    ),
                  ).toBe(true);
                expect(after.current).toBe(nextMilestone(before, before.current));
                const m = before.milestones[before.current];
                if (m && !before.skipped.includes(before.current)) {
                  expect(now - enteredAtOracle).toBeGreaterThanOrEqual(m.minHoldMinutes);
                  expect(a.exposed).toBeGreaterThanOrEqual(m.gates.minExposedUnits ?? 0);
                }
                if (before.current >= 0) expect(obs.checks).toEqual([]);
                expect(a.flagUnchanged || before.current < 0).toBe(true);
                const gate = before.milestones[after.current].gates.approval;
                if (gate)
                  expect(
                    before.approvals.some(
                      (x) =>
                        x.digest === before.digest &&
                        x.milestone === after.current &&
                        x.person !== 'alice' &&
                        gate.by.includes(x.role),
                    ),
                  ).toBe(true);
                enteredAtOracle = now;
                moves++;
              }
              if (r.write) {
                const next = r.write.channels;
                // Never more than the approved content's milestone says; a rollback only ever reduces what is served.
                if (r.rolledBack.length === 0)
                  for (const c of CHANNELS)
                    expect(next[c]).toBeLessThanOrEqual(before.milestones[after.current].channels[c] ?? 0);
                if (r.rolledBack.length > 0) {
                  for (const c of CHANNELS) expect(next[c]).toBeLessThanOrEqual(served[c]);
                  for (const c of r.rolledBack) expect(next[c]).toBe(0);
                }
                served = next;
              }
              plan = after;
            }
            if (plan.status === 'active') expect(planApproved(plan)).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The sequences do reach the moves the property is about.
    expect(moves).toBeGreaterThan(20);
  });
});
