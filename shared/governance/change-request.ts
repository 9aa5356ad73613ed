/**
 * A change request: a proposed change whose computed effect reaches a protected environment, held
 * until another person with the right approves it (four eyes), then applied exactly as it was
 * approved: its content is the item writes against the versions they were computed from, and
 * approvals bind to its digest. The rules, in one place, are in docs/governance.md; this module
 * holds the pure ones.
 */
import type { AuditTargetType } from '../model/audit';
import { personOf, personOfName } from '../model/person';
import type { Principal } from '../model/token';
import type { Effect } from './effect';
import type { ProposedChange } from './proposed-change';

export const CHANGE_REQUEST_STATUSES = [
  /** waiting for approval */
  'open',
  /** approved; applies when applied (or at `applyAt`, by the scheduler) */
  'approved',
  /** a rollout plan whose first steps applied; the rest apply at their times */
  'in-progress',
  'applied',
  'rejected',
  /** the author withdrew it */
  'cancelled',
  /** it could not apply (the target changed meanwhile): edit it, which asks for approval again */
  'failed',
  /** a rollout plan a guardrail stopped */
  'stopped',
  /** a kill switch or a declared emergency applied at once: it waits for a second look */
  'needs-review',
  'reviewed',
] as const;
export type ChangeRequestStatus = (typeof CHANGE_REQUEST_STATUSES)[number];

/** Statuses that still want something from a person: the console's list of open requests. */
export const PENDING_STATUSES: readonly ChangeRequestStatus[] = [
  'open',
  'approved',
  'failed',
  'needs-review',
];

/** `emergency`: break-glass, applied at once with a reason, reviewed by a second person afterwards. */
export type ChangeRequestKind = 'change' | 'kill-switch' | 'rollout-plan' | 'emergency';

export interface Approval {
  by: string;
  at: string;
  /** The revision approved: an edit makes a new revision, and earlier approvals no longer count. */
  revision: number;
  /** The digest of the change approved: an approval counts only while the content still has it. */
  digest?: string;
}

export interface RolloutStep {
  percent: number;
  /** ISO time the step applies at. */
  at: string;
  appliedAt?: string;
}

export interface ChangeRequest {
  id: string;
  kind: ChangeRequestKind;
  /** One line for lists: what would change. */
  title: string;
  /** The request that proposed it (route, path parameters, validated body): what an edit re-runs. */
  routeKey: string;
  params: Record<string, string>;
  body: unknown;
  target: { type: AuditTargetType; id: string };
  environments: string[];
  /** The owning squad, if any: its members may approve. */
  squad?: string;
  author: Principal;
  status: ChangeRequestStatus;
  /** 0 when nothing is protected (a scheduled change in development). */
  requiredApprovals: number;
  approvals: Approval[];
  revision: number;
  /** Apply no earlier than this (ISO); the scheduler applies it once approved. */
  applyAt?: string;
  /** For rollout plans: the experiment's traffic share steps. */
  steps?: RolloutStep[];
  decidedBy?: string;
  reason?: string;
  appliedAt?: string;
  /** What applying it answered. */
  result?: { status: number; message?: string };
  /** The exact change: item writes against the versions they were computed from (or a plan). */
  change?: ProposedChange;
  /** SHA-256 of the canonical JSON of `change`: approvals name it. */
  digest?: string;
  /**
   * For a change applied at once (kill switch, emergency): its item writes, one line each, instead
   * of the whole change (the audit entries marked with this request's id hold it).
   */
  writes?: { type: string; id: string; expectedVersion: number | null }[];
  /** What the change does to protected environments, as last computed (at opening, edit or apply). */
  effect?: Effect;
  /** For emergencies: the reason declared, and when the retrospective review is due. */
  emergencyReason?: string;
  reviewDueAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Approvals of the current revision and digest, by distinct persons other than the author. */
export function currentApprovals(cr: ChangeRequest): Approval[] {
  const seen = new Set<string>();
  return cr.approvals.filter((a) => {
    if (a.digest !== cr.digest) return false;
    const approver = personOfName(a.by);
    if (a.revision !== cr.revision || approver === personOf(cr.author) || seen.has(approver)) return false;
    seen.add(approver);
    return true;
  });
}

export function isApproved(cr: ChangeRequest): boolean {
  return currentApprovals(cr).length >= cr.requiredApprovals;
}

/** Who may approve lives with the other rights (shared/rights/approval.ts); re-exported for its callers. */
export { mayApprove } from '../rights/approval';

/** Rollout plans step up only: each share larger than the last, each time later, at most 100%. */
export function rolloutPlanProblem(steps: readonly RolloutStep[]): { field: string; message: string } | null {
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].percent <= steps[i - 1].percent)
      return { field: `steps[${i}].percent`, message: 'must be above the step before' };
    if (Date.parse(steps[i].at) <= Date.parse(steps[i - 1].at))
      return { field: `steps[${i}].at`, message: 'must be after the step before' };
  }
  return null;
}
