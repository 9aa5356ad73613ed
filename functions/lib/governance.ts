/**
 * The four-eyes gate every governed write passes through: a write that reaches a protected
 * environment (or asks for a time with the `omnilab-apply-at` header) is stored as a change
 * request and answered 202; the write itself runs later, replayed as its author once approved.
 * No route writes a flag, an experiment or a segment without asking the gate first, so import,
 * experiments-as-code and direct calls all meet the same rule.
 */
import {
  type ChangeRequest,
  type ChangeRequestKind,
  currentApprovals,
  type RolloutStep,
} from '../../shared/governance/change-request';
import type { AuditTargetType } from '../../shared/model/audit';
import { isProtected } from '../../shared/model/environment';
import { ValidationError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import { auditEntry } from './admin-support';
import { type ApiRequest, type ApiResponse, json } from './api-types';
import type { Runtime } from './composition-root';

/** The header that schedules any governed write: an ISO time. */
export const APPLY_AT_HEADER = 'omnilab-apply-at';

export interface GovernedChange {
  title: string;
  target: { type: AuditTargetType; id: string };
  /** Every environment the write changes. */
  environments: string[];
  squad?: string;
  /** True when the write must be approved whatever the environments (resuming a halted channel). */
  alwaysApprove?: boolean;
  kind?: ChangeRequestKind;
  steps?: RolloutStep[];
}

export async function protectedEnvironments(runtime: Runtime): Promise<Set<string>> {
  return new Set((await runtime.environments.list()).filter(isProtected).map((e) => e.name));
}

function applyAtOf(req: ApiRequest, now: Date): string | undefined {
  const raw = req.headers[APPLY_AT_HEADER];
  if (raw === undefined || raw === '') return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new ValidationError('is not an ISO 8601 time', `headers.${APPLY_AT_HEADER}`);
  if (at <= now.getTime()) throw new ValidationError('must be in the future', `headers.${APPLY_AT_HEADER}`);
  return new Date(at).toISOString();
}

export function changeRequestAudit(
  runtime: Runtime,
  principal: Principal,
  action: string,
  before: ChangeRequest | null,
  after: ChangeRequest,
) {
  return auditEntry(runtime, principal, {
    action,
    target: { type: 'change-request', id: after.id },
    environments: after.environments,
    before,
    after,
  });
}

/** Stores the write as a change request, and answers what the caller sees: 202 with it. */
export async function openChangeRequest(
  runtime: Runtime,
  req: ApiRequest,
  change: GovernedChange,
  requiredApprovals: number,
  applyAt?: string,
): Promise<ApiResponse> {
  const now = runtime.now().toISOString();
  const cr: ChangeRequest = {
    id: runtime.newId(),
    kind: change.kind ?? 'change',
    title: change.title,
    routeKey: req.routeKey,
    params: req.params,
    body: req.body ?? null,
    target: change.target,
    environments: change.environments,
    ...(change.squad ? { squad: change.squad } : {}),
    author: { ...req.principal },
    status: requiredApprovals === 0 ? 'approved' : 'open',
    requiredApprovals,
    approvals: [],
    revision: 1,
    ...(applyAt ? { applyAt } : {}),
    ...(change.steps ? { steps: change.steps } : {}),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await runtime.changeRequests.write(cr, null, [
    changeRequestAudit(runtime, req.principal, 'change-request.opened', null, cr),
  ]);
  return json(202, {
    changeRequest: cr,
    message: `change request ${cr.id} opened: ${
      requiredApprovals > 0 ? 'it applies once another principal approves it' : `it applies at ${applyAt}`
    }`,
  });
}

/**
 * Null when the write may go ahead now: it is the replay of an approved change request, or it
 * touches no protected environment and asks for no time. Otherwise the 202 of a new request.
 */
export async function gate(
  runtime: Runtime,
  req: ApiRequest,
  change: GovernedChange,
): Promise<ApiResponse | null> {
  if (req.principal.changeRequest) return null;
  const applyAt = applyAtOf(req, runtime.now());
  const guarded = await protectedEnvironments(runtime);
  const needsApproval = change.alwaysApprove === true || change.environments.some((e) => guarded.has(e));
  if (!needsApproval && !applyAt) return null;
  return openChangeRequest(runtime, req, change, needsApproval ? 1 : 0, applyAt);
}

/**
 * A kill switch in a protected environment applies at once (stopping harm must never wait) and
 * leaves a request marked for review, so a second person still looks at it afterwards.
 */
export async function recordKillSwitch(
  runtime: Runtime,
  req: ApiRequest,
  change: GovernedChange,
): Promise<void> {
  if (req.principal.changeRequest) return;
  const guarded = await protectedEnvironments(runtime);
  if (!change.environments.some((e) => guarded.has(e))) return;
  const now = runtime.now().toISOString();
  const cr: ChangeRequest = {
    id: runtime.newId(),
    kind: 'kill-switch',
    title: change.title,
    routeKey: req.routeKey,
    params: req.params,
    body: req.body ?? null,
    target: change.target,
    environments: change.environments,
    ...(change.squad ? { squad: change.squad } : {}),
    author: { ...req.principal },
    status: 'needs-review',
    requiredApprovals: 1,
    approvals: [],
    revision: 1,
    appliedAt: now,
    result: { status: 200 },
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await runtime.changeRequests.write(cr, null, [
    changeRequestAudit(runtime, req.principal, 'change-request.kill-switch-applied', null, cr),
  ]);
  await runtime.notifications.add({
    id: runtime.newId(),
    at: now,
    kind: 'kill-switch',
    subject: change.target.id,
    message: `${req.principal.name} used the kill switch: ${change.title}; it waits for review (change request ${cr.id})`,
    details: { changeRequest: cr.id },
  });
}

export function approvalSummary(cr: ChangeRequest): string {
  return currentApprovals(cr)
    .map((a) => a.by)
    .join(', ');
}
