// omnilab's SigV4 signs every request exactly as @smithy/signature-v4 does (the SDK's signer): DynamoDB's JSON calls, S3's unescaped paths, query strings, session tokens, odd header spacing.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AwsCredentials, signRequest } from '../../functions/aws/sigv4';

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

interface Case {
  service: string;
  region: string;
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  credentials: AwsCredentials;
  s3: boolean;
  contentSha256: boolean;
  date: Date;
}

async function smithy(c: Case): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: c.service,
    region: c.region,
    sha256: NodeSha256,
    uriEscapePath: !c.s3,
    applyChecksum: c.contentSha256,
    credentials: c.credentials,
  });
  const signed = await signer.sign(
    {
      method: c.method,
      protocol: 'https:',
      hostname: c.host.replace(/:\d+$/, ''),
      path: c.path,
      query: c.query,
      headers: { host: c.host, ...c.headers },
      ...(c.body !== undefined ? { body: c.body } : {}),
    },
    { signingDate: c.date },
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function ours(c: Case): Record<string, string> {
  return signRequest(
    {
      method: c.method,
      host: c.host,
      path: c.path,
      query: c.query,
      headers: c.headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
    },
    {
      service: c.service,
      region: c.region,
      credentials: c.credentials,
      date: c.date,
      uriEscapePath: !c.s3,
      contentSha256: c.contentSha256,
    },
  );
}

const DYNAMODB: Case = {
  service: 'dynamodb',
  region: 'eu-west-1',
  method: 'POST',
  host: 'dynamodb.eu-west-1.amazonaws.com',
  path: '/',
  query: {},
  headers: {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'DynamoDB_20120810.GetItem',
  },
  body: '{"TableName":"omnilab-dev-config","Key":{"pk":{"S":"flag#x"},"sk":{"S":"v"}}}',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  s3: false,
  contentSha256: false,
  date: new Date('2026-12-01T16:30:00.000Z'),
};

describe('SigV4, against the SDK signer', () => {
  it('signs a DynamoDB call as the SDK does, with and without a session token', async () => {
    expect(ours(DYNAMODB)).toEqual(await smithy(DYNAMODB));
    const withToken = {
      ...DYNAMODB,
      credentials: { ...DYNAMODB.credentials, sessionToken: 'IQoJb3JpZ2luX2VjE/+=' },
    };
    const signed = ours(withToken);
    expect(signed['x-amz-security-token']).toBe('IQoJb3JpZ2luX2VjE/+=');
    expect(signed).toEqual(await smithy(withToken));
  });

  it('signs S3 paths as sent and SNS forms, with the payload hash header', async () => {
    const s3: Case = {
      ...DYNAMODB,
      service: 's3',
      method: 'GET',
      host: 'omnilab-anchor.s3.eu-west-1.amazonaws.com',
      path: '/audit/head%3Alatest.json',
      headers: {},
      body: undefined,
      s3: true,
      contentSha256: true,
    };
    expect(ours(s3)).toEqual(await smithy(s3));
    const sns: Case = {
      ...DYNAMODB,
      service: 'sns',
      host: 'sns.eu-west-1.amazonaws.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A1%3At&Message=hi',
      contentSha256: true,
    };
    expect(ours(sns)).toEqual(await smithy(sns));
  });

  it('agrees on any path, query, header values and body', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-zA-Z0-9._~ !'()*%-]{1,8}$/), { maxLength: 4 }),
        fc.dictionary(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,6}$/), text, { maxKeys: 3 }),
        fc.dictionary(fc.stringMatching(/^x-omni-[a-z]{1,5}$/), fc.stringMatching(/^[ -~]{0,12}$/), {
          maxKeys: 3,
        }),
        fc.option(text, { nil: undefined }),
        fc.boolean(),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        async (segments, query, headers, body, s3, date) => {
          const c: Case = {
            ...DYNAMODB,
            path: `/${segments.map((s) => (s3 ? encodeURIComponent(s) : s)).join('/')}`,
            query,
            headers,
            body,
            s3,
            contentSha256: s3,
            date: new Date(Math.floor(date.getTime() / 1000) * 1000),
          };
          expect(ours(c)).toEqual(await smithy(c));
        },
      ),
      { numRuns: 150 },
    );
  });
});
