/**
 * A release plan: a template applied to one flag in one environment, and the state machine that
 * walks it. Pure and synchronous, the clock passed in. The plan's content (flag, environment,
 * milestones as written, safeguards, rollback rule, skipped milestones) has a digest, as change
 * requests do (SHA-256 of canonical JSON, shared/governance/): approving a plan approves that
 * content; any edit, a skip included, is a new digest and every approval so far stops counting.
 *
 * A plan moves only in `stepPlan`, and only when: it is `active`; in a protected environment a
 * person other than the author approved its current digest; the next milestone's own approval
 * gate is met at that digest; the current milestone held for its minimum time, exposed its minimum
 * of units and no safeguard is degraded. A degraded safeguard pauses it and rolls the affected
 * channels back by the rollback rule (a reduction, which never waits).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../governance/audit-chain';
import { ForbiddenError, ValidationError } from '../model/errors';
import { personOfName } from '../model/person';
import type { ApproverRole, ReleaseMilestone, RollbackRule, Safeguard } from './release-template';

export const PLAN_STATUSES = ['pending-approval', 'active', 'paused', 'completed', 'aborted'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const PLAN_ACTIONS = ['pause', 'resume', 'skip', 'abort', 'approve'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** A milestone as the plan holds it: its audience's segment resolved to the id strategies name. */
export interface PlanMilestone extends ReleaseMilestone {
  audience?: ReleaseMilestone['audience'] & { segmentId: number };
}

/** What the digest covers: what the plan does to the flag, and when it may move. */
export interface PlanContent {
  flag: string;
  environment: string;
  milestones: PlanMilestone[];
  safeguards: Safeguard[];
  rollback: RollbackRule;
  alpha: number;
  /** Milestones the plan passes over (an edit: it needs approval again). */
  skipped: number[];
}

export interface PlanApproval {
  by: string;
  person: string;
  role: ApproverRole;
  at: string;
  digest: string;
  /** Absent: the plan as a whole; else the milestone whose approval gate this is. */
  milestone?: number;
}

/** One safeguard's verdict on one channel (null: every channel together), with its figures. */
export interface SafeguardCheck {
  safeguard: string;
  channel: string | null;
  status: 'ok' | 'degraded' | 'insufficient-data';
  evidence: Record<string, number | string | null>;
}

export interface PlanEvent {
  at: string;
  kind:
    | 'created'
    | 'edited'
    | 'approved'
    | 'advanced'
    | 'paused'
    | 'resumed'
    | 'rolled-back'
    | 'skipped'
    | 'aborted'
    | 'completed';
  by: string;
  milestone?: number;
  channels?: string[];
  message?: string;
  evidence?: SafeguardCheck[];
}

