/**
 * Change requests (list, read, approve, reject, edit, apply), the audit chain's verification and
 * export, and the notifications the scheduled function raised. Rules: docs/governance.md.
 */
import { auditCsv, verifyChain } from '../../shared/governance/audit-chain';
import {
  CHANGE_REQUEST_STATUSES,
  type ChangeRequest,
  type ChangeRequestStatus,
  isApproved,
  mayApprove,
} from '../../shared/governance/change-request';
import { isProtectedEffect } from '../../shared/governance/effect';
import { changeDigest, normalizeChange } from '../../shared/governance/proposed-change';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  OmnilabError,
  ServiceUnavailableError,
  ValidationError,
} from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import { credentialsFromEnv } from '../aws/aws-request';
import { json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_GOVERNANCE_ROUTES } from '../routes/admin-governance-routes';
import type { Runtime } from '../runtime/composition-root';
import { countMetric } from '../runtime/metrics';
import { requireRight, requireVersion } from '../services/admin-support';
import { DEFAULT_PAGE_LIMIT, pageChangeRequests } from '../services/change-request-page';
import { applyChangeRequest, declaredReasons, effectNow } from '../services/change-requests';
import { changeRequestAudit } from '../services/governance';
import { createLambdaRestage } from '../services/lambda-restage';
import type { RestageAnswer } from '../services/restage-protocol';
import { ownerOf } from '../services/route-owners';

/**
 * The owner's refusal, answered as it would have been: statuses follow the code (map-errors), so
 * only a 400's field and a 503's Retry-After need their own classes.
 */
function errorOfAnswer(answer: Extract<RestageAnswer, { ok: false }>): OmnilabError {
  if (answer.code === 'BAD_REQUEST') return new ValidationError(answer.message, answer.field);
  if (answer.code === 'UNAVAILABLE') return new ServiceUnavailableError(answer.message);
  return new OmnilabError(answer.code, answer.message);
}

function requireApprover(principal: Principal, cr: ChangeRequest): void {
  requireRight(mayApprove(principal, cr));
}

