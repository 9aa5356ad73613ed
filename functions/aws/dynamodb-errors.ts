/**
 * DynamoDB's errors as omnilab's own client throws them, shaped as the AWS SDK's are (name, message,
 * `$fault`, `$metadata.httpStatusCode`, `$retryable` where the SDK sets it, a node network `code`),
 * so functions/aws/transient-error.ts classifies them unchanged and the stores keep `instanceof`.
 */
import type { AttributeValue } from './dynamodb-types';

export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  /** Attempts made, the last one included. */
  attempts?: number;
  /** Milliseconds spent waiting between attempts. */
  totalRetryDelay?: number;
}

export interface ServiceErrorOptions {
  message: string;
  $metadata?: ResponseMetadata;
}

/** Any error DynamoDB answered with; `name` is its `__type` without the namespace. */
export class DynamoDbServiceError extends Error {
  readonly $fault: 'client' | 'server';
  $metadata: ResponseMetadata;
  /** Set where the service model marks the error retryable (as the SDK does). */
  readonly $retryable?: { throttling?: boolean };

  constructor(name: string, options: ServiceErrorOptions, retryable?: { throttling?: boolean }) {
    super(options.message);
    this.name = name;
    this.$metadata = options.$metadata ?? {};
    const status = this.$metadata.httpStatusCode;
    this.$fault = status !== undefined && status >= 500 ? 'server' : 'client';
    if (retryable) this.$retryable = retryable;
  }
}

export class ConditionalCheckFailedException extends DynamoDbServiceError {
  /** The item as it was, when ReturnValuesOnConditionCheckFailure asked for it. */
  readonly Item?: Record<string, AttributeValue>;
  constructor(options: ServiceErrorOptions & { Item?: Record<string, AttributeValue> }) {
    super('ConditionalCheckFailedException', options);
    if (options.Item) this.Item = options.Item;
  }
}

export interface CancellationReason {
  /** `None`, `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, ... */
  Code?: string;
  Message?: string;
  /** The item as it was, when the item's ReturnValuesOnConditionCheckFailure asked for it. */
  Item?: Record<string, AttributeValue>;
}

export class TransactionCanceledException extends DynamoDbServiceError {
  /** One per item of the transaction, in its order. */
  readonly CancellationReasons?: CancellationReason[];
  constructor(options: ServiceErrorOptions & { CancellationReasons?: CancellationReason[] }) {
    super('TransactionCanceledException', options);
    if (options.CancellationReasons) this.CancellationReasons = options.CancellationReasons;
  }
}

/** Errors the stores and the table provisioning tell apart; any other name is a DynamoDbServiceError. */
export class ResourceNotFoundException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('ResourceNotFoundException', options);
  }
}
export class ResourceInUseException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('ResourceInUseException', options);
  }
}
export class ProvisionedThroughputExceededException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('ProvisionedThroughputExceededException', options);
  }
}
export class RequestLimitExceeded extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('RequestLimitExceeded', options);
  }
}
export class ThrottlingException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('ThrottlingException', options);
  }
}
export class TransactionConflictException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('TransactionConflictException', options);
  }
}
export class TransactionInProgressException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('TransactionInProgressException', options);
  }
}
export class InternalServerError extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('InternalServerError', options);
  }
}
export class ItemCollectionSizeLimitExceededException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('ItemCollectionSizeLimitExceededException', options);
  }
}
export class IdempotentParameterMismatchException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('IdempotentParameterMismatchException', options);
  }
}
/** The one DynamoDB error the service model marks retryable. */
export class ReplicatedWriteConflictException extends DynamoDbServiceError {
  constructor(options: ServiceErrorOptions) {
    super('ReplicatedWriteConflictException', options, {});
  }
}

const BY_NAME: Record<string, new (options: ServiceErrorOptions) => DynamoDbServiceError> = {
  ResourceNotFoundException,
  ResourceInUseException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionConflictException,
  TransactionInProgressException,
  InternalServerError,
  ItemCollectionSizeLimitExceededException,
  IdempotentParameterMismatchException,
  ReplicatedWriteConflictException,
};

