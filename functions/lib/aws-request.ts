/**
 * One signed AWS API call over fetch, for the two small calls omnilab makes outside DynamoDB in
 * request paths: reading the token pepper from Secrets Manager and the audit anchor's latest head
 * from S3. Their SDK clients would add 29 kB and 141 kB to every function bundle (measured with
 * esbuild beside the DynamoDB client); SigV4 signing is already in the bundle (@smithy/signature-v4,
 * which the DynamoDB client uses). Credentials come from the DynamoDB client's own provider chain.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** SHA-256 (and HMAC-SHA-256 with a secret) as the signer wants it. */
class NodeSha256 {
  private hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret as Uint8Array));
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

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
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
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
  const signer = new SignatureV4({
    service: call.service,
    region: call.region,
    sha256: NodeSha256,
    uriEscapePath: call.s3 !== true,
    applyChecksum: true,
    credentials,
  });
  const hostName = call.host.replace(/:\d+$/, '');
  const port = /:(\d+)$/.exec(call.host)?.[1];
  const signed = await signer.sign({
    method: call.method,
    protocol: call.protocol ?? 'https:',
    hostname: hostName,
    ...(port ? { port: Number(port) } : {}),
    path: call.path,
    query: call.query ?? {},
    headers: { host: call.host, ...call.headers },
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  const qs = new URLSearchParams(call.query ?? {}).toString();
  const url = `${call.protocol ?? 'https:'}//${call.host}${call.path}${qs ? `?${qs}` : ''}`;
  const headers = { ...signed.headers };
  delete headers.host;
  return fetch(url, { method: call.method, headers, body: call.body });
}
