/**
 * The `omnilab-apply-at` header: when a held change applies. An RFC 3339 time with a zone, in the
 * future, and at most `maxAheadDays` ahead: a time without a zone means a different instant to each
 * reader, and one years ahead (`+275760-09-13`) is a mistake that would sit approved and forgotten.
 */
import { ValidationError } from '../../shared/model/errors';
import { parseRfc3339 } from '../../shared/model/rfc3339';

export const APPLY_AT_FIELD = 'headers.omnilab-apply-at';

/** How far ahead a change may be scheduled by default: a year, leap day included. */
export const MAX_APPLY_AHEAD_DAYS = 366;

const DAY_MS = 86_400_000;

/**
 * The instant `raw` names as an ISO string (UTC, milliseconds), or undefined when the header is
 * absent or empty. Throws a ValidationError naming `headers.omnilab-apply-at` when it is not an
 * RFC 3339 time with a zone, not after `now`, or more than `maxAheadDays` after it.
 */
export function parseApplyAt(
  raw: string | undefined,
  now: Date,
  maxAheadDays: number = MAX_APPLY_AHEAD_DAYS,
): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const at = parseRfc3339(raw.trim());
  if (at === null)
    throw new ValidationError(
      'must be an RFC 3339 time with a zone, e.g. 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00',
      APPLY_AT_FIELD,
    );
  if (at <= now.getTime()) throw new ValidationError('must be in the future', APPLY_AT_FIELD);
  if (at - now.getTime() > maxAheadDays * DAY_MS)
    throw new ValidationError(`must be at most ${maxAheadDays} days ahead`, APPLY_AT_FIELD);
  return new Date(at).toISOString();
}
