/**
 * The restage protocol: what admin-governance sends the function that owns a governed route when a
 * change request is edited (re-run the route, staged, on the edited body), and what it answers.
 * Plain JSON both ways, so the same message goes in-process locally and through Lambda's Invoke
 * API on AWS. A restage writes nothing: the owner runs its route against a staged runtime whose
 * every write is recorded or refused (functions/services/restage-route.ts), so a forged restage
 * invocation can change nothing; it can only learn what a route would propose.
 */
import type { ProposedOp } from '../../shared/governance/proposed-change';
import type { ErrorCode } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import type { GovernedChange } from './governance';

/** What the edit asks the owner: the stored request's route and params, the edited body as sent. */
export interface RestageRequest {
  routeKey: string;
  params: Record<string, string>;
  /** The edited body, not yet parsed: the owner parses it with its own route declaration's schema. */
  body: unknown;
  /** The request's author, who edits it (the edit route checked that). */
  principal: Principal;
  sourceIp: string | undefined;
}

/** The owner's answer: the schema-parsed body with the staged writes, or the 4xx the edit passes on. */
export type RestageAnswer =
  | { ok: true; body: unknown; ops: ProposedOp[]; declarations: GovernedChange[] }
  | { ok: false; status: number; code: ErrorCode; message: string; field?: string };

/** How governance reaches the owning function: in-process locally, Lambda's Invoke API on AWS. */
export type RestagePort = (functionName: string, request: RestageRequest) => Promise<RestageAnswer>;

/** The key that marks a restage invocation; an API Gateway v2 event never carries it. */
export const RESTAGE_MARK = 'omnilabRestage';

/** The event a restage request travels as: JSON, so an absent source IP is left out. */
export function restageEvent(request: RestageRequest): Record<string, unknown> {
  return {
    [RESTAGE_MARK]: 1,
    routeKey: request.routeKey,
    params: request.params,
    body: request.body ?? null,
    principal: request.principal,
    ...(request.sourceIp !== undefined ? { sourceIp: request.sourceIp } : {}),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A restage invocation, told apart by shape alone: the mark and no `requestContext`. An API
 * Gateway v2 event always has `requestContext` and `version: '2.0'`, so it is never taken for one.
 */
export function looksLikeRestage(event: unknown): boolean {
  return isRecord(event) && RESTAGE_MARK in event && !('requestContext' in event) && !('version' in event);
}

/** An API Gateway HTTP API payload v2 event, by shape. */
export function looksLikeApiGatewayV2(event: unknown): boolean {
  return (
    isRecord(event) && event.version === '2.0' && isRecord(event.requestContext) && !(RESTAGE_MARK in event)
  );
}

const OP_TYPES: ReadonlySet<string> = new Set([
  'flags',
  'segments',
  'experiment',
  'metric',
  'environment',
  'token-create',
  'token-revoke',
  'definitions',
]);

function isProposedOp(v: unknown): v is ProposedOp {
  return isRecord(v) && typeof v.type === 'string' && OP_TYPES.has(v.type) && Array.isArray(v.audit);
}

function isDeclaration(v: unknown): v is GovernedChange {
  return (
    isRecord(v) &&
    typeof v.title === 'string' &&
    isRecord(v.target) &&
    typeof v.target.type === 'string' &&
    typeof v.target.id === 'string' &&
    Array.isArray(v.environments)
  );
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'ALREADY_EXISTS',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
]);

function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && ERROR_CODES.has(v);
}

/**
 * The owner's answer as governance checks it when it comes back (over the wire on AWS): a restage
 * answer, or undefined. Plain checks, no schema library: the composition root reaches this module,
 * and the token authorizer's bundle shares the composition root.
 */
export function readRestageAnswer(raw: unknown): RestageAnswer | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.ok === true) {
    const { ops, declarations } = raw;
    if (!Array.isArray(ops) || !Array.isArray(declarations)) return undefined;
    const checkedOps = ops.filter(isProposedOp);
    const checkedDeclarations = declarations.filter(isDeclaration);
    if (checkedOps.length !== ops.length || checkedDeclarations.length !== declarations.length)
      return undefined;
    return { ok: true, body: raw.body, ops: checkedOps, declarations: checkedDeclarations };
  }
  const { status, code, message, field } = raw;
  if (
    raw.ok !== false ||
    typeof status !== 'number' ||
    !Number.isInteger(status) ||
    status < 400 ||
    status > 599
  )
    return undefined;
  if (!isErrorCode(code) || typeof message !== 'string') return undefined;
  if (field !== undefined && typeof field !== 'string') return undefined;
  return { ok: false, status, code, message, ...(field !== undefined ? { field } : {}) };
}
