/**
 * The one classification of failed AWS calls: `transient` (busy, throttled, restarting or
 * unreachable: nothing the caller did wrong, worth a retry), `no-answer` (no HTTP answer and no
 * known network code: the call may or may not have been carried out), or `permanent` (an answer
 * that refuses the request). The HTTP stack answers 503 for transient errors; the event store's
 * attempt loop retries transient and unanswered calls (its writes are conditional, so a retry
 * never applies twice).
 */

export type AwsErrorKind = 'transient' | 'no-answer' | 'permanent';

/** Error names AWS services and the SDK give to a busy, throttled or restarting service. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** Node's codes for a connection that could not be made or was cut. */
const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: object): AwsErrorShape {
  return error;
}

export function classifyAwsError(error: unknown): AwsErrorKind {
  if (!error || typeof error !== 'object') return 'permanent';
  const e = shape(error);
  if (e.$retryable) return 'transient';
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return 'transient';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'transient';
  const status = e.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return 'no-answer';
  return status >= 500 || status === 429 ? 'transient' : 'permanent';
}

/** A database that is slow, busy or restarting: nothing the caller did wrong, and worth a retry. */
export function isTransientAwsError(error: unknown): boolean {
  return classifyAwsError(error) === 'transient';
}
