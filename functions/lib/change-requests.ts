/**
 * Applying a change request: its write is replayed as its author, through the very route that
 * held it, marked with the request's id so the gate lets it through and the audit names it.
 */
import type { ChangeRequest } from '../../shared/governance/change-request';
import { OmnilabError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import type { RouteHandler } from './api-types';
import type { Runtime } from './composition-root';
import { changeRequestAudit } from './governance';

export async function applyChangeRequest(
  runtime: Runtime,
  routes: Record<string, RouteHandler>,
  cr: ChangeRequest,
  actor: Principal,
): Promise<ChangeRequest> {
  const route = routes[cr.routeKey];
  let result: ChangeRequest['result'];
  if (!route) {
    result = { status: 404, message: `no governed route ${cr.routeKey}` };
  } else {
    try {
      const res = await route({
        routeKey: cr.routeKey,
        params: cr.params,
        query: {},
        headers: {},
        body: cr.body,
        principal: { ...cr.author, changeRequest: cr.id },
        sourceIp: undefined,
      });
      result = { status: res.status };
    } catch (e) {
      if (!(e instanceof OmnilabError)) throw e;
      result = { status: 409, message: `${e.code}: ${e.message}` };
    }
  }
  const ok = result.status < 300;
  const now = runtime.now().toISOString();
  const next: ChangeRequest = {
    ...cr,
    status: ok ? 'applied' : 'failed',
    result,
    ...(ok ? { appliedAt: now } : {}),
    version: cr.version + 1,
    updatedAt: now,
  };
  await runtime.changeRequests.write(next, cr.version, [
    changeRequestAudit(runtime, actor, ok ? 'change-request.applied' : 'change-request.failed', cr, next),
  ]);
  return next;
}
