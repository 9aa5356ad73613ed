/**
 * Lambda's Invoke API (RequestResponse) over fetch, signed with omnilab's own SigV4
 * (./sigv4.ts, as ./aws-request.ts signs, with a deadline of its own): how admin-governance reaches the function that owns a governed route
 * (functions/services/lambda-restage.ts). A function error, an error answer or a failed
 * connection is a ServiceUnavailableError (503: nothing the caller did wrong, worth a retry).
 */
import { ServiceUnavailableError } from '../../shared/model/errors';
import type { CredentialSource } from './aws-request';
import { readBody } from './response-body';
import { signRequest } from './sigv4';

export interface LambdaInvokeOptions {
  region: string;
  /** e.g. `http://127.0.0.1:4567` for a test's stand-in; unset on AWS. */
  endpoint: string | undefined;
  credentials: CredentialSource;
  /** How long to wait for the answer; default 20 s, inside API Gateway's 30 s. */
  timeoutMs?: number;
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A RequestResponse answer is at most 6 MB (Lambda's quota): anything larger is not Lambda's. */
const MAX_ANSWER_BYTES = 6 * 1024 * 1024 + 1024;

function target(options: LambdaInvokeOptions): { host: string; protocol: 'https:' | 'http:' } {
  if (!options.endpoint) return { host: `lambda.${options.region}.amazonaws.com`, protocol: 'https:' };
  const url = new URL(options.endpoint);
  return { host: url.host, protocol: url.protocol === 'http:' ? 'http:' : 'https:' };
}

/** Invokes `functionName` with `payload` and answers the function's own JSON answer. */
export async function invokeLambda(
  options: LambdaInvokeOptions,
  functionName: string,
  payload: unknown,
): Promise<unknown> {
  if (!FUNCTION_NAME.test(functionName))
    throw new ServiceUnavailableError(`"${functionName}" is not a Lambda function name`);
  const { host, protocol } = target(options);
  const path = `/2015-03-31/functions/${functionName}/invocations`;
  const body = JSON.stringify(payload);
  let response: Response;
  try {
    const headers = signRequest(
      {
        method: 'POST',
        host,
        path,
        headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
        body,
      },
      { service: 'lambda', region: options.region, credentials: await options.credentials() },
    );
    delete headers.host;
    response = await fetch(`${protocol}//${host}${path}`, {
      method: 'POST',
      headers,
      body,
      // Never followed: a redirect would carry the signed headers (a session token) elsewhere.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
  } catch {
    throw new ServiceUnavailableError(`function ${functionName} could not be reached: try again`);
  }
  const text = await readBody(response, MAX_ANSWER_BYTES)
    .then((bytes) => new TextDecoder().decode(bytes))
    .catch(() => undefined);
  if (!response.ok || text === undefined)
    throw new ServiceUnavailableError(`function ${functionName} answered ${response.status}: try again`);
  if (response.headers.get('x-amz-function-error'))
    throw new ServiceUnavailableError(`function ${functionName} failed: try again`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceUnavailableError(`function ${functionName} answered no JSON: try again`);
  }
}
