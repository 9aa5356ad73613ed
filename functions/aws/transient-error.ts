/**
 * The one classification of failed AWS calls: `transient` (busy, throttled, restarting or
 * unreachable: nothing the caller did wrong, worth a retry), `no-answer` (no HTTP answer and no
 * known network code: the call may or may not have been carried out), or `permanent` (an answer
 * that refuses the request). The HTTP stack answers 503 for transient errors; the event store's
 * attempt loop retries transient and unanswered calls (its writes are conditional, so a retry
 * never applies twice); the DynamoDB client's retry policy (functions/aws/retry-policy.ts) retries
 * transient ones, waiting longer for the throttling ones.
 */

export type AwsErrorKind = 'transient' | 'no-answer' | 'permanent';

/**
 * Error names AWS services give to a throttled caller, as the AWS SDK's standard mode lists them
 * (@smithy/service-error-classification): transient, retried after a longer wait.
 */
const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/**
 * Other names of a busy, timed-out or restarting service: the SDK's transient names, DynamoDB's
 * server errors by name, and TransactionConflictException (an item in another transaction: the
 * DynamoDB developer guide's error table marks it "OK to retry? Yes").
 */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionConflictException',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** Node's codes for a connection refused, reset or timed out, and for a host not reached. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** 501 Not Implemented refuses the request itself: a retry gets the same answer. */
const NOT_IMPLEMENTED = 501;

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $retryable?: { throttling?: unknown };
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: object): AwsErrorShape {
  return error;
}

/** A throttled call: 429, a throttling name, or marked so by the service model. */
export function isThrottlingAwsError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = shape(error);
  return (
    e.$metadata?.httpStatusCode === 429 ||
    (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name)) ||
    e.$retryable?.throttling === true
  );
}

export function classifyAwsError(error: unknown): AwsErrorKind {
  if (!error || typeof error !== 'object') return 'permanent';
  const e = shape(error);
  if (e.$retryable || isThrottlingAwsError(error)) return 'transient';
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return 'transient';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'transient';
  // A request signed, then held up past its 5 minutes: signed again, it goes through.
  if (
    e.name === 'InvalidSignatureException' &&
    typeof e.message === 'string' &&
    e.message.includes('Signature expired')
  )
    return 'transient';
  const status = e.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return 'no-answer';
  return (status >= 500 && status !== NOT_IMPLEMENTED) || status === 429 ? 'transient' : 'permanent';
}

/** A database that is slow, busy or restarting: nothing the caller did wrong, and worth a retry. */
export function isTransientAwsError(error: unknown): boolean {
  return classifyAwsError(error) === 'transient';
}
