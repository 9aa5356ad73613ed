/**
 * One page of the change-request list, newest first: at most `limit` requests and never more than
 * `maxBytes` of JSON (a synchronous Lambda answers at most 6 MB), with `next`, an opaque cursor
 * naming the last request given, for the page after it. Pure and synchronous.
 */
import type { ChangeRequest } from '../../shared/governance/change-request';
import { ValidationError } from '../../shared/model/errors';

export const DEFAULT_PAGE_LIMIT = 50;
/** The query schema's bound (functions/schemas/admin-schemas.ts, changeRequestListSchema). */
export const MAX_PAGE_LIMIT = 200;
/** Under Lambda's 6 MB synchronous response, with room for the envelope and headers. */
export const MAX_PAGE_BYTES = 5 * 1024 * 1024;

export interface ChangeRequestPage {
  changeRequests: ChangeRequest[];
  /** Present when more requests follow: send it back as `next` for the following page. */
  next?: string;
}

type Listed = Pick<ChangeRequest, 'id' | 'createdAt'>;

/** Newest first, then by id: the order the list is given in and the cursor follows. */
function after(a: Listed, cursor: Listed): boolean {
  return a.createdAt < cursor.createdAt || (a.createdAt === cursor.createdAt && a.id < cursor.id);
}

export function encodeCursor(last: Listed): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url');
}

export function decodeCursor(next: string): Listed {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((x) => typeof x === 'string'))
      return { createdAt: parsed[0], id: parsed[1] };
  } catch {
    // reported below
  }
  throw new ValidationError('is not a cursor this list gave', 'query.next');
}

/**
 * The page of `list` (sorted newest first, then by id descending) after `next`. A page holds at
 * least one request whatever its size (a stored request is far below `maxBytes`).
 */
export function pageChangeRequests(
  list: readonly ChangeRequest[],
  options: { limit: number; next?: string; maxBytes?: number },
): ChangeRequestPage {
  const maxBytes = options.maxBytes ?? MAX_PAGE_BYTES;
  const cursor = options.next === undefined ? undefined : decodeCursor(options.next);
  const rest = cursor ? list.filter((cr) => after(cr, cursor)) : list;
  const page: ChangeRequest[] = [];
  let bytes = 0;
  for (const cr of rest) {
    if (page.length >= options.limit) break;
    const size = Buffer.byteLength(JSON.stringify(cr)) + 1;
    if (page.length > 0 && bytes + size > maxBytes) break;
    page.push(cr);
    bytes += size;
  }
  const last = page.at(-1);
  return last && page.length < rest.length
    ? { changeRequests: page, next: encodeCursor(last) }
    : { changeRequests: page };
}
