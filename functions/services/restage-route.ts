/**
 * The owner's side of a restage (./restage-protocol.ts): a governed function re-runs one of its
 * own routes, staged, on a change request's edited body, and answers the parsed body with the
 * writes the route proposes. Nothing is written: the route runs against `stage(runtime)`, which
 * records the governed stores' writes instead of making them, and every other store's writes
 * (release plans, events, client metrics, the raw events, notifications, change requests) are
 * refused here. So a forged restage invocation changes nothing in any table.
 */
import { safeParse } from 'zod/v4/core';
import { normalizeChange } from '../../shared/governance/proposed-change';
import { ConflictError, OmnilabError, ValidationError } from '../../shared/model/errors';
import { ADMIN_ROLES, TOKEN_AUDIENCES, TOKEN_KINDS } from '../../shared/model/token';
import * as z from '../../shared/model/zod';
import type { RouteTable } from '../http/api-types';
import { STATUS_BY_CODE } from '../http/errors';
import { validationErrorFrom } from '../http/http-handler';
import type { RouteDeclarations } from '../routes/route-declaration';
import type { Runtime } from '../runtime/composition-root';
import type { GovernedChange } from './governance';
import { RESTAGE_MARK, type RestageAnswer } from './restage-protocol';
import { ROUTE_OWNERS } from './route-owners';
import { type StagedRuntime, stage } from './staging';

const text = z.string().check(z.maxLength(1000));

const principalSchema = z.strictObject({
  name: text,
  person: z.optional(text),
  mintedBy: z.optional(text),
  kind: z.enum(TOKEN_KINDS),
  environment: z.optional(text),
  audience: z.optional(z.enum(TOKEN_AUDIENCES)),
  role: z.optional(z.enum(ADMIN_ROLES)),
  squad: z.optional(text),
});

/** The restage invocation's event (./restage-protocol.ts), as the owning function's entry receives it. */
export const restageEventSchema = z.strictObject({
  [RESTAGE_MARK]: z.literal(1),
  routeKey: z.string().check(z.minLength(1), z.maxLength(300)),
  params: z.record(z.string().check(z.maxLength(100)), text),
  body: z.unknown(),
  principal: principalSchema,
  sourceIp: z.optional(text),
});

function refuse(what: string): never {
  throw new Error(`${what}: a restage proposes changes and writes nothing`);
}

/** `stage(runtime)` with the writes staging leaves to the stores refused as well. */
export function restageRuntime(runtime: Runtime): StagedRuntime {
  const staged = stage(runtime);
  return {
    ...staged,
    releases: {
      ...staged.releases,
      writeTemplate: () => refuse('releases.writeTemplate'),
      writePlan: () => refuse('releases.writePlan'),
      recordImpact: () => refuse('releases.recordImpact'),
      markStaleNotice: () => refuse('releases.markStaleNotice'),
    },
    events: {
      ...staged.events,
      ingest: () => refuse('events.ingest'),
      recordMismatches: () => refuse('events.recordMismatches'),
    },
    clientMetrics: {
      ...staged.clientMetrics,
      record: () => refuse('clientMetrics.record'),
      register: () => refuse('clientMetrics.register'),
    },
    tokens: { ...staged.tokens, migrateLegacy: () => refuse('tokens.migrateLegacy') },
    ...(staged.rawEvents
      ? { rawEvents: { ...staged.rawEvents, append: () => refuse('rawEvents.append') } }
      : {}),
  };
}

function refused(error: OmnilabError): RestageAnswer {
  const field = error instanceof ValidationError ? error.field : undefined;
  // A ValidationError's message is `field: message`; the edit rebuilds it from both.
  const message =
    field && error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  return {
    ok: false,
    status: STATUS_BY_CODE[error.code],
    code: error.code,
    message,
    ...(field ? { field } : {}),
  };
}

/**
 * Answers a restage invocation for one function: `declarations` are its routes, `routes` builds
 * its route table over a staged runtime. A payload that is not a restage request, or a route this
 * function does not own or that never holds a change request, is refused.
 */
export async function restageRoute(
  runtime: Runtime,
  declarations: RouteDeclarations,
  routes: (staged: Runtime) => RouteTable,
  event: unknown,
): Promise<RestageAnswer> {
  try {
    const request = safeParse(restageEventSchema, event);
    if (!request.success) throw validationErrorFrom(request.error, 'restage');
    const { routeKey, params, body, principal, sourceIp } = request.data;
    const declaration = Object.hasOwn(declarations, routeKey)
      ? declarations[routeKey as keyof RouteDeclarations]
      : undefined;
    if (!declaration || ROUTE_OWNERS[routeKey] !== declaration.function)
      throw new ConflictError(`no governed route ${routeKey} in this function: nothing to restage`);
    let parsed: unknown = body;
    if (declaration.body) {
      const result = safeParse(declaration.body, body);
      if (!result.success) throw validationErrorFrom(result.error, 'body');
      parsed = result.data;
    }
    const staged = restageRuntime(runtime);
    const handler = routes(staged)[routeKey];
    if (!handler)
      throw new ConflictError(`no governed route ${routeKey} in this function: nothing to restage`);
    const answer = await handler({
      routeKey,
      params,
      query: {},
      headers: {},
      body: parsed,
      principal,
      sourceIp,
    });
    if (answer.status >= 300)
      throw new ConflictError(`the edited change answers ${answer.status}: nothing to hold`);
    // JSON both ways, in-process too: locally the answer is what Lambda's Invoke would carry.
    const declared: GovernedChange[] = JSON.parse(JSON.stringify(staged.staging.declarations));
    return {
      ok: true,
      body: parsed === undefined ? null : JSON.parse(JSON.stringify(parsed)),
      ops: normalizeChange({ ops: staged.staging.ops }).ops,
      declarations: declared,
    };
  } catch (error) {
    if (error instanceof OmnilabError) return refused(error);
    throw error;
  }
}
