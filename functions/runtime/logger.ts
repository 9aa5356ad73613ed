/**
 * The one logger of every function, on AWS and under `npm start`: Powertools Logger, one JSON line
 * per entry with `level`, `message`, `timestamp` and `service`, and per invocation (the
 * `injectLambdaContext` middleware) `function_name`, `function_request_id` and `cold_start`; HTTP
 * lines carry the `route`, scheduled ones the `job`. An error is logged as its name and code only:
 * messages and stacks may carry customer ids or secrets.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { loadTelemetryConfig } from './config';

export const SERVICE_NAME = 'omnilab';

export const logger = /* @__PURE__ */ new Logger({
  serviceName: SERVICE_NAME,
  logLevel: loadTelemetryConfig().logLevel,
});

/**
 * The middy middleware that puts the invocation's function name, request id and cold start on every
 * line and drops the keys it added (`route`, `job`) afterwards. It never logs the event, whatever
 * POWERTOOLS_LOGGER_LOG_EVENT says: events carry tokens and customer ids.
 */
export function logInvocation() {
  return injectLambdaContext(logger, { resetKeys: true, logEvent: false });
}

/** What a log line says about an error: `{ name, code }`, never its message or stack. */
export interface LoggedError {
  name: string;
  code?: string;
  /** AWS SDK errors only: their messages name the operation's problem, not the caller's data. */
  message?: string;
}

/** Stable codes only (ours, Node's `ECONNRESET`, AWS's `ThrottlingException`): nothing free-form. */
const CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export function errorFields(error: unknown, options: { awsMessage?: boolean } = {}): LoggedError {
  if (!(error instanceof Error)) return { name: typeof error };
  const out: LoggedError = { name: error.name };
  const code: unknown = 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && CODE.test(code)) out.code = code;
  if (options.awsMessage && '$metadata' in error) out.message = error.message;
  return out;
}

/** A Lambda context for a run outside Lambda (the scheduled function on `npm start`'s timer, tests). */
export function invocationContext(functionName: string, budgetMs = 60_000): Context {
  const deadline = Date.now() + budgetMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
