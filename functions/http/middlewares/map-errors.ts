/**
 * Middleware: every error to a status, in one place — omnilab's errors by their stable code
 * (functions/http/errors.ts), a busy or restarting database as a 503 to retry, anything else a 500
 * whose log line names the error's class and code only (messages may carry customer ids or secrets).
 */
import { OmnilabError, ServiceUnavailableError, ValidationError } from '../../../shared/model/errors';
import { isTransientAwsError } from '../../aws/transient-error';
import { errorFields, logger } from '../../runtime/logger';
import { STATUS_BY_CODE } from '../errors';
import type { Middleware, Result } from './middleware-types';

export function errorResult(status: number, code: string, message: string, field?: string): Result {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(field ? { code, message, field } : { code, message }),
  };
}

export function mapErrors(): Middleware {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof OmnilabError) {
        const field = error instanceof ValidationError ? error.field : undefined;
        request.response = errorResult(STATUS_BY_CODE[error.code], error.code, error.message, field);
        if (error instanceof ServiceUnavailableError) {
          request.response.headers = {
            ...request.response.headers,
            'retry-after': String(error.retryAfterSeconds),
          };
        }
        return;
      }
      const route = request.event?.routeKey;
      if (isTransientAwsError(error)) {
        logger.warn('the database was busy: answered 503', {
          route,
          error: errorFields(error),
          retryable: true,
        });
        request.response = errorResult(
          503,
          'UNAVAILABLE',
          'the database is busy or restarting: send the same request again (event ids make that safe)',
        );
        request.response.headers = { ...request.response.headers, 'retry-after': '1' };
        return;
      }
      logger.error('the route failed: answered 500', {
        route,
        error: errorFields(error, { awsMessage: true }),
      });
      request.response = errorResult(500, 'INTERNAL', 'internal error');
    },
  };
}
