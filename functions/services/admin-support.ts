/** Rights and audit helpers shared by the admin handlers. */
import type { AuditEntry, AuditTargetType } from '../../shared/model/audit';
import type { Environment } from '../../shared/model/environment';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import { mayWriteOwned } from '../../shared/rights/ownership';
import type { Verdict } from '../../shared/rights/verdict';
import type { HttpHandlerDeps } from '../http/http-handler';
import type { Runtime } from '../runtime/composition-root';

export function httpDeps(runtime: Runtime): HttpHandlerDeps {
  return {
    tokens: runtime.tokens,
    maxBodyBytes: runtime.config.maxBodyBytes,
    tokenCacheMs: runtime.config.tokenCacheMs,
    responseHeaders: runtime.config,
  };
}

export function auditEntry(
  runtime: Runtime,
  principal: Principal,
  change: {
    action: string;
    target: { type: AuditTargetType; id: string };
    environments: string[];
    before: unknown;
    after: unknown;
  },
): AuditEntry {
  return {
    id: runtime.newId(),
    at: runtime.now().toISOString(),
    actor: principal.name,
    ...change,
  };
}

/**
 * The one place a right's refusal becomes a 403: a verdict of shared/rights/ (ownership,
 * approval) thrown as a ForbiddenError carrying its sentence.
 */
export function requireRight(verdict: Verdict): void {
  if (!verdict.ok) throw new ForbiddenError(verdict.why);
}

/** Platform admins change anything; a squad only what it owns; product owners nothing. */
export function requireOwner(principal: Principal, owner: string | undefined, what: string): void {
  requireRight(mayWriteOwned(principal, owner, what));
}

export async function requireEnvironment(runtime: Runtime, name: string): Promise<Environment> {
  const env = await runtime.environments.get(name);
  if (!env) throw new NotFoundError(`no environment ${name}`);
  return env;
}

export function requireChannels(runtime: Runtime, channels: Record<string, boolean>, field: string): void {
  for (const c of Object.keys(channels)) {
    if (!runtime.config.channels.includes(c)) {
      throw new ValidationError(
        `is not a configured channel (${runtime.config.channels.join(', ')})`,
        `${field}.${c}`,
      );
    }
  }
}

export function requireVersion(current: number, given: number, what: string): void {
  if (current !== given) {
    throw new ConflictError(
      `${what} is at version ${current}, the write carried ${given}: read it again and retry`,
    );
  }
}
