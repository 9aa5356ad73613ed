/**
 * The vocabulary of governance that routes and the governed commit share: the headers that
 * schedule a change or declare an emergency, what a route may declare about its change (`gate`,
 * `proposePlan`, `heldExtras`), and the audit entry of a change request. Routes never decide
 * whether their change is held: they run against a staged runtime (functions/services/staging.ts) and
 * the governed commit (functions/http/governed-handler.ts) decides from the change's computed effect.
 */
import type { ChangeRequest, RolloutStep } from '../../shared/governance/change-request';
import { currentApprovals } from '../../shared/governance/change-request';
import type { AuditTargetType } from '../../shared/model/audit';
import { isProtected } from '../../shared/model/environment';
import { ValidationError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import type { ApiRequest, ApiResponse } from '../http/api-types';
import type { Runtime } from '../runtime/composition-root';
import { auditEntry } from './admin-support';
import { parseApplyAt } from './apply-at';
import { isStaged } from './staging';

/** The header that schedules any governed write: an ISO time. */
export const APPLY_AT_HEADER = 'omnilab-apply-at';
/** Break-glass: the header that declares an emergency change, with its reason. */
export const EMERGENCY_HEADER = 'omnilab-emergency';

export interface GovernedChange {
  title: string;
  target: { type: AuditTargetType; id: string };
  /** Environments the route names; a protected one makes the change protected whatever it serves. */
  environments: string[];
  squad?: string;
  /** True when the change must be approved whatever its computed effect. */
  alwaysApprove?: boolean;
  steps?: RolloutStep[];
}

export async function protectedEnvironments(runtime: Runtime): Promise<Set<string>> {
  return new Set((await runtime.environments.list()).filter(isProtected).map((e) => e.name));
}

function requireStaged(runtime: Runtime, what: string) {
  if (!isStaged(runtime))
    throw new Error(
      `${what} is for routes, which run staged: build the handler with createGovernedHttpHandler`,
    );
  return runtime.staging;
}

/**
 * Declares what the route's change is (title, target, owning squad) and, with `alwaysApprove` or a
 * protected environment in `environments`, that it must be approved whatever it serves. Returns
 * null: the route goes on and writes as usual; the governed commit holds the whole change when it
 * must. (It returned the 202 itself before the effect model; callers that `return held` when it is
 * not null keep working.)
 */
export async function gate(
  runtime: Runtime,
  _req: ApiRequest,
  change: GovernedChange,
): Promise<ApiResponse | null> {
  requireStaged(runtime, 'gate').declarations.push({ ...change });
  return null;
}

/** A rollout plan: the route stages its last step (for the effect) and declares the plan. */
export function proposePlan(runtime: Runtime, change: GovernedChange & { steps: RolloutStep[] }): void {
  const staging = requireStaged(runtime, 'proposePlan');
  staging.plan = {
    experiment: change.target.id,
    steps: change.steps.map((s) => ({ percent: s.percent, at: s.at })),
  };
  staging.declarations.push({ ...change, environments: [] });
}

/** What the author gets back in the 202 when the change is held (e.g. a minted token's secret). */
export function heldExtras(runtime: Runtime, extras: Record<string, unknown>): void {
  Object.assign(requireStaged(runtime, 'heldExtras').heldExtras, extras);
}

/** RFC 3339 with a zone, in the future (./apply-at.ts); its four-digit year caps it at 9999 for now. */
export function applyAtOf(req: ApiRequest, now: Date): string | undefined {
  return parseApplyAt(req.headers[APPLY_AT_HEADER], now, Number.POSITIVE_INFINITY);
}

const MAX_REASON = 500;

/** The declared emergency's reason, or undefined when none is declared. A blank reason is refused. */
export function emergencyOf(req: ApiRequest): string | undefined {
  const raw = req.headers[EMERGENCY_HEADER];
  if (raw === undefined) return undefined;
  const reason = raw.trim();
  const field = `headers.${EMERGENCY_HEADER}`;
  if (reason === '') throw new ValidationError('must say why this is an emergency', field);
  if (reason.length > MAX_REASON) throw new ValidationError(`is longer than ${MAX_REASON} characters`, field);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(reason)) throw new ValidationError('contains a control character', field);
  return reason;
}

/** Only switching off, nothing else: the shape of a kill switch (it still has to be a pure reduction). */
export function isKillSwitchRequest(req: ApiRequest): boolean {
  const body = req.body;
  if (typeof body !== 'object' || body === null || !('enabled' in body) || body.enabled !== false)
    return false;
  if (req.routeKey === 'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}') return true;
  if (req.routeKey !== 'PUT /api/admin/flags/{name}/environments/{env}') return false;
  return Object.keys(body).every((k) => k === 'version' || k === 'enabled');
}

/** The audit entry of a change request's step; it carries the digest, not the whole change. */
export function changeRequestAudit(
  runtime: Runtime,
  principal: Principal,
  action: string,
  before: ChangeRequest | null,
  after: ChangeRequest,
) {
  const brief = (cr: ChangeRequest | null) => {
    if (!cr) return null;
    const { change: _change, ...rest } = cr;
    return rest;
  };
  return {
    ...auditEntry(runtime, principal, {
      action,
      target: { type: 'change-request', id: after.id },
      environments: after.environments,
      before: brief(before),
      after: brief(after),
    }),
    changeRequest: after.id,
  };
}

export function approvalSummary(cr: ChangeRequest): string {
  return currentApprovals(cr)
    .map((a) => a.by)
    .join(', ');
}
