/**
 * Middleware: the body parsed (size limit, depth, malformed JSON, storable numbers) and validated by
 * the route's schema, the query validated, path parameters bounded — the request the route
 * receives, kept by event (never written on it). A client's mistake is a 4xx naming the field.
 */
import type * as zc from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import { PayloadTooLargeError, ValidationError } from '../../../shared/model/errors';
import type { ApiRequest } from '../api-types';
import { checkJsonDepth, checkStorableNumbers } from '../request-bounds';
import { type Event, type Middleware, principalOfRequest, routeOf } from './middleware-types';

/**
 * The validated request of each event in flight, by the event itself: the route receives it, and
 * the streaming function reads it after the answer to keep the stream open.
 */
const validated = new WeakMap<Event, ApiRequest>();

/** The request the stack validated for this event and handed to its route; undefined if none was. */
export function validatedRequestOf(event: Event): ApiRequest | undefined {
  return validated.get(event);
}

function pathOf(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (p === '') out += '[""]';
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** The zod issue as `field.path[0].name: message`, so the caller knows exactly what to fix. */
export function validationErrorFrom(error: zc.$ZodError, root = ''): ValidationError {
  const issue = error.issues[0];
  const base = [...(root ? [root] : []), ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return new ValidationError('is not a known field', pathOf([...base, issue.keys[0]]));
  }
  return new ValidationError(issue.message, pathOf(base) || 'body');
}

export function parseBody(
  raw: string | undefined,
  isBase64: boolean | undefined,
  limit: number,
  ownNumbers?: string,
): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const text = isBase64 ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > limit) throw new PayloadTooLargeError(limit);
  checkJsonDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`is not valid JSON (${(e as Error).message})`, 'body');
  }
  checkStorableNumbers(parsed, ownNumbers);
  return parsed;
}

/** Names, keys and ids in paths become DynamoDB keys, which refuse anything over 1 KB: say so first. */
const MAX_PARAM_BYTES = 1024;

function checkedParams(params: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    if (Buffer.byteLength(value, 'utf8') > MAX_PARAM_BYTES)
      throw new ValidationError(`is longer than ${MAX_PARAM_BYTES} bytes`, name);
    out[name] = value;
  }
  return out;
}

export function parseAndValidate(options: { maxBodyBytes: number }): Middleware {
  return {
    before: async (request) => {
      const { event } = request;
      const { key, declaration, headers } = routeOf(request);
      let body: unknown;
      if (declaration.body) {
        const parsed = parseBody(
          event.body,
          event.isBase64Encoded,
          declaration.maxBodyBytes ?? options.maxBodyBytes,
          declaration.ownNumbers,
        );
        const result = safeParse(declaration.body, parsed ?? {});
        if (!result.success) throw validationErrorFrom(result.error);
        body = result.data;
      }
      const query = (event.queryStringParameters ?? {}) as Record<string, string>;
      if (declaration.query) {
        const result = safeParse(declaration.query, query);
        if (!result.success) throw validationErrorFrom(result.error, 'query');
      }
      validated.set(event, {
        routeKey: key,
        params: checkedParams(event.pathParameters),
        query,
        headers,
        body,
        principal: principalOfRequest(request),
        sourceIp: event.requestContext?.http?.sourceIp,
      });
    },
  };
}