export function governanceRoutes(runtime: Runtime): RouteHandlers<typeof ADMIN_GOVERNANCE_ROUTES> {
  // On AWS the owner is another Lambda function, invoked with the function role's credentials.
  const restage = runtime.restage ?? createLambdaRestage(runtime.config, credentialsFromEnv());
  async function requireRequest(id: string): Promise<ChangeRequest> {
    const cr = await runtime.changeRequests.get(id);
    if (!cr) throw new NotFoundError(`no change request ${id}`);
    return cr;
  }

  async function save(principal: Principal, action: string, before: ChangeRequest, after: ChangeRequest) {
    await runtime.changeRequests.write(after, before.version, [
      changeRequestAudit(runtime, principal, action, before, after),
    ]);
    return json(200, after);
  }

  function bump(cr: ChangeRequest, changes: Partial<ChangeRequest>): ChangeRequest {
    return { ...cr, ...changes, version: cr.version + 1, updatedAt: runtime.now().toISOString() };
  }

  return {
    'GET /api/admin/change-requests': async (req) => {
      const raw = req.query.status;
      const statuses = raw ? raw.split(',') : undefined;
      for (const s of statuses ?? []) {
        if (!CHANGE_REQUEST_STATUSES.includes(s as ChangeRequestStatus))
          throw new ValidationError(
            `is not a status (${CHANGE_REQUEST_STATUSES.join(', ')})`,
            'query.status',
          );
      }
      const limit = req.query.limit ? Number(req.query.limit) : DEFAULT_PAGE_LIMIT;
      const list = await runtime.changeRequests.list(
        statuses ? { statuses: statuses as ChangeRequestStatus[] } : undefined,
      );
      // One page, never over what a synchronous Lambda may answer; `next` leads to the following one.
      return json(200, pageChangeRequests(list, { limit, next: req.query.next }));
    },

    'GET /api/admin/change-requests/{id}': async (req) => json(200, await requireRequest(req.params.id)),

    'POST /api/admin/change-requests/{id}/approve': async (req) => {
      const { version } = req.body;
      const cr = await requireRequest(req.params.id);
      requireApprover(req.principal, cr);
      requireVersion(cr.version, version, `change request ${cr.id}`);
      const at = runtime.now().toISOString();
      if (cr.status === 'needs-review') {
        return save(
          req.principal,
          'change-request.reviewed',
          cr,
          bump(cr, { status: 'reviewed', decidedBy: req.principal.name }),
        );
      }
      if (cr.status !== 'open' && cr.status !== 'approved')
        throw new ConflictError(`change request ${cr.id} is ${cr.status}: nothing to approve`);
      if (cr.approvals.some((a) => a.by === req.principal.name && a.revision === cr.revision))
        throw new ConflictError(`${req.principal.name} approved this revision already`);
      const next = bump(cr, {
        approvals: [
          ...cr.approvals,
          { by: req.principal.name, at, revision: cr.revision, ...(cr.digest ? { digest: cr.digest } : {}) },
        ],
      });
      next.status = isApproved(next) ? 'approved' : 'open';
      const saved = await save(req.principal, 'change-request.approved', cr, next);
      if (next.status === 'approved' && cr.status !== 'approved') countMetric('ChangeRequestsApproved');
      return saved;
    },

    'POST /api/admin/change-requests/{id}/reject': async (req) => {
      const { version, reason } = req.body;
      const cr = await requireRequest(req.params.id);
      const own = req.principal.name === cr.author.name;
      // The author may withdraw; anyone else needs the right to approve to refuse.
      if (!own) requireApprover(req.principal, cr);
      requireVersion(cr.version, version, `change request ${cr.id}`);
      if (!['open', 'approved', 'failed', 'in-progress'].includes(cr.status))
        throw new ConflictError(`change request ${cr.id} is ${cr.status}: nothing to reject`);
      const next = bump(cr, {
        status: own ? 'cancelled' : 'rejected',
        decidedBy: req.principal.name,
        ...(reason ? { reason } : {}),
      });
      return save(req.principal, own ? 'change-request.cancelled' : 'change-request.rejected', cr, next);
    },

    'PUT /api/admin/change-requests/{id}': async (req) => {
      const { version, body } = req.body;
      const cr = await requireRequest(req.params.id);
      if (req.principal.name !== cr.author.name)
        throw new ForbiddenError('only the author edits a change request; others approve or reject it');
      requireVersion(cr.version, version, `change request ${cr.id}`);
      if (!['open', 'approved', 'failed'].includes(cr.status) || cr.kind !== 'change')
        throw new ConflictError(`change request ${cr.id} is ${cr.status}: it can no longer be edited`);
      // The edited request runs again, staged, as its author, in the function that owns its route
      // (functions/services/restage-protocol.ts): a new exact change, a new effect.
      const owner = ownerOf(cr.routeKey);
      if (!owner)
        throw new ConflictError(`change request ${cr.id} cannot be edited: no route ${cr.routeKey}`);
      const restaged = await restage(owner, {
        routeKey: cr.routeKey,
        params: cr.params,
        body,
        principal: req.principal,
        sourceIp: req.sourceIp,
      });
      if (!restaged.ok) throw errorOfAnswer(restaged);
      const parsed = restaged.body;
      const change = normalizeChange({ ops: restaged.ops });
      const declared = await declaredReasons(runtime, restaged.declarations);
      const effect = await effectNow(runtime, change.ops, declared);
      // What was approved is no longer what would apply: every approval so far stops counting,
      // and the approvals required follow the new effect.
      const next = bump(cr, {
        body: parsed,
        change,
        digest: changeDigest(change),
        effect,
        requiredApprovals: isProtectedEffect(effect) ? 1 : 0,
        revision: cr.revision + 1,
      });
      next.status = isApproved(next) ? 'approved' : 'open';
      delete next.result;
      return save(req.principal, 'change-request.edited', cr, next);
    },

    'POST /api/admin/change-requests/{id}/apply': async (req) => {
      const { version } = req.body;
      const cr = await requireRequest(req.params.id);
      if (req.principal.name !== cr.author.name) requireApprover(req.principal, cr);
      requireVersion(cr.version, version, `change request ${cr.id}`);
      if (cr.kind !== 'change') throw new ConflictError(`a ${cr.kind} applies on its own schedule`);
      if (cr.status !== 'approved' || !isApproved(cr))
        throw new ConflictError(
          `change request ${cr.id} is ${cr.status}: it applies once another principal approves it`,
        );
      if (cr.applyAt && Date.parse(cr.applyAt) > runtime.now().getTime())
        throw new ConflictError(`change request ${cr.id} applies at ${cr.applyAt}, not before`);
      const done = await applyChangeRequest(runtime, cr, req.principal);
      return json(done.status === 'applied' ? 200 : 409, done);
    },

    'GET /api/admin/audit/verify': async () => {
      const [entries, head] = await Promise.all([runtime.audit.chain(), runtime.audit.head()]);
      return json(200, { ...verifyChain(entries, head), head });
    },

    'GET /api/admin/audit/export': async (req) => {
      const query = req.query;
      const from = query.from ? Date.parse(query.from) : Number.NEGATIVE_INFINITY;
      const to = query.to ? Date.parse(query.to) : Number.POSITIVE_INFINITY;
      const entries = (await runtime.audit.chain()).filter((e) => {
        const at = Date.parse(e.at);
        return at >= from && at <= to;
      });
      if (query.format === 'csv') {
        return {
          status: 200,
          body: auditCsv(entries),
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': 'attachment; filename="omnilab-audit.csv"',
          },
        };
      }
      return json(200, { from: query.from ?? null, to: query.to ?? null, entries });
    },

    'GET /api/admin/notifications': async (req) => {
      const limit = req.query.limit ? Number(req.query.limit) : undefined;
      return json(200, { notifications: await runtime.notifications.list(limit) });
    },
  };
}
