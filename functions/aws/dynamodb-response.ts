/**
 * What the DynamoDB client checks in an answer before anything of it reaches a store: the body's
 * CRC32 against DynamoDB's `x-amz-crc32` header, and the shape of every item it carries (a map of
 * attribute values, each of exactly one known type with a value of that type, nested at most 32
 * deep as DynamoDB allows), so a damaged or forged answer is an error, never an item.
 */
import { crc32 } from 'node:zlib';
import { AwsChecksumMismatchError, AwsMalformedResponseError } from './dynamodb-errors';

/**
 * Throws AwsChecksumMismatchError when `x-amz-crc32` is there and is not the CRC32 of the bytes
 * read. A compressed body (sent although the client asks for `identity`) is not checked: the
 * header is the CRC32 of the compressed bytes, which fetch does not keep.
 */
export function checkCrc32(body: Uint8Array, headers: Headers, status: number): void {
  const expected = headers.get('x-amz-crc32');
  if (expected === null) return;
  const encoding = headers.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return;
  const actual = crc32(body);
  if (!/^\d{1,10}$/.test(expected) || Number(expected) !== actual)
    throw new AwsChecksumMismatchError(expected, actual, status);
}

/** DynamoDB nests maps and lists at most 32 levels deep. */
const MAX_DEPTH = 32;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A number as DynamoDB writes one: within its range (at most 1E+126), so never Infinity here. */
const isNumber = (s: string) => NUMBER_TEXT.test(s) && Number.isFinite(Number(s));

class ShapeError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function fail(path: string, what: string): never {
  throw new ShapeError(`${path} ${what}`);
}

function checkValue(v: unknown, path: string, depth: number): void {
  if (!isRecord(v)) fail(path, 'is not an attribute value');
  const types = Object.keys(v);
  if (types.length !== 1) fail(path, `has ${types.length} types, not one`);
  const type = types[0];
  const x = v[type];
  const strings = (test: (s: string) => boolean) =>
    Array.isArray(x) && x.every((s) => typeof s === 'string' && test(s));
  const ok = (() => {
    switch (type) {
      case 'S':
        return typeof x === 'string';
      case 'N':
        return typeof x === 'string' && isNumber(x);
      case 'B':
        return x instanceof Uint8Array;
      case 'BOOL':
        return typeof x === 'boolean';
      case 'NULL':
        return x === true;
      case 'SS':
        return strings(() => true);
      case 'NS':
        return strings(isNumber);
      case 'BS':
        return Array.isArray(x) && x.every((b) => b instanceof Uint8Array);
      case 'L':
        if (!Array.isArray(x)) return false;
        if (depth >= MAX_DEPTH) fail(path, 'nests too deep');
        for (const [i, e] of x.entries()) checkValue(e, `${path}[${i}]`, depth + 1);
        return true;
      case 'M':
        if (!isRecord(x)) return false;
        if (depth >= MAX_DEPTH) fail(path, 'nests too deep');
        for (const [k, e] of Object.entries(x)) checkValue(e, `${path}.${k}`, depth + 1);
        return true;
      default:
        fail(path, `has an unknown type ${JSON.stringify(type.slice(0, 20))}`);
    }
  })();
  if (!ok) fail(path, `is not a valid ${type}`);
}

function checkItem(v: unknown, path: string): void {
  if (!isRecord(v)) fail(path, 'is not an item');
  for (const [k, e] of Object.entries(v)) checkValue(e, `${path}.${k}`, 1);
}

function checkItems(v: unknown, path: string): void {
  if (!Array.isArray(v)) fail(path, 'is not a list of items');
  for (const [i, item] of v.entries()) checkItem(item, `${path}[${i}]`);
}

function checkEach(v: unknown, path: string, check: (value: unknown, path: string) => void): void {
  if (!isRecord(v)) fail(path, 'is not a map');
  for (const [k, e] of Object.entries(v)) check(e, `${path}.${k}`);
}

function checkOptional(out: Record<string, unknown>, key: string, check: (v: unknown, path: string) => void) {
  if (out[key] !== undefined) check(out[key], key);
}

