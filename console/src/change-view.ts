/**
 * How the console reads change requests: the exact change a request holds, as lines of "what was →
 * what will be" per environment, which toggles and pages a pending request would change (the
 * pending markers), and which actions the signed-in person may take on it, following the API's
 * rules (shared/governance/change-request.ts). Pure.
 */
import { type ChangeRequest, mayApprove } from '../../shared/governance/change-request';
import type { Principal } from './types';

export type { ChangeRequest } from '../../shared/governance/change-request';

/** Requests still waiting before they change anything: what the pending markers show. */
export const WAITING_STATUSES: readonly ChangeRequest['status'][] = ['open', 'approved', 'failed'];
/** What the inbox lists by default: waiting, and applied at once but not yet reviewed. */
export const INBOX_STATUSES: readonly ChangeRequest['status'][] = [...WAITING_STATUSES, 'needs-review'];

/** Where a line applies: an environment's name, or every environment (flag-wide fields, metrics). */
export const EVERY_ENVIRONMENT = '*';

export interface ChangeLine {
  target: { type: string; id: string };
  /** An environment name, or EVERY_ENVIRONMENT. */
  scope: string;
  /** The field changed, inside the environment when scoped: `channels.mobile`, `enabled`, `variants`. */
  field: string;
  before?: unknown;
  after?: unknown;
}

/** Bookkeeping every write changes: not something a reviewer decides on. */
const IGNORED = new Set(['version', 'updatedAt', 'createdAt']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaves that differ; objects are walked (a missing side reads as empty), arrays compared whole. */
function leaves(
  before: unknown,
  after: unknown,
  path: string[],
  out: { path: string[]; before?: unknown; after?: unknown }[],
): void {
  if (same(before, after)) return;
  const objA = isPlainObject(before) || before === undefined || before === null;
  const objB = isPlainObject(after) || after === undefined || after === null;
  if (objA && objB && (isPlainObject(before) || isPlainObject(after))) {
    const a = isPlainObject(before) ? before : {};
    const b = isPlainObject(after) ? after : {};
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (path.length === 0 && IGNORED.has(k)) continue;
      leaves(
        Object.hasOwn(a, k) ? a[k] : undefined,
        Object.hasOwn(b, k) ? b[k] : undefined,
        [...path, k],
        out,
      );
    }
    return;
  }
  out.push({
    path,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  });
}

function linesOf(
  target: { type: string; id: string },
  before: unknown,
  after: unknown,
  fixedScope?: string,
): ChangeLine[] {
  const out: { path: string[]; before?: unknown; after?: unknown }[] = [];
  leaves(before ?? undefined, after ?? undefined, [], out);
  return out.map((l) => {
    if (fixedScope === undefined && l.path[0] === 'environments' && l.path.length >= 2)
      return { target, scope: l.path[1], field: l.path.slice(2).join('.'), before: l.before, after: l.after };
    return {
      target,
      scope: fixedScope ?? EVERY_ENVIRONMENT,
      field: l.path.join('.'),
      before: l.before,
      after: l.after,
    };
  });
}

interface AuditLike {
  target: { type: string; id: string };
  before: unknown;
}

function beforeOf(audit: readonly AuditLike[], type: string, id: string): unknown {
  return audit.find((a) => a.target.type === type && a.target.id === id)?.before ?? null;
}

/** Requests are re-read on every page change; each one's lines are computed once (a matrix asks per switch). */
const computed = new WeakMap<ChangeRequest, ChangeLine[]>();

/** Every field the request's exact change writes, with its value before and after. */
export function changeLines(cr: ChangeRequest): ChangeLine[] {
  const known = computed.get(cr);
  if (known) return known;
  const lines = linesOfRequest(cr);
  computed.set(cr, lines);
  return lines;
}

