/**
 * The SDK's retry timing: `Retry-After` parsed from either form, and a jittered, doubling, capped wait
 * after consecutive failures, for polling and event sending alike.
 */
const MAX_DELAY_MS = 60 * 60 * 1000;

/** `Retry-After` in milliseconds, from either of its forms (delta-seconds or an HTTP date); undefined if absent or unusable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_DELAY_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_DELAY_MS);
}

/**
 * The wait before the next attempt after `failures` consecutive failures: doubling from `baseMs`
 * up to ten times it, with jitter so that a fleet of clients does not retry in step; never
 * sooner than the server's `Retry-After`.
 */
export function backoff(failures: number, baseMs: number, retryAfterMs: number | undefined): number {
  const capped = Math.min(baseMs * 2 ** Math.min(failures, 10), baseMs * 10);
  const jittered = capped * (0.75 + Math.random() * 0.25);
  return Math.min(Math.max(jittered, retryAfterMs ?? 0), MAX_DELAY_MS);
}
