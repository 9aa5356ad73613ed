/**
 * The one write path. Every admin route runs against a staged runtime (functions/services/staging.ts)
 * and so only proposes item writes; `governCommit` then computes their effect on every protected
 * environment (shared/governance/effect.ts) and decides: nothing protected → commit; a kill
 * switch whose effect is a pure reduction → commit and leave it for review; a declared emergency
 * → commit, notify, and leave it for a retrospective review; anything else (or a time asked for)
 * → a change request holding the exact change, its digest and its effect. Only this module and
 * the scheduler hold the real stores.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/governance/audit-chain';
import type { ChangeRequest, ChangeRequestKind } from '../../shared/governance/change-request';
import { type Effect, isProtectedEffect, isPureReduction } from '../../shared/governance/effect';
import type { Notification } from '../../shared/governance/notification';
import {
  changeDigest,
  normalizeChange,
  type ProposedChange,
  type ProposedOp,
  writesOf,
} from '../../shared/governance/proposed-change';
import type { AuditEntry, AuditTargetType } from '../../shared/model/audit';
import { ValidationError } from '../../shared/model/errors';
import { personOf } from '../../shared/model/person';
import { mayApplyAsEmergency, mayDeclareEmergency } from '../../shared/rights/break-glass';
import type { RouteDeclarations } from '../routes/route-declaration';
import type { Runtime } from '../runtime/composition-root';
import { logger } from '../runtime/logger';
import { type BusinessMetric, countMetric } from '../runtime/metrics';
import { httpDeps, requireRight } from '../services/admin-support';
import { commitOps, declaredReasons, effectNow } from '../services/change-requests';
import {
  applyAtOf,
  changeRequestAudit,
  EMERGENCY_HEADER,
  emergencyOf,
  isKillSwitchRequest,
} from '../services/governance';
import { type Staging, stage } from '../services/staging';
import { type ApiRequest, type ApiResponse, json, type RouteHandlers, type RouteTable } from './api-types';
import { GOVERNED_WRITES, httpHandlerOf } from './http-handler';

const HOUR_MS = 3_600_000;

interface Described {
  title: string;
  target: { type: AuditTargetType; id: string };
  squad?: string;
  environments: string[];
}

function primaryAudit(audit: AuditEntry[]): AuditEntry | undefined {
  return audit.find((a) => a.target.type === 'environment') ?? audit[0];
}

function environmentsOf(a: AuditEntry): string {
  return a.environments.join(', ');
}

/** One line for lists, read off the change's main audit entry. */
function titleOf(a: AuditEntry | undefined): string {
  if (!a) return 'change';
  const id = a.target.id;
  const after = (a.after ?? {}) as Record<string, unknown>;
  switch (a.action) {
    case 'experiment.created':
    case 'experiment.updated':
      return `${a.action === 'experiment.created' ? 'create' : 'change'} experiment ${id} (${String(after.status)}) in ${environmentsOf(a)}`;
    case 'experiment.resumed':
      return `resume experiment ${id} in ${environmentsOf(a)}`;
    case 'flag.created':
      return `create flag ${id}`;
    case 'flag.updated':
      return `change flag ${id}`;
    case 'flag.environment-updated':
      return `change flag ${id} in ${environmentsOf(a)}`;
    case 'flag.channel-on':
    case 'flag.channel-off':
      return `turn flag ${id} ${a.action === 'flag.channel-on' ? 'on' : 'off'} for a channel in ${environmentsOf(a)}`;
    case 'segment.created':
    case 'segment.updated':
      return `${a.action === 'segment.created' ? 'create' : 'change'} segment ${id}`;
    case 'environment.imported':
      return `import into ${id}`;
    case 'environment.unprotected':
      return `lift the protection of environment ${id}`;
    default:
      return `${a.action} ${a.target.type} ${id}`;
  }
}

/** Title, target and owner: what the route declared, else read off the writes themselves. */
function describe(staging: Staging, effect: Effect): Described {
  const audit = staging.ops.flatMap((op) => op.audit);
  const envs = new Set([...audit.flatMap((a) => a.environments), ...Object.keys(effect.served)]);
  const declared = staging.declarations[0];
  const first = primaryAudit(audit);
  const target = declared?.target ?? first?.target ?? { type: 'flag', id: 'unknown' };
  let squad = declared?.squad;
  if (!declared) {
    for (const op of staging.ops) {
      if (op.type === 'flags') squad ??= op.writes.find((w) => w.flag.name === target.id)?.flag.squad;
      if (op.type === 'experiment' && op.experiment.key === target.id) squad ??= op.experiment.squad;
      if (op.type === 'segments')
        squad ??= op.writes.find((w) => String(w.segment.id) === target.id)?.segment.squad;
    }
  }
  const title = declared?.title ?? titleOf(first);
  return { title, target, ...(squad ? { squad } : {}), environments: [...envs].sort() };
}

