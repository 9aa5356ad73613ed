/**
 * A write that changes nothing: a PUT whose result equals what is stored, apart from the version
 * and the time of the write. It is answered `200` with the stored item as it is (its version kept)
 * and `omnilab-unchanged: true`, and writes nothing: no version bump, no audit entry, and so no
 * pending change request made stale by it (experiments as code run twice, a console saving twice).
 */
import { canonicalJson } from '../../shared/governance/audit-chain';
import { type ApiResponse, json } from '../http/api-types';

/** Bookkeeping every write sets: not content. */
const BOOKKEEPING = new Set(['version', 'updatedAt']);

function content(item: object): string {
  const plain = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
  return canonicalJson(Object.fromEntries(Object.entries(plain).filter(([k]) => !BOOKKEEPING.has(k))));
}

/** True when `after` stores nothing `before` does not already hold. */
export function changesNothing(before: object, after: object): boolean {
  return content(before) === content(after);
}

export const UNCHANGED_HEADER = 'omnilab-unchanged';

/** The answer to a write that changes nothing: the stored item, as stored. */
export function unchanged(stored: unknown): ApiResponse {
  return json(200, stored, { [UNCHANGED_HEADER]: 'true' });
}
