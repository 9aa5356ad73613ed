/**
 * The audit anchor on AWS: one small object per chain head in a bucket with Object Lock in
 * compliance mode (infra/constructs/audit-anchor-bucket.ts), so nobody, the account root included,
 * deletes or overwrites an anchored head before its retention ends. Keys sort newest first
 * (`heads/<10^12 - sequence>-<sequence>-<hash>`), so the latest head is one list call, read off
 * the key itself: the writer (the audit table's stream consumer) needs PutObject, readers
 * ListBucket, nobody GetObject. Keys carry a sequence number and a hash, nothing about a change.
 * Signed requests over fetch (functions/aws/aws-request.ts) rather than the S3 client, which
 * would add 141 kB to each bundle that verifies the chain.
 */
import { createHash } from 'node:crypto';
import { SEQUENCE_DIGITS } from '../../shared/governance/audit-chain';
import type { AuditAnchor } from '../../shared/store/audit-anchor';
import { awsRequest, type CredentialSource, credentialsFromEnv } from '../aws/aws-request';

const PREFIX = 'heads/';
const CEILING = 10 ** SEQUENCE_DIGITS;

export function anchorKey(sequence: number, hash: string): string {
  return `${PREFIX}${String(CEILING - sequence).padStart(SEQUENCE_DIGITS, '0')}-${sequence}-${hash}`;
}

export function headOfKey(key: string): { sequence: number; hash: string } | null {
  const m = /^heads\/(\d+)-(\d+)-([0-9a-f]{64})$/.exec(key);
  if (!m || Number(m[1]) + Number(m[2]) !== CEILING) return null;
  return { sequence: Number(m[2]), hash: m[3] };
}

export interface S3Location {
  bucket: string;
  region: string;
  /** Tests: a local stand-in for S3 (path-style, http). */
  endpoint?: string;
  credentials?: CredentialSource;
}

export function createS3AuditAnchor(where: S3Location): AuditAnchor {
  const local = where.endpoint ? new URL(where.endpoint) : undefined;
  const host = local ? local.host : `${where.bucket}.s3.${where.region}.amazonaws.com`;
  const base = local ? `/${where.bucket}` : '';
  const call = (
    method: 'GET' | 'PUT',
    path: string,
    extra: { query?: Record<string, string>; headers?: Record<string, string>; body?: string },
  ) =>
    awsRequest(
      {
        service: 's3',
        region: where.region,
        method,
        host,
        path: `${base}${path}`,
        s3: true,
        ...(local ? { protocol: local.protocol as 'http:' | 'https:' } : {}),
        ...extra,
      },
      where.credentials ?? credentialsFromEnv(),
    );
  return {
    async record(head) {
      const body = JSON.stringify({ sequence: head.sequence, hash: head.hash });
      const res = await call('PUT', `/${anchorKey(head.sequence, head.hash)}`, {
        body,
        headers: {
          'content-type': 'application/json',
          // Object Lock refuses a put without an integrity check.
          'content-md5': createHash('md5').update(body).digest('base64'),
        },
      });
      if (!res.ok) throw new Error(`anchoring the audit head answered ${res.status}`);
    },
    async latest() {
      // The first key that reads as a head: anything else under the prefix is skipped, so a stray
      // object cannot hide the real heads (and a forged higher head only raises an alarm).
      let token: string | undefined;
      do {
        const res = await call('GET', '/', {
          query: {
            'list-type': '2',
            prefix: PREFIX,
            'max-keys': '100',
            ...(token ? { 'continuation-token': token } : {}),
          },
        });
        if (!res.ok) throw new Error(`reading the audit anchor answered ${res.status}`);
        const xml = await res.text();
        for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) {
          const head = headOfKey(m[1]);
          if (head) return head;
        }
        token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
      } while (token);
      return null;
    },
  };
}
