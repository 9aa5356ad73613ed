// The one classification of failed AWS calls, as a table: what the HTTP stack answers 503 for, and what the event store's attempt loop retries.

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
    // The HTTP stack answers 503 (retry later) exactly for the transient ones.
    expect(isTransientAwsError(error)).toBe(kind === 'transient');
    expect(isRetryable(error)).toBe(storeRetries);
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