export interface ReleasePlan extends PlanContent {
  template: string;
  templateVersion: number;
  digest: string;
  /** 1 in a protected environment: a second person approves the digest. */
  requiredApprovals: number;
  approvals: PlanApproval[];
  status: PlanStatus;
  /** The milestone the flag is at; -1 before the first. */
  current: number;
  enteredAt?: string;
  pausedReason?: string;
  /** Channels a safeguard rolled back, and the share each is held at for the rest of the plan. */
  rolledBack: Record<string, number>;
  author: string;
  squad: string;
  /** The flag's version after the plan's last write: another write meanwhile pauses the plan. */
  flagVersion?: number;
  /** What the plan last made the flag serve. */
  applied?: Rollout;
  lastChecks: SafeguardCheck[];
  events: PlanEvent[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

const TERMINAL: readonly PlanStatus[] = ['completed', 'aborted'];

/** Events a plan keeps (the audit log keeps all). */
export const MAX_PLAN_EVENTS = 200;

export function planContent(p: PlanContent): PlanContent {
  return {
    flag: p.flag,
    environment: p.environment,
    milestones: p.milestones,
    safeguards: p.safeguards,
    rollback: p.rollback,
    alpha: p.alpha,
    skipped: [...p.skipped].sort((a, b) => a - b),
  };
}

/** SHA-256 of the canonical JSON of the content (undefined dropped, keys sorted), as change requests. */
export function planDigest(content: PlanContent): string {
  const normal = JSON.parse(JSON.stringify(planContent(content))) as unknown;
  return createHash('sha256').update(canonicalJson(normal)).digest('hex');
}

function withEvent(plan: ReleasePlan, e: PlanEvent): PlanEvent[] {
  return [...plan.events, e].slice(-MAX_PLAN_EVENTS);
}

export function createPlan(
  content: PlanContent,
  meta: {
    template: string;
    templateVersion: number;
    author: string;
    squad: string;
    protectedEnvironment: boolean;
    now: Date;
  },
): ReleasePlan {
  const at = meta.now.toISOString();
  const requiredApprovals = meta.protectedEnvironment ? 1 : 0;
  return {
    ...planContent(content),
    template: meta.template,
    templateVersion: meta.templateVersion,
    digest: planDigest(content),
    requiredApprovals,
    approvals: [],
    status: requiredApprovals > 0 ? 'pending-approval' : 'active',
    current: -1,
    rolledBack: {},
    author: meta.author,
    squad: meta.squad,
    lastChecks: [],
    events: [{ at, kind: 'created', by: meta.author }],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

function counts(a: PlanApproval, plan: ReleasePlan): boolean {
  return a.digest === plan.digest && a.person !== personOfName(plan.author);
}

/** True when the plan's current digest has the approvals it needs. */
export function planApproved(plan: ReleasePlan): boolean {
  const persons = new Set(
    plan.approvals.filter((a) => a.milestone === undefined && counts(a, plan)).map((a) => a.person),
  );
  return persons.size >= plan.requiredApprovals;
}

/** True when milestone `i` needs no approval, or has one by a role it names at the current digest. */
export function milestoneApproved(plan: ReleasePlan, i: number): boolean {
  const gate = plan.milestones[i]?.gates.approval;
  if (!gate) return true;
  return plan.approvals.some((a) => a.milestone === i && counts(a, plan) && gate.by.includes(a.role));
}

/** The next milestone after `from` that is not skipped, or -1 when none is left. */
export function nextMilestone(plan: PlanContent, from: number): number {
  for (let i = from + 1; i < plan.milestones.length; i++) if (!plan.skipped.includes(i)) return i;
  return -1;
}

/** A channel's general-audience share at milestone `i` (-1: none yet), rollbacks applied. */
export function channelPercent(plan: ReleasePlan, i: number, channel: string): number {
  const base = i < 0 ? 0 : (plan.milestones[i].channels[channel] ?? 0);
  const held = plan.rolledBack[channel];
  return held === undefined ? base : Math.min(base, held);
}

/** What the flag serves at milestone `i`: per channel, the share and the segment audiences. */
export interface Rollout {
  channels: Record<string, number>;
  audiences: { segmentId: number; channels: Record<string, number> }[];
}

export function rolloutAt(plan: ReleasePlan, i: number, channels: readonly string[]): Rollout {
  const out: Rollout = { channels: {}, audiences: [] };
  for (const c of channels) out.channels[c] = channelPercent(plan, i, c);
  // Audiences accumulate: staff keep the flag as it widens. A rolled-back channel loses them too.
  for (let k = 0; k <= i; k++) {
    const a = plan.milestones[k]?.audience;
    if (!a || plan.skipped.includes(k)) continue;
    const per: Record<string, number> = {};
    for (const c of channels) {
      const p = a.channels[c] ?? 0;
      const held = plan.rolledBack[c];
      per[c] = held === undefined ? p : Math.min(p, held);
    }
    out.audiences.push({ segmentId: a.segmentId, channels: per });
  }
  return out;
}

/** What the scheduler observed for the plan's current milestone. */
export interface PlanObservation {
  /** Units exposed on the current milestone, all channels together. */
  exposedUnits: number;
  checks: SafeguardCheck[];
  /** False when the flag is off in the environment (a kill switch) or was written by someone else. */
  flagUnchanged: boolean;
}

export interface GateStatus {
  milestone: number;
  hold: { requiredMinutes: number; elapsedMinutes: number; passed: boolean };
  exposedUnits: { required: number; observed: number; passed: boolean };
  safeguards: { passed: boolean; degraded: string[] };
  /** The approval gate of the milestone the plan would enter next. */
  approval: { milestone: number; by: ApproverRole[]; passed: boolean } | null;
  planApproved: boolean;
}

export function gatesOf(plan: ReleasePlan, obs: PlanObservation | null, now: Date): GateStatus {
  const i = plan.current;
  const m = i >= 0 ? plan.milestones[i] : undefined;
  const elapsed = m && plan.enteredAt ? (now.getTime() - Date.parse(plan.enteredAt)) / 60_000 : 0;
  const waived = i >= 0 && plan.skipped.includes(i);
  const required = m?.gates.minExposedUnits ?? 0;
  const observed = obs?.exposedUnits ?? 0;
  const degraded = (obs?.checks ?? plan.lastChecks)
    .filter((c) => c.status === 'degraded')
    .map((c) => `${c.safeguard}@${c.channel ?? 'all'}`);
  const next = nextMilestone(plan, i);
  const gate = next >= 0 ? plan.milestones[next].gates.approval : undefined;
  return {
    milestone: i,
    hold: {
      requiredMinutes: m?.minHoldMinutes ?? 0,
      elapsedMinutes: Math.max(0, Math.floor(elapsed)),
      passed: !m || waived || elapsed >= m.minHoldMinutes,
    },
    exposedUnits: { required, observed, passed: !m || waived || observed >= required },
    safeguards: { passed: degraded.length === 0, degraded },
    approval:
      next >= 0 && gate ? { milestone: next, by: gate.by, passed: milestoneApproved(plan, next) } : null,
    planApproved: planApproved(plan),
  };
}

/** What a step asks the store to do to the flag: nothing, or serve `write`. */
export interface StepResult {
  plan: ReleasePlan;
  /** The rollout the flag must serve now (the plan records it as `applied`), or null. */
  write: Rollout | null;
  /** Channels rolled back in this step (their evidence is in the plan's last event). */
  rolledBack: string[];
}

function sameRollout(a: Rollout | undefined, b: Rollout): boolean {
  return a !== undefined && canonicalJson(a) === canonicalJson(b);
}

/** `applied` with `channels` brought down to at most `to(c)`: a reduction, nothing else changes. */
function reduced(applied: Rollout, channels: readonly string[], to: (c: string) => number): Rollout {
  const cap = (c: string, p: number) => (channels.includes(c) ? Math.min(p, to(c)) : p);
  return {
    channels: Object.fromEntries(Object.entries(applied.channels).map(([c, p]) => [c, cap(c, p)])),
    audiences: applied.audiences.map((a) => ({
      segmentId: a.segmentId,
      channels: Object.fromEntries(Object.entries(a.channels).map(([c, p]) => [c, cap(c, p)])),
    })),
  };
}

/**
 * One scheduler look at the plan. Safeguards first, in every status in which the flag serves a
 * milestone (active, paused, waiting for approval again): a degraded one pauses the plan and rolls
 * the affected channels back, a pure reduction of what the flag serves. Then a plan that is not
 * active, or lacks its approval, waits; an active one re-serves its current milestone if an
 * approved edit changed it, else advances once every gate passes, at most one milestone a step.
 */
export function stepPlan(
  plan: ReleasePlan,
  obs: PlanObservation,
  now: Date,
  by: string,
  channels: readonly string[],
): StepResult {
  const at = now.toISOString();
  const done = (p: ReleasePlan, write: Rollout | null = null, rolledBack: string[] = []): StepResult => ({
    plan: { ...p, lastChecks: obs.checks, updatedAt: at, ...(write ? { applied: write } : {}) },
    write,
    rolledBack,
  });
  if (TERMINAL.includes(plan.status)) return { plan, write: null, rolledBack: [] };
  const serving = plan.current >= 0 && plan.applied !== undefined;

  if (serving && obs.flagUnchanged) {
    const degraded = obs.checks.filter((c) => c.status === 'degraded');
    const all = degraded.some((c) => c.channel === null);
    const named = [...new Set(degraded.map((c) => c.channel).filter((c): c is string => c !== null))];
    const candidates = all ? channels : named;
    const target = (c: string) =>
      plan.rollback.channel === 'previous' ? Math.min(plan.rolledBack[c] ?? 100, prevShare(plan, c)) : 0;
    // A channel already held at its rollback share is not rolled back again.
    const affected = candidates.filter(
      (c) => plan.rolledBack[c] === undefined || plan.rolledBack[c] > target(c),
    );
    if (affected.length > 0) {
      const rolledBack = { ...plan.rolledBack };
      for (const c of affected) rolledBack[c] = target(c);
      const message = `safeguard degraded on ${affected.join(', ')}: paused, ${affected.join(', ')} rolled back (${plan.rollback.channel})`;
      const next: ReleasePlan = {
        ...plan,
        status: 'paused',
        pausedReason: message,
        rolledBack,
        events: withEvent(plan, {
          at,
          kind: 'rolled-back',
          by,
          milestone: plan.current,
          channels: affected,
          message,
          evidence: degraded,
        }),
      };
      return done(
        next,
        reduced(plan.applied as Rollout, affected, (c) => rolledBack[c]),
        affected,
      );
    }
  }

  if (plan.status === 'pending-approval' && planApproved(plan)) plan = { ...plan, status: 'active' };
  if (plan.status !== 'active') return done(plan);
  if (!planApproved(plan)) return done({ ...plan, status: 'pending-approval' });

  if (plan.current >= 0 && !obs.flagUnchanged) {
    const reason =
      'the flag was changed outside the plan (or switched off): resume once it is as the plan left it';
    return done({
      ...plan,
      status: 'paused',
      pausedReason: reason,
      events: withEvent(plan, { at, kind: 'paused', by, message: reason }),
    });
  }

  // An approved edit of the milestone the flag is at: serve it as approved now.
  if (plan.current >= 0) {
    const desired = rolloutAt(plan, plan.current, channels);
    if (!sameRollout(plan.applied, desired)) return done(plan, desired);
  }

  const gates = gatesOf(plan, obs, now);
  if (!gates.hold.passed || !gates.exposedUnits.passed) return done(plan);
  const target = nextMilestone(plan, plan.current);
  if (target < 0) {
    if (plan.current < 0) return done(plan);
    return done({
      ...plan,
      status: 'completed',
      events: withEvent(plan, { at, kind: 'completed', by, milestone: plan.current }),
    });
  }
  if (!milestoneApproved(plan, target)) return done(plan);
  const advanced: ReleasePlan = {
    ...plan,
    current: target,
    enteredAt: at,
    events: withEvent(plan, { at, kind: 'advanced', by, milestone: target }),
  };
  return done(advanced, rolloutAt(advanced, target, channels));
}

/** The share a channel had at the milestone before the current one (rollback rule `previous`). */
function prevShare(plan: ReleasePlan, channel: string): number {
  for (let k = plan.current - 1; k >= 0; k--) {
    if (plan.skipped.includes(k)) continue;
    return plan.milestones[k].channels[channel] ?? 0;
  }
  return 0;
}

export interface ActionInput {
  action: PlanAction;
  by: string;
  role: ApproverRole | 'product-owner';
  now: Date;
  /** skip: the milestone to pass over (default: the next one); approve: the milestone whose gate this is. */
  milestone?: number;
}

/**
 * A person's action on the plan. Pause, resume and abort change only whether it moves; skip is an
 * edit (a new digest that needs approval again where approvals are required); approve records an
 * approval of the current digest, of the plan or of one milestone's gate. Never the author's own.
 */
export function applyAction(plan: ReleasePlan, input: ActionInput): ReleasePlan {
  const at = input.now.toISOString();
  const { by } = input;
  if (TERMINAL.includes(plan.status)) throw new ValidationError(`the plan is ${plan.status}`, 'action');
  const event = (e: Omit<PlanEvent, 'at' | 'by'>) => withEvent(plan, { at, by, ...e });
  switch (input.action) {
    case 'pause':
      if (plan.status === 'paused') throw new ValidationError('the plan is already paused', 'action');
      return {
        ...plan,
        status: 'paused',
        pausedReason: `paused by ${by}`,
        events: event({ kind: 'paused' }),
        updatedAt: at,
      };
    case 'resume': {
      if (plan.status !== 'paused')
        throw new ValidationError(`the plan is ${plan.status}, not paused`, 'action');
      const status: PlanStatus = planApproved(plan) ? 'active' : 'pending-approval';
      // A paused milestone's hold starts again: the plan never moves on sooner than a full hold after resuming.
      return {
        ...plan,
        status,
        pausedReason: undefined,
        ...(plan.current >= 0 ? { enteredAt: at } : {}),
        events: event({ kind: 'resumed' }),
        updatedAt: at,
      };
    }
    case 'abort':
      return { ...plan, status: 'aborted', events: event({ kind: 'aborted' }), updatedAt: at };
    case 'skip': {
      const k = input.milestone ?? nextMilestone(plan, plan.current);
      if (!Number.isInteger(k) || k < 0 || k >= plan.milestones.length || k < plan.current)
        throw new ValidationError('is not a milestone the plan has still to pass', 'milestone');
      if (plan.skipped.includes(k)) throw new ValidationError('is already skipped', 'milestone');
      const edited = { ...plan, skipped: [...plan.skipped, k].sort((a, b) => a - b) };
      return reDigest(edited, { at, by, kind: 'skipped', milestone: k });
    }
    case 'approve': {
      if (input.role === 'product-owner')
        throw new ForbiddenError('product owners do not approve release plans');
      if (personOfName(by) === personOfName(plan.author))
        throw new ForbiddenError('nobody approves their own plan');
      const k = input.milestone;
      if (k !== undefined) {
        const gate = plan.milestones[k]?.gates.approval;
        if (!gate) throw new ValidationError('has no approval gate', 'milestone');
        if (!gate.by.includes(input.role))
          throw new ValidationError(`is approved by ${gate.by.join(' or ')}, not ${input.role}`, 'milestone');
      }
      const approval: PlanApproval = {
        by,
        person: personOfName(by),
        role: input.role,
        at,
        digest: plan.digest,
        ...(k !== undefined ? { milestone: k } : {}),
      };
      const next = { ...plan, approvals: [...plan.approvals, approval] };
      return {
        ...next,
        status: plan.status === 'pending-approval' && planApproved(next) ? 'active' : plan.status,
        events: event({ kind: 'approved', ...(k !== undefined ? { milestone: k } : {}) }),
        updatedAt: at,
      };
    }
  }
}

/** The plan with edited content: a new digest, approvals of the old one no longer count. */
function reDigest(plan: ReleasePlan, e: PlanEvent): ReleasePlan {
  const digest = planDigest(plan);
  const next = { ...plan, digest, events: withEvent(plan, e), updatedAt: e.at };
  const status: PlanStatus =
    next.status === 'active' && !planApproved(next) ? 'pending-approval' : next.status;
  return { ...next, status };
}

/** An edit of the plan's content by its author (PUT with a new template): approval again. */
export function editPlan(plan: ReleasePlan, content: PlanContent, by: string, now: Date): ReleasePlan {
  if (TERMINAL.includes(plan.status)) throw new ValidationError(`the plan is ${plan.status}`, 'action');
  const at = now.toISOString();
  return reDigest({ ...plan, ...planContent(content) }, { at, by, kind: 'edited' });
}
