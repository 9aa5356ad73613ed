/**
 * The errors every layer throws. Each has a stable `code`; the HTTP stack maps codes to statuses in
 * one place, so a store or a handler never thinks about HTTP.
 */

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'ALREADY_EXISTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAVAILABLE';

export class OmnilabError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

export class ValidationError extends OmnilabError {
  /** The field path the problem is at, e.g. `features[2].strategies[0].name`. */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super('BAD_REQUEST', field ? `${field}: ${message}` : message);
    this.field = field;
  }
}

export class UnauthorizedError extends OmnilabError {
  constructor(message = 'a valid token is required in the Authorization header') {
    super('UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends OmnilabError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends OmnilabError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends OmnilabError {
  constructor(message: string, code: 'VERSION_CONFLICT' | 'ALREADY_EXISTS' = 'VERSION_CONFLICT') {
    super(code, message);
  }
}

export class PayloadTooLargeError extends OmnilabError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `the request body is larger than ${limitBytes} bytes`);
  }
}

/** The work could not finish now (an overloaded or restarting database): the same request may be sent again. */
export class ServiceUnavailableError extends OmnilabError {
  /** Seconds the caller should wait before retrying. */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super('UNAVAILABLE', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
