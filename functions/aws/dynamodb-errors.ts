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

/** The error an answer other than 2xx stands for (the JSON protocol's `__type`, else the status). */
export function serviceError(
  status: number,
  body: unknown,
  headers: { get(name: string): string | null },
): DynamoDbServiceError {
  const parsed = isErrorBody(body) ? body : {};
  const type = typeof parsed.__type === 'string' ? parsed.__type : (headers.get('x-amzn-errortype') ?? '');
  const name =
    type.split('#').pop()?.split(':')[0] || (status >= 500 ? 'InternalServerError' : 'UnknownError');
  const rawMessage = parsed.message ?? parsed.Message;
  const message = typeof rawMessage === 'string' ? rawMessage : `${name} (HTTP ${status})`;
  const requestId = headers.get('x-amzn-requestid');
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