/** The fields of the data-plane outputs that carry items or keys, each checked where present. */
function checkOutput(out: Record<string, unknown>): void {
  for (const key of ['Item', 'Attributes', 'LastEvaluatedKey']) checkOptional(out, key, checkItem);
  checkOptional(out, 'Items', checkItems);
  for (const key of ['Count', 'ScannedCount'])
    checkOptional(out, key, (v, path) => {
      if (typeof v !== 'number') fail(path, 'is not a number');
    });
  checkOptional(out, 'Responses', (v, path) => {
    // TransactGetItems: one { Item? } per get; BatchGetItem: items per table.
    if (Array.isArray(v))
      v.forEach((r, i) => {
        if (!isRecord(r)) fail(`${path}[${i}]`, 'is not a response');
        checkOptional(r, 'Item', (item) => checkItem(item, `${path}[${i}].Item`));
      });
    else checkEach(v, path, checkItems);
  });
  checkOptional(out, 'UnprocessedKeys', (v, path) =>
    checkEach(v, path, (keys, p) => {
      if (!isRecord(keys)) fail(p, 'is not a set of keys');
      checkItems(keys.Keys, `${p}.Keys`);
    }),
  );
  checkOptional(out, 'UnprocessedItems', (v, path) =>
    checkEach(v, path, (writes, p) => {
      if (!Array.isArray(writes)) fail(p, 'is not a list of writes');
      writes.forEach((w, i) => {
        if (!isRecord(w)) fail(`${p}[${i}]`, 'is not a write');
        const put = w.PutRequest;
        const del = w.DeleteRequest;
        if (put === undefined && del === undefined) fail(`${p}[${i}]`, 'is neither a put nor a delete');
        if (put !== undefined) {
          if (!isRecord(put)) fail(`${p}[${i}].PutRequest`, 'is not a put');
          checkItem(put.Item, `${p}[${i}].PutRequest.Item`);
        }
        if (del !== undefined) {
          if (!isRecord(del)) fail(`${p}[${i}].DeleteRequest`, 'is not a delete');
          checkItem(del.Key, `${p}[${i}].DeleteRequest.Key`);
        }
      });
    }),
  );
}

/** The items an error carries (the item as it was, each cancelled item's reason). */
function checkErrorBody(out: Record<string, unknown>): void {
  checkOptional(out, 'Item', checkItem);
  checkOptional(out, 'CancellationReasons', (v, path) => {
    if (!Array.isArray(v)) fail(path, 'is not a list');
    v.forEach((r, i) => {
      if (!isRecord(r)) fail(`${path}[${i}]`, 'is not a reason');
      if (r.Code !== undefined && typeof r.Code !== 'string') fail(`${path}[${i}].Code`, 'is not a string');
      if (r.Message !== undefined && typeof r.Message !== 'string')
        fail(`${path}[${i}].Message`, 'is not a string');
      checkOptional(r, 'Item', (item) => checkItem(item, `${path}[${i}].Item`));
    });
  });
}

/**
 * The answer's JSON as the output of a 2xx (`ok`) or the body of an error: throws
 * AwsMalformedResponseError when it is not a JSON object, or an item in it is not an item.
 * An error's body that is not JSON (an HTML 502 from a proxy) is no body: the status speaks.
 */
export function parseAnswer(
  text: string,
  status: number,
  ok: boolean,
  reviver: (key: string, value: unknown) => unknown,
): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text, reviver) : {};
  } catch {
    if (ok) throw new AwsMalformedResponseError('not JSON', status);
    return undefined;
  }
  if (!isRecord(parsed)) {
    if (ok) throw new AwsMalformedResponseError('not a JSON object', status);
    return undefined;
  }
  try {
    if (ok) checkOutput(parsed);
    else checkErrorBody(parsed);
  } catch (e) {
    if (e instanceof ShapeError) throw new AwsMalformedResponseError(e.message, status);
    throw e;
  }
  return parsed;
}
