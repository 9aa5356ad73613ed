// The one classification of failed AWS calls, as a table: what the HTTP stack answers 503 for, what the event store's attempt loop retries, and what the DynamoDB client's retry policy retries (exactly the transient ones, the throttling ones from the longer base).

import { describe, expect, it } from 'vitest';
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  TransactionCanceledException,
  TransactionConflictException,
} from '../../functions/aws/dynamodb-errors';
import { type RetryKind, retryKind } from '../../functions/aws/retry-policy';
import {
  type AwsErrorKind,
  classifyAwsError,
  isTransientAwsError,
} from '../../functions/aws/transient-error';
import { isRetryable } from '../../functions/stores/event-store/attempts';

const answered = (status: number) => ({ $metadata: { httpStatusCode: status } });
const named = (name: string, status?: number) =>
  Object.assign(new Error(name), { name }, status === undefined ? {} : answered(status));
const coded = (code: string) => Object.assign(new Error(code), { code });

const TABLE: [string, unknown, AwsErrorKind, boolean][] = [
  // what failed, the error, its kind, whether the event store tries again
  ['throttled (DynamoDB)', named('ThrottlingException', 400), 'transient', true],
  [
    'throughput exceeded',
    new ProvisionedThroughputExceededException({ message: 'x', ...answered(400) }),
    'transient',
    true,
  ],
  ['account request limit', new RequestLimitExceeded({ message: 'x', ...answered(400) }), 'transient', true],
  [
    'transaction conflict',
    new TransactionConflictException({ message: 'x', ...answered(400) }),
    'transient',
    true,
  ],
  ['internal server error', new InternalServerError({ message: 'x', ...answered(500) }), 'transient', true],
  ['service unavailable', named('ServiceUnavailable', 503), 'transient', true],
  ['SDK timeout', named('TimeoutError'), 'transient', true],
  [
    'marked retryable by the SDK',
    Object.assign(named('Whatever', 400), { $retryable: { throttling: true } }),
    'transient',
    true,
  ],
  ['any 5xx', named('SomethingBroke', 502), 'transient', true],
  ['429', named('TooManyRequests', 429), 'transient', true],
  ['connection refused', coded('ECONNREFUSED'), 'transient', true],
  ['connection reset', coded('ECONNRESET'), 'transient', true],
  ['broken pipe', coded('EPIPE'), 'transient', true],
  ['no answer at all', new Error('socket closed'), 'no-answer', true],
  // Where the SDK's retry lists and this table disagreed, decided (the retry policy now asks this table):
  // a throttling name the SDK retries is transient here too, so the API answers 503, not 500;
  ['too many requests (SDK throttling name)', named('TooManyRequestsException', 400), 'transient', true],
  ['transaction token in progress', named('TransactionInProgressException', 400), 'transient', true],
  ['a request timeout by name', named('RequestTimeoutException', 400), 'transient', true],
  // a host not reached (timed out, unreachable, DNS) is transient, as the SDK retries it;
  ['connect timed out', coded('ETIMEDOUT'), 'transient', true],
  ['DNS not answering', coded('EAI_AGAIN'), 'transient', true],
  // 501 Not Implemented is no busy service: the SDK does not retry it, and the API answers 500, not 503.
  ['501 not implemented', named('NotImplemented', 501), 'permanent', false],
  [
    'a condition failed',
    new ConditionalCheckFailedException({ message: 'x', ...answered(400) }),
    'permanent',
    false,
  ],
  ['no such table', new ResourceNotFoundException({ message: 'x', ...answered(400) }), 'permanent', false],
  ['validation', named('ValidationException', 400), 'permanent', false],
  ['not an object', 'boom', 'permanent', false],
  ['nothing', undefined, 'permanent', false],
];

describe('transient AWS errors, one classification', () => {
  it.each(TABLE)('%s', (_what, error, kind, storeRetries) => {
    expect(classifyAwsError(error)).toBe(kind);
    // The client's retry policy retries exactly the transient ones.
    expect(retryKind(error) !== 'none').toBe(kind === 'transient');
    // The HTTP stack answers 503 (retry later) exactly for the transient ones.
    expect(isTransientAwsError(error)).toBe(kind === 'transient');
    expect(isRetryable(error)).toBe(storeRetries);
  });

  it('an expired signature is transient (signed again on retry); any other bad signature is not', () => {
    const expired = Object.assign(named('InvalidSignatureException', 400), {
      message: 'Signature expired: 20261201T100000Z is now earlier than 20261201T100500Z',
    });
    expect(classifyAwsError(expired)).toBe('transient');
    expect(retryKind(expired)).toBe('transient');
    expect(classifyAwsError(named('InvalidSignatureException', 400))).toBe('permanent');
  });

  it.each<[string, unknown, RetryKind]>([
    ['429', named('Whatever', 429), 'throttling'],
    ['ThrottlingException', named('ThrottlingException', 400), 'throttling'],
    ['TransactionInProgressException', named('TransactionInProgressException', 400), 'throttling'],
    ['marked throttling', Object.assign(named('X', 400), { $retryable: { throttling: true } }), 'throttling'],
    ['TransactionConflictException', named('TransactionConflictException', 400), 'transient'],
    ['503', named('ServiceUnavailable', 503), 'transient'],
    ['ECONNRESET', coded('ECONNRESET'), 'transient'],
    ['validation', named('ValidationException', 400), 'none'],
  ])('the retry policy sees %s as %s', (_what, error, kind) => {
    expect(retryKind(error)).toBe(kind);
  });

  it('a cancelled transaction is not transient, but the event store reads again and retries', () => {
    const cancelled = new TransactionCanceledException({
      message: 'x',
      ...answered(400),
      CancellationReasons: [],
    });
    expect(classifyAwsError(cancelled)).toBe('permanent');
    expect(isRetryable(cancelled)).toBe(true);
  });
});
