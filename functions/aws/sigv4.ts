/**
 * AWS Signature Version 4 over node:crypto, for the few AWS calls omnilab makes over fetch
 * (DynamoDB, SNS, Secrets Manager, S3, Firehose, Athena). It signs as @smithy/signature-v4 does
 * (test/aws/sigv4.test.ts compares both on the same requests), without pulling @smithy/core into
 * every Lambda bundle.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignableRequest {
  method: string;
  /** The Host header's value: a name, with `:port` when it is not the protocol's default. */
  host: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

export interface SigningOptions {
  service: string;
  region: string;
  credentials: AwsCredentials;
  /** When the request is signed (tests fix it). */
  date?: Date;
  /** Normalise and escape the path a second time (every service but S3). Default true. */
  uriEscapePath?: boolean;
  /** Send the payload's hash as x-amz-content-sha256 (S3 wants it). Default false. */
  contentSha256?: boolean;
}

/** Headers that proxies and clients change on the way: never signed (as the SDK's signer). */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 escaping, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(path: string, escapeTwice: boolean): string {
  if (!escapeTwice) return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${
    segments.length > 0 && path.endsWith('/') ? '/' : ''
  }`;
  return escapeUri(normalised).replace(/%2F/g, '/');
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${escapeUri(k)}=${escapeUri(query[k])}`)
    .join('&');
}

/** Signing keys per day, region and service: derived once, reused for every request of the day. */
const KEYS = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const id = `${sha256Hex(secret)}/${day}/${region}/${service}`;
  let key = KEYS.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    if (KEYS.size > 50) KEYS.clear();
    KEYS.set(id, key);
  }
  return key;
}

/**
 * The headers to send: the request's own, plus x-amz-date, the session token when there is one,
 * and Authorization (Host included, as signed; fetch sets the same value itself).
 */
export function signRequest(request: SignableRequest, options: SigningOptions): Record<string, string> {
  const date = options.date ?? new Date();
  const amzDate = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(request.body ?? '');
  const headers: Record<string, string> = { host: request.host };
  for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['x-amz-date'] = amzDate;
  if (options.credentials.sessionToken) headers['x-amz-security-token'] = options.credentials.sessionToken;
  if (options.contentSha256) headers['x-amz-content-sha256'] = payloadHash;
  const signed = Object.keys(headers)
    .filter((h) => !UNSIGNABLE.has(h) && !/^(proxy|sec)-/.test(h))
    .sort();
  const canonicalHeaders = signed
    .map(
      (h) =>
        `${h}:${headers[h]
          .replace(/[\r\n]/g, ' ')
          .replace(/[ \t]+/g, ' ')
          .replace(/^ | $/g, '')}\n`,
    )
    .join('');
  const signedHeaders = signed.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path, options.uriEscapePath !== false),
    canonicalQuery(request.query ?? {}),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac(
    'sha256',
    signingKey(options.credentials.secretAccessKey, day, options.region, options.service),
  )
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${options.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
