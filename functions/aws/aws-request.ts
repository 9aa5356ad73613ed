/**
 * One signed AWS API call over fetch, for the small calls omnilab makes outside DynamoDB: the token
 * pepper from Secrets Manager, the audit anchor's head from S3, SNS alerts, Firehose and Athena.
 * Their SDK clients would add 29 kB and 141 kB to every function bundle (measured with esbuild
 * beside the DynamoDB client); signing is omnilab's own SigV4 (functions/aws/sigv4.ts), as for
 * DynamoDB (functions/aws/dynamodb-client.ts). Credentials come from the DynamoDB client's source.
 * Each call has a timeout, a bound on its answer's size, and follows no redirect.
 */
import { AwsTimeoutError } from './dynamodb-errors';
import { MAX_RESPONSE_BYTES, readBody } from './response-body';
import { type AwsCredentials, signRequest } from './sigv4';

const DEFAULT_TIMEOUT_MS = 25_000;

export type { AwsCredentials } from './sigv4';

export interface AwsCall {
  service: string;
  region: string;
  method: 'GET' | 'POST' | 'PUT';
  /** e.g. `secretsmanager.eu-west-1.amazonaws.com`; tests point it at a local server. */
  host: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** http for a local test server; https otherwise. */
  protocol?: 'https:' | 'http:';
  /** S3 signs the path as sent (no second escaping) and wants x-amz-content-sha256. */
  s3?: boolean;
  /** Milliseconds the call, its answer's body read, may take (25 s, under API Gateway's 29). */
  timeoutMs?: number;
  /** The largest answer read, in bytes (functions/aws/response-body.ts: 32 MiB). */
  maxResponseBytes?: number;
}

/** Where credentials come from: the DynamoDB client's own chain (role, profile, SSO) in the runtime. */
export type CredentialSource = () => Promise<AwsCredentials>;

/** The function role's credentials, as Lambda puts them in the environment. */
export function credentialsFromEnv(env: Record<string, string | undefined> = process.env): CredentialSource {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new Error('no AWS credentials in the environment');
    return {
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  };
}

export async function awsRequest(
  call: AwsCall,
  credentials: CredentialSource = credentialsFromEnv(),
): Promise<Response> {
  const headers = signRequest(
    {
      method: call.method,
      host: call.host,
      path: call.path,
      ...(call.query ? { query: call.query } : {}),
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
    },
    {
      service: call.service,
      region: call.region,
      credentials: await credentials(),
      uriEscapePath: call.s3 !== true,
      contentSha256: true,
    },
  );
  const qs = new URLSearchParams(call.query ?? {}).toString();
  const url = `${call.protocol ?? 'https:'}//${call.host}${call.path}${qs ? `?${qs}` : ''}`;
  delete headers.host;
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await fetch(url, {
      method: call.method,
      headers,
      body: call.body,
      signal: AbortSignal.timeout(timeoutMs),
      // Never followed: a redirect would carry the signed headers (a session token) elsewhere; the
      // caller sees the 3xx, which no caller takes for success.
      redirect: 'manual',
    });
    const bytes = await readBody(response, call.maxResponseBytes ?? MAX_RESPONSE_BYTES);
    // The answer as read, whole and bounded: the callers read it as text or JSON.
    return new Response(bytes.byteLength > 0 ? bytes : null, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  } catch (e) {
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
      throw new AwsTimeoutError(timeoutMs);
    throw e;
  }
}