function newRequest(
  runtime: Runtime,
  req: ApiRequest,
  d: Described,
  fields: {
    kind: ChangeRequestKind;
    change: ProposedChange;
    effect: Effect;
    status: ChangeRequest['status'];
    requiredApprovals: number;
  } & Partial<ChangeRequest>,
): ChangeRequest {
  const now = runtime.now().toISOString();
  const change = normalizeChange(fields.change);
  return {
    id: runtime.newId(),
    title: d.title,
    routeKey: req.routeKey,
    params: req.params,
    body: req.body ?? null,
    target: d.target,
    environments: d.environments,
    ...(d.squad ? { squad: d.squad } : {}),
    author: { ...req.principal },
    approvals: [],
    revision: 1,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...fields,
    change,
    digest: changeDigest(change),
  };
}

/** A request applied at once keeps its digest and one line per write, not the items themselves. */
function brief(cr: ChangeRequest): ChangeRequest {
  const { change, ...rest } = cr;
  return { ...rest, writes: writesOf(change?.ops ?? []) };
}

/** What each way of creating a change request counts (functions/runtime/metrics.ts). */
const CREATED_METRIC: Record<string, BusinessMetric> = {
  'change-request.opened': 'ChangeRequestsOpened',
  'change-request.emergency-applied': 'ChangeRequestsApplied',
  'change-request.kill-switch-applied': 'ChangeRequestsApplied',
};

async function record(runtime: Runtime, req: ApiRequest, cr: ChangeRequest, action: string): Promise<void> {
  await runtime.changeRequests.write(cr, null, [
    changeRequestAudit(runtime, req.principal, action, null, cr),
  ]);
  const metric = CREATED_METRIC[action];
  if (metric) countMetric(metric);
}

/** Decides what happens to the change a route proposed, and answers the caller. */
export async function governCommit(
  runtime: Runtime,
  req: ApiRequest,
  staging: Staging,
  response: ApiResponse,
): Promise<ApiResponse> {
  // Reads, and writes that propose nothing, answer as they are.
  if (response.status >= 300 || (staging.ops.length === 0 && !staging.plan)) return response;
  const applyAt = applyAtOf(req, runtime.now());
  const emergency = emergencyOf(req);
  if (emergency !== undefined && applyAt !== undefined)
    throw new ValidationError(
      `an emergency applies now: leave out the apply-at header`,
      'headers.omnilab-emergency',
    );
  const declared = await declaredReasons(runtime, staging.declarations);
  const effect = await effectNow(runtime, staging.ops, declared);
  const d = describe(staging, effect);
  const now = runtime.now();

  if (staging.plan) {
    const required = isProtectedEffect(effect) ? 1 : 0;
    const cr = newRequest(runtime, req, d, {
      kind: 'rollout-plan',
      change: { ops: [], plan: staging.plan },
      effect,
      status: required === 0 ? 'approved' : 'open',
      requiredApprovals: required,
      steps: staging.plan.steps.map((s) => ({ ...s })),
    });
    await record(runtime, req, cr, 'change-request.opened');
    return held(cr, staging);
  }

  if (!isProtectedEffect(effect) && applyAt === undefined) {
    await commitOps(runtime, staging.ops);
    return response;
  }

  if (emergency !== undefined) {
    // Break-glass restores service; it never changes rights or governance (shared/rights/break-glass.ts).
    requireRight(mayApplyAsEmergency(staging.ops, effect));
    const cr = brief(
      newRequest(runtime, req, d, {
        kind: 'emergency',
        change: { ops: staging.ops },
        effect,
        status: 'needs-review',
        requiredApprovals: 1,
        emergencyReason: emergency,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        reviewDueAt: new Date(now.getTime() + runtime.config.emergencyReviewHours * HOUR_MS).toISOString(),
        appliedAt: now.toISOString(),
        result: { status: response.status },
      }),
    );
    await commitOps(runtime, staging.ops, { changeRequest: cr.id, emergency });
    await record(runtime, req, cr, 'change-request.emergency-applied');
    // Stored for the console and logged at once (the SNS client stays out of the admin bundles);
    // overdue reviews go out through the scheduler's notifier.
    const note: Notification = {
      id: runtime.newId(),
      at: now.toISOString(),
      kind: 'emergency-change',
      subject: d.target.id,
      message: `${req.principal.name} declared an emergency and applied it at once (${emergency}): ${d.title}; a second person must review it by ${cr.reviewDueAt} (change request ${cr.id})`,
      details: { changeRequest: cr.id, reason: emergency, effect },
    };
    await runtime.notifications.add(note);
    logger.warn(note.message, { notification: note.kind, changeRequest: cr.id });
    return response;
  }

  if (applyAt === undefined && isKillSwitchRequest(req) && isPureReduction(effect)) {
    const cr = brief(
      newRequest(runtime, req, d, {
        kind: 'kill-switch',
        title: `kill switch: ${d.title}`,
        change: { ops: staging.ops },
        effect,
        status: 'needs-review',
        requiredApprovals: 1,
        appliedAt: now.toISOString(),
        result: { status: response.status },
      }),
    );
    await commitOps(runtime, staging.ops, { changeRequest: cr.id });
    await record(runtime, req, cr, 'change-request.kill-switch-applied');
    await runtime.notifications.add({
      id: runtime.newId(),
      at: now.toISOString(),
      kind: 'kill-switch',
      subject: d.target.id,
      message: `${req.principal.name} used the kill switch: ${d.title}; it waits for review (change request ${cr.id})`,
      details: { changeRequest: cr.id },
    });
    return response;
  }

  // The same change asked for again (experiments as code run twice, a form sent twice) is the
  // request already pending, not a second one.
  const pending = await pendingSameChange(runtime, req, staging.ops, applyAt);
  if (pending) return held(pending, staging, true);

  const required = isProtectedEffect(effect) ? 1 : 0;
  const cr = newRequest(runtime, req, d, {
    kind: 'change',
    change: { ops: staging.ops },
    effect,
    status: required === 0 ? 'approved' : 'open',
    requiredApprovals: required,
    ...(applyAt ? { applyAt } : {}),
  });
  await record(runtime, req, cr, 'change-request.opened');
  return held(cr, staging);
}

