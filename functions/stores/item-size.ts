/**
 * DynamoDB's item size, computed before a write so an oversized item is refused with a 4xx naming
 * its size and the limit, not answered 500 by the database. The rules are DynamoDB's: an item is
 * the sum of its attribute names (UTF-8) and values; a string is its UTF-8 length, a number about
 * one byte per two characters of its decimal form plus one, a boolean or null one byte, a list or map three
 * bytes plus one per element plus its elements (a map's element names included).
 */
import { OmnilabError } from '../../shared/model/errors';

/** DynamoDB's hard limit per item (400 KB). */
export const DYNAMODB_ITEM_LIMIT = 400 * 1024;

/**
 * Every configuration item (flag, segment, experiment, change request, audit entry) stays below
 * this; what is left up to DynamoDB's limit is headroom, so switching a flag off (a few bytes
 * more: a version digit) always fits.
 */
export const MAX_ITEM_BYTES = 350 * 1024;

/** The write would store an item over the limit: nothing was written. */
export class ItemTooLargeError extends OmnilabError {
  readonly sizeBytes: number;
  readonly limitBytes: number;
  constructor(what: string, sizeBytes: number, limitBytes: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `${what} would be ${sizeBytes} bytes stored, over the limit of ${limitBytes} bytes per item: make it smaller (fewer or shorter constraint values, strategies, variants or payloads)`,
    );
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberSize(n: number | bigint): number {
  // DynamoDB says "about half the digits, plus one"; counting every character of the decimal form
  // (point included) errs on the large side, as a limit check should.
  const text = String(n).replace(/^-/, '');
  return Math.min(21, Math.ceil(text.length / 2) + 1);
}

/** The stored size of one attribute value, as the document client marshals it. */
export function valueSize(v: unknown): number {
  if (v === null || v === undefined) return 1;
  switch (typeof v) {
    case 'string':
      return utf8(v);
    case 'number':
    case 'bigint':
      return numberSize(v);
    case 'boolean':
      return 1;
    case 'object': {
      if (v instanceof Uint8Array) return v.byteLength;
      if (v instanceof Set) return [...v].reduce((n: number, x) => n + valueSize(x), 0);
      if (Array.isArray(v)) return v.reduce((n: number, x) => n + 1 + valueSize(x ?? null), 3);
      let n = 3;
      for (const [k, x] of Object.entries(v)) if (x !== undefined) n += 1 + utf8(k) + valueSize(x);
      return n;
    }
    default:
      return 0;
  }
}

/** The stored size of an item: its top-level names and values. */
export function itemSize(item: Record<string, unknown>): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) if (v !== undefined) n += utf8(k) + valueSize(v);
  return n;
}

/** Refuses (before anything is written) an item over `limit`. */
export function checkItemSize(item: Record<string, unknown>, what: string, limit = MAX_ITEM_BYTES): void {
  const size = itemSize(item);
  if (size > limit) throw new ItemTooLargeError(what, size, limit);
}