function linesOfRequest(cr: ChangeRequest): ChangeLine[] {
  const lines: ChangeLine[] = [];
  for (const op of cr.change?.ops ?? []) {
    const audit = op.audit as AuditLike[];
    if (op.type === 'flags' || op.type === 'experiment') {
      const writes = op.type === 'flags' ? op.writes : op.flags;
      for (const w of writes) {
        const target = { type: 'flag', id: w.flag.name };
        lines.push(...linesOf(target, beforeOf(audit, 'flag', w.flag.name), w.flag));
      }
    }
    if (op.type === 'experiment') {
      const target = { type: 'experiment', id: op.experiment.key };
      lines.push(
        ...linesOf(
          target,
          beforeOf(audit, 'experiment', op.experiment.key),
          op.experiment,
          op.experiment.environment,
        ),
      );
    }
    if (op.type === 'segments') {
      for (const w of op.writes) {
        const target = { type: 'segment', id: String(w.segment.id) };
        lines.push(...linesOf(target, beforeOf(audit, 'segment', target.id), w.segment, EVERY_ENVIRONMENT));
      }
    }
    if (op.type === 'metric') {
      const target = { type: 'metric', id: op.metric.key };
      lines.push(...linesOf(target, beforeOf(audit, 'metric', op.metric.key), op.metric, EVERY_ENVIRONMENT));
    }
    if (op.type === 'environment') {
      const target = { type: 'environment', id: op.environment.name };
      lines.push(
        ...linesOf(target, beforeOf(audit, 'environment', target.id), op.environment, op.environment.name),
      );
    }
  }
  return lines;
}

/** The lines grouped by where they apply, every-environment lines first. */
export function linesByScope(lines: readonly ChangeLine[]): [string, ChangeLine[]][] {
  const groups = new Map<string, ChangeLine[]>();
  for (const l of lines) groups.set(l.scope, [...(groups.get(l.scope) ?? []), l]);
  return [...groups.entries()].sort(([a], [b]) =>
    a === EVERY_ENVIRONMENT ? -1 : b === EVERY_ENVIRONMENT ? 1 : a.localeCompare(b),
  );
}

/**
 * The waiting requests that would change this target (in `env`, and at `field` or below, when
 * given): a flag's channel switch asks for `channels.<channel>` and also matches `enabled`.
 */
export function pendingFor(
  requests: readonly ChangeRequest[],
  target: { type: string; id: string },
  env?: string,
  fields?: readonly string[],
): ChangeRequest[] {
  return requests.filter((cr) => WAITING_STATUSES.includes(cr.status) && touches(cr, target, env, fields));
}

function touches(
  cr: ChangeRequest,
  target: { type: string; id: string },
  env: string | undefined,
  fields: readonly string[] | undefined,
): boolean {
  return changeLines(cr).some(
    (l) =>
      l.target.type === target.type &&
      l.target.id === target.id &&
      (env === undefined || l.scope === env || l.scope === EVERY_ENVIRONMENT) &&
      (fields === undefined ||
        fields.some((f) => l.field === f || l.field.startsWith(`${f}.`) || l.field === '')),
  );
}

/** The person a request names as its author is the one signed in. */
export function isAuthor(me: Principal, cr: ChangeRequest): boolean {
  return me.name === cr.author.name;
}

const OPEN_TO_DECISION: readonly ChangeRequest['status'][] = ['open', 'approved', 'failed', 'in-progress'];
const APPROVER_ROLES = ['platform-admin', 'squad', 'auditor'];

export interface RequestActions {
  approve: boolean;
  /** Marks a kill switch or an emergency reviewed (the same route as approve). */
  review: boolean;
  reject: boolean;
  withdraw: boolean;
  apply: boolean;
}

/** What the signed-in person may do with a request; the API checks every call again. */
export function requestActions(me: Principal, cr: ChangeRequest): RequestActions {
  const approver = me.kind === 'admin' && APPROVER_ROLES.includes(me.role ?? '');
  const may = approver && mayApprove(me, cr).ok;
  const own = isAuthor(me, cr);
  return {
    approve: may && cr.status === 'open',
    review: may && cr.status === 'needs-review',
    reject: may && !own && OPEN_TO_DECISION.includes(cr.status),
    withdraw: approver && own && OPEN_TO_DECISION.includes(cr.status),
    apply: approver && (own || may) && cr.kind === 'change' && cr.status === 'approved',
  };
}

/** Why the person may not approve, when they may not (the API's own words). */
export function whyNotApprove(me: Principal, cr: ChangeRequest): string | undefined {
  const verdict = mayApprove(me, cr);
  return verdict.ok ? undefined : verdict.why;
}