/** No HTTP answer: a connection refused, reset or cut (`code` is node's, e.g. ECONNRESET). */
export class AwsNetworkError extends Error {
  readonly code?: string;
  readonly $metadata: ResponseMetadata = {};
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.name = 'AwsNetworkError';
    if (code) this.code = code;
  }
}

/** The request took longer than the client's timeout; named as the SDK names it. */
export class AwsTimeoutError extends Error {
  readonly $metadata: ResponseMetadata = {};
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * An answer bigger than the client takes (`limit` bytes): never buffered past it, never retried
 * (the same request gets the same answer). DynamoDB's largest, a BatchGetItem of 16 MB of items, fits.
 */
export class AwsResponseTooLargeError extends Error {
  readonly code = 'AWS_RESPONSE_TOO_LARGE';
  readonly $metadata: ResponseMetadata;
  constructor(
    readonly limit: number,
    status: number,
  ) {
    super(`the answer is over ${limit} bytes: not read`);
    this.name = 'AwsResponseTooLargeError';
    this.$metadata = { httpStatusCode: status };
  }
}

/**
 * An answer that is not what the protocol promises: a 2xx whose body is not JSON, or JSON of the
 * wrong shape (an item that is not a map of attribute values), or a redirect (never followed: it
 * would carry the signed headers elsewhere). Not retried, nothing of it returned.
 */
export class AwsMalformedResponseError extends Error {
  readonly code = 'AWS_MALFORMED_RESPONSE';
  readonly $metadata: ResponseMetadata;
  constructor(detail: string, status: number) {
    super(`the answer (HTTP ${status}) is malformed: ${detail}`);
    this.name = 'AwsMalformedResponseError';
    this.$metadata = { httpStatusCode: status };
  }
}

/**
 * The body's CRC32 is not the `x-amz-crc32` DynamoDB sent with it: damaged on the way, retried
 * (as the AWS SDKs retry it), transient when it stays so.
 */
export class AwsChecksumMismatchError extends Error {
  readonly code = 'AWS_CHECKSUM_MISMATCH';
  readonly $metadata: ResponseMetadata;
  readonly $retryable = {};
  constructor(expected: string, actual: number, status: number) {
    super(`the answer's CRC32 is ${actual}, x-amz-crc32 says ${expected.slice(0, 20)}`);
    this.name = 'AwsChecksumMismatchError';
    this.$metadata = { httpStatusCode: status };
  }
}

interface ErrorBody {
  __type?: unknown;
  message?: unknown;
  Message?: unknown;
  CancellationReasons?: CancellationReason[];
  Item?: Record<string, AttributeValue>;
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null;
}

const ERROR_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,99}$/;
const MAX_MESSAGE = 2_000;

/** The error an answer other than 2xx stands for (the JSON protocol's `__type`, else the status). */
export function serviceError(
  status: number,
  body: unknown,
  headers: { get(name: string): string | null },
): DynamoDbServiceError {
  const parsed = isErrorBody(body) ? body : {};
  const type = typeof parsed.__type === 'string' ? parsed.__type : (headers.get('x-amzn-errortype') ?? '');
  const given = type.split('#').pop()?.split(':')[0] ?? '';
  // A name is an identifier (anything else, e.g. with line breaks or megabytes long, is no name).
  const name = ERROR_NAME.test(given) ? given : status >= 500 ? 'InternalServerError' : 'UnknownError';
  const rawMessage = parsed.message ?? parsed.Message;
  const message =
    typeof rawMessage === 'string' ? rawMessage.slice(0, MAX_MESSAGE) : `${name} (HTTP ${status})`;
  const requestId = headers.get('x-amzn-requestid')?.slice(0, 200);
  const options: ServiceErrorOptions = {
    message,
    $metadata: { httpStatusCode: status, ...(requestId ? { requestId } : {}) },
  };
  if (name === 'ConditionalCheckFailedException')
    return new ConditionalCheckFailedException({ ...options, ...(parsed.Item ? { Item: parsed.Item } : {}) });
  if (name === 'TransactionCanceledException')
    return new TransactionCanceledException({
      ...options,
      ...(parsed.CancellationReasons ? { CancellationReasons: parsed.CancellationReasons } : {}),
    });
  const known = BY_NAME[name];
  return known ? new known(options) : new DynamoDbServiceError(name, options);
}