/**
 * What makes two change requests the same change: the same person asking, through the same route
 * with the same path parameters, body and apply-at time, for item writes on the same items at the
 * same base versions. Times of the write and audit entries are left out: they differ every time.
 */
export function changeIdentity(x: {
  author: ChangeRequest['author'];
  routeKey: string;
  params: Record<string, string>;
  body: unknown;
  applyAt?: string;
  ops: readonly ProposedOp[];
}): string {
  return createHash('sha256')
    .update(
      canonicalJson(
        JSON.parse(
          JSON.stringify({
            person: personOf(x.author),
            routeKey: x.routeKey,
            params: x.params,
            body: x.body ?? null,
            applyAt: x.applyAt ?? null,
            writes: writesOf(x.ops),
          }),
        ),
      ),
    )
    .digest('hex');
}

/** An open or approved, not yet applied, change request for the same change, newest first. */
async function pendingSameChange(
  runtime: Runtime,
  req: ApiRequest,
  ops: readonly ProposedOp[],
  applyAt: string | undefined,
): Promise<ChangeRequest | null> {
  const wanted = changeIdentity({
    author: req.principal,
    routeKey: req.routeKey,
    params: req.params,
    body: req.body,
    ops,
    ...(applyAt ? { applyAt } : {}),
  });
  const candidates = await runtime.changeRequests.list({ statuses: ['open', 'approved'] });
  return (
    candidates.find(
      (cr) =>
        cr.kind === 'change' &&
        cr.change !== undefined &&
        changeIdentity({ ...cr, ops: cr.change.ops }) === wanted,
    ) ?? null
  );
}

function held(cr: ChangeRequest, staging: Staging, alreadyPending = false): ApiResponse {
  const when =
    cr.requiredApprovals > 0
      ? 'it applies once another person approves it'
      : cr.applyAt
        ? `it applies at ${cr.applyAt}`
        : 'it applies at its times';
  // A held token mint hands back its secret once: no cache keeps that answer.
  const noStore: Record<string, string> =
    'secret' in staging.heldExtras ? { 'cache-control': 'no-store' } : {};
  return json(
    202,
    {
      ...staging.heldExtras,
      changeRequest: cr,
      ...(alreadyPending ? { alreadyPending: true } : {}),
      message: alreadyPending
        ? `change request ${cr.id} is already pending for this change (none opened again): ${when}`
        : `change request ${cr.id} opened: ${when}`,
    },
    noStore,
  );
}

/**
 * An HTTP handler whose routes run staged and whose writes go through `governCommit`. Admin
 * handlers are built with it; createHttpHandler refuses a write route that is not.
 */
export function createGovernedHttpHandler<D extends RouteDeclarations>(
  runtime: Runtime,
  declarations: D,
  routes: (staged: Runtime) => RouteHandlers<D>,
) {
  return httpHandlerOf(httpDeps(runtime), declarations, governedRouteTable(runtime, routes), {
    governed: GOVERNED_WRITES,
  });
}

/** The route table, each route run against a fresh staged runtime and committed by `governCommit`. */
export function governedRouteTable(runtime: Runtime, routes: (staged: Runtime) => RouteTable): RouteTable {
  const keys = Object.keys(routes(stage(runtime)));
  return Object.fromEntries(
    keys.map((key) => [
      key,
      async (req: ApiRequest) => {
        if (req.headers[EMERGENCY_HEADER] !== undefined)
          requireRight(mayDeclareEmergency(req.routeKey, req.params));
        const staged = stage(runtime);
        const response = await routes(staged)[key](req);
        return governCommit(runtime, req, staged.staging, response);
      },
    ]),
  );
}
