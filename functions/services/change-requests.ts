/**
 * The real writer: commits a proposed change to the stores (each write a compare-and-swap on the
 * version it was computed from), computes a change's effect against what is stored now, and
 * applies an approved change request: only while its content still has the digest approved, and
 * only if its effect now is no larger than the one approved (else it wants approval again).
 */
import { type ChangeRequest, currentApprovals, isApproved } from '../../shared/governance/change-request';
import {
  computeEffect,
  type Effect,
  effectGrew,
  NO_EFFECT,
  oversizeDocuments,
} from '../../shared/governance/effect';
import {
  applyToState,
  type ConfigState,
  changeDigest,
  type ProposedChange,
  type ProposedOp,
} from '../../shared/governance/proposed-change';
import type { AuditEntry } from '../../shared/model/audit';
import { ConflictError, OmnilabError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import type { Runtime } from '../runtime/composition-root';
import { countMetric } from '../runtime/metrics';
import { changeRequestAudit, protectedEnvironments } from './governance';
import type { Declaration } from './staging';

export async function readState(runtime: Runtime): Promise<ConfigState> {
  const [flags, segments, experiments, metrics, environments] = await Promise.all([
    runtime.flags.list(),
    runtime.segments.list(),
    runtime.experiments.list(),
    runtime.metrics.list(),
    runtime.environments.list(),
  ]);
  return { flags, segments, experiments, metrics, environments };
}

/** What a route declared protected whatever it serves, as effect keys. */
export async function declaredReasons(
  runtime: Runtime,
  declarations: readonly Declaration[],
): Promise<string[]> {
  if (declarations.length === 0) return [];
  const guarded = await protectedEnvironments(runtime);
  const out: string[] = [];
  for (const d of declarations) {
    const what = `${d.target.type}:${d.target.id}`;
    if (d.alwaysApprove) out.push(`${what}:always`);
    for (const env of d.environments) if (guarded.has(env)) out.push(`${env}:${what}`);
  }
  return out;
}

/**
 * The most a protected environment's served document (segments inlined) may weigh after a write:
 * well under Lambda's 6 MB response limit, with room for the response envelope.
 */
export const SERVED_DOCUMENT_LIMIT_BYTES = 5 * 1024 * 1024;

/** The write would push what a protected environment serves past the limit: nothing was written. */
export class ServedDocumentTooLargeError extends OmnilabError {
  constructor(environment: string, sizeBytes: number, limitBytes: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `the document environment ${environment} serves (segments inlined) would be ${sizeBytes} bytes, over the limit of ${limitBytes} bytes: make flags or segments smaller, or archive flags`,
    );
  }
}

/** The effect of `ops` if they applied now; refuses ops that would make a served document too large. */
export async function effectNow(
  runtime: Runtime,
  ops: readonly ProposedOp[],
  declared: readonly string[],
): Promise<Effect> {
  const before = await readState(runtime);
  const after = applyToState(before, ops);
  const [over] = oversizeDocuments(before, after, runtime.config.channels, SERVED_DOCUMENT_LIMIT_BYTES);
  if (over)
    throw new ServedDocumentTooLargeError(over.environment, over.afterBytes, SERVED_DOCUMENT_LIMIT_BYTES);
  return computeEffect(before, after, runtime.config.channels, declared);
}

export interface CommitMark {
  changeRequest?: string;
  emergency?: string;
  /** The time the audit entries carry (a change applied later is audited when it applies). */
  at?: string;
}

/** Writes the change, op by op, each with its audit entries; a stale version refuses with a ConflictError. */
export async function commitOps(
  runtime: Runtime,
  ops: readonly ProposedOp[],
  mark: CommitMark = {},
): Promise<void> {
  const marked = (audit: AuditEntry[]): AuditEntry[] =>
    audit.map((a) => ({
      ...a,
      ...(mark.at ? { at: mark.at } : {}),
      ...(mark.changeRequest ? { changeRequest: mark.changeRequest } : {}),
      ...(mark.emergency ? { emergency: mark.emergency } : {}),
    }));
  for (const op of ops) {
    switch (op.type) {
      case 'flags':
        await runtime.flags.write(op.writes, marked(op.audit));
        break;
      case 'segments':
        await runtime.segments.write(op.writes, marked(op.audit));
        break;
      case 'experiment':
        await runtime.experiments.write(op.experiment, op.expectedVersion, op.flags, marked(op.audit));
        break;
      case 'metric':
        await runtime.metrics.write(op.metric, op.expectedVersion, marked(op.audit));
        break;
      case 'environment':
        if (op.expectedVersion === null) await runtime.environments.create(op.environment, marked(op.audit));
        else await runtime.environments.update(op.environment, op.expectedVersion, marked(op.audit));
        break;
      case 'token-create':
        await runtime.tokens.create(op.token, marked(op.audit));
        break;
      case 'token-revoke':
        await runtime.tokens.revoke(op.id, marked(op.audit));
        break;
      case 'definitions':
        await runtime.definitions.write(op.writes, marked(op.audit));
        break;
    }
  }
}

