/**
 * Bounds on what a request may carry before any route sees it, so that no input reaches a store
 * that would refuse it with a 500: JSON nested deeper than anything omnilab reads (DynamoDB keeps
 * at most 32 levels, and stored items wrap a body in a few more), numbers DynamoDB cannot hold,
 * and header values longer than any client sends. Each is a 400 naming the field.
 */
import { ValidationError } from '../../shared/model/errors';

/** The deepest JSON a body may nest (an import's deepest field is 8 levels down). */
export const MAX_JSON_DEPTH = 20;

/** The longest header value accepted, in bytes (API Gateway takes 10 KB of headers in all). */
export const MAX_HEADER_BYTES = 8 * 1024;

/** DynamoDB's number range: magnitudes from 1e-130 to below 1e126 (and zero). */
const MAX_MAGNITUDE = 1e126;
const MIN_MAGNITUDE = 1e-130;

/**
 * Refuses JSON text nested deeper than `max`, reading the text once without parsing it (so a
 * hostile depth costs no recursion anywhere). Brackets inside strings do not count.
 */
export function checkJsonDepth(text: string, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) throw new ValidationError(`is nested deeper than ${max} levels`, 'body');
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function pathOf(path: (string | number)[]): string {
  let out = '';
  for (const p of path)
    out += typeof p === 'number' ? `[${p}]` : p === '' ? '[""]' : out === '' ? p : `.${p}`;
  return out || 'body';
}

/** A UTF-16 surrogate without its pair: not a character, so no UTF-8 encoder, strict JSON parser or URL can carry it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses a parsed body holding a number DynamoDB cannot store, or a string (value or key) that is
 * not well-formed Unicode, naming where it is. A flag named with a lone surrogate could be stored
 * but never addressed by its path again, and it would break strict JSON parsers in SDKs. Numbers
 * under the top-level field `ownNumbers` are left to the route, which answers for each item.
 */
export function checkStorableNumbers(value: unknown, ownNumbers?: string): void {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v))
        throw new ValidationError('is not well-formed Unicode (a lone UTF-16 surrogate)', pathOf(path));
    } else if (typeof v === 'number') {
      if (ownNumbers !== undefined && path[0] === ownNumbers) continue;
      const m = Math.abs(v);
      if (!Number.isFinite(v) || m >= MAX_MAGNITUDE || (m !== 0 && m < MIN_MAGNITUDE))
        throw new ValidationError('is a number out of range (magnitudes from 1e-130 to 1e126)', pathOf(path));
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        stack.push({ v: x, path: [...path, i] });
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k))
          throw new ValidationError('is a field name that is not well-formed Unicode', pathOf(path));
        stack.push({ v: x, path: [...path, k] });
      }
    }
  }
}

/** Refuses a header value longer than `max` bytes, naming the header. */
export function checkHeaderLengths(headers: Record<string, string>, max = MAX_HEADER_BYTES): void {
  for (const [name, value] of Object.entries(headers)) {
    if (Buffer.byteLength(value, 'utf8') > max)
      throw new ValidationError(`is longer than ${max} bytes`, name.length > 100 ? 'headers' : name);
  }
}