/** True while the stored content is exactly what was approved. */
export function contentIntact(
  cr: ChangeRequest,
): cr is ChangeRequest & { change: ProposedChange; digest: string } {
  return cr.change !== undefined && cr.digest !== undefined && changeDigest(cr.change) === cr.digest;
}

/**
 * The request wants approval again: same content, a new revision (earlier approvals stop
 * counting), the effect as it is now. Used when the effect grew since approval.
 */
export async function reopen(
  runtime: Runtime,
  actor: Principal,
  cr: ChangeRequest,
  effect: Effect,
  why: string,
): Promise<ChangeRequest> {
  const next: ChangeRequest = {
    ...cr,
    status: 'open',
    revision: cr.revision + 1,
    requiredApprovals: Math.max(cr.requiredApprovals, 1),
    effect,
    reason: why,
    version: cr.version + 1,
    updatedAt: runtime.now().toISOString(),
  };
  delete next.result;
  await runtime.changeRequests.write(next, cr.version, [
    changeRequestAudit(runtime, actor, 'change-request.reopened', cr, next),
  ]);
  return next;
}

/** Applies an approved change request now; answers it as it stands afterwards (applied, failed or open again). */
export async function applyChangeRequest(
  runtime: Runtime,
  cr: ChangeRequest,
  actor: Principal,
): Promise<ChangeRequest> {
  if (!isApproved(cr) || currentApprovals(cr).length < cr.requiredApprovals)
    throw new ConflictError(`change request ${cr.id} is not approved`);
  const now = runtime.now().toISOString();
  if (contentIntact(cr)) {
    let effect: Effect;
    try {
      effect = await effectNow(runtime, cr.change.ops, cr.effect?.declared ?? []);
    } catch (e) {
      if (!(e instanceof ServedDocumentTooLargeError)) throw e;
      return settle(runtime, actor, cr, cr, { status: 413, message: `${e.code}: ${e.message}` });
    }
    if (effectGrew(cr.effect ?? NO_EFFECT, effect))
      return reopen(
        runtime,
        actor,
        cr,
        effect,
        'its effect grew since it was approved: it needs approval again',
      );
    // Claim the request before writing anything: an edit, approval or apply racing this one read
    // the version claimed and now conflicts, and one that reads the claim sees it applied and
    // refuses, so no edit lands between the claim and the writes. A claim lost writes nothing.
    const claim: ChangeRequest = {
      ...cr,
      status: 'applied',
      result: { status: 200 },
      appliedAt: now,
      version: cr.version + 1,
      updatedAt: now,
    };
    await runtime.changeRequests.write(claim, cr.version, []);
    try {
      await commitOps(runtime, cr.change.ops, { changeRequest: cr.id, at: now });
    } catch (e) {
      const message = e instanceof OmnilabError ? `${e.code}: ${e.message}` : 'the write failed';
      const failed = await settle(runtime, actor, cr, claim, { status: 409, message });
      if (!(e instanceof OmnilabError)) throw e;
      return failed;
    }
    return settle(runtime, actor, cr, claim, { status: 200 });
  }
  return settle(runtime, actor, cr, cr, {
    status: 409,
    message: 'its content does not match the digest that was approved',
  });
}

/** Writes what applying answered over `current` (the request as read, or its claim), audited against `cr`. */
async function settle(
  runtime: Runtime,
  actor: Principal,
  cr: ChangeRequest,
  current: ChangeRequest,
  result: NonNullable<ChangeRequest['result']>,
): Promise<ChangeRequest> {
  const ok = result.status < 300;
  const next: ChangeRequest = {
    ...current,
    status: ok ? 'applied' : 'failed',
    result,
    version: current.version + 1,
    updatedAt: runtime.now().toISOString(),
  };
  if (!ok) delete next.appliedAt;
  await runtime.changeRequests.write(next, current.version, [
    changeRequestAudit(runtime, actor, ok ? 'change-request.applied' : 'change-request.failed', cr, next),
  ]);
  if (ok) countMetric('ChangeRequestsApplied');
  return next;
}
