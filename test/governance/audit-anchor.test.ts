/**
 * The audit anchor: heads only ever added, the latest the highest; the S3 implementation's signed
 * calls against a stand-in for S3 (Object Lock's integrity header, keys that sort newest first,
 * stray keys skipped); the token pepper read from a stand-in for Secrets Manager; the stream
 * consumer anchoring the highest head of a batch.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHeadOf, createAuditAnchorHandler } from '../../functions/handlers/audit-anchor-handler';
import { readSecret } from '../../functions/services/tokens';
import { createFileAuditAnchor } from '../../functions/stores/file-audit-anchor';
import { anchorKey, createS3AuditAnchor, headOfKey } from '../../functions/stores/s3-audit-anchor';
import { chainEntries, GENESIS_HASH, verifyChain } from '../../shared/governance/audit-chain';
import type { AuditEntry } from '../../shared/model/audit';

const hash = (n: number) => createHash('sha256').update(String(n)).digest('hex');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];
const objects = new Map<string, string>();
/** The role's credentials, as a function reads them from its environment on AWS. */
const credentials = async () => ({
  accessKeyId: 'AKIDTEST',
  secretAccessKey: 'secret-test',
  sessionToken: 'session-test',
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const url = new URL(req.url!, 'http://x');
      if (req.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        res.end(JSON.stringify({ SecretString: `pepper-for-${JSON.parse(body).SecretId}` }));
      } else if (req.method === 'PUT') {
        const md5 = createHash('md5').update(body).digest('base64');
        if (req.headers['content-md5'] !== md5) {
          res.statusCode = 400;
          res.end('<Error>InvalidRequest: Content-MD5 required with Object Lock</Error>');
          return;
        }
        objects.set(decodeURIComponent(url.pathname.replace(/^\/anchor\//, '')), body);
        res.end();
      } else {
        const keys = [...objects.keys()]
          .filter((k) => k.startsWith(url.searchParams.get('prefix') ?? ''))
          .sort();
        res.setHeader('content-type', 'application/xml');
        res.end(
          `<ListBucketResult>${keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('')}</ListBucketResult>`,
        );
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const entries = (actor: string, n: number): AuditEntry[] =>
  chainEntries(
    { sequence: 0, hash: GENESIS_HASH },
    Array.from({ length: n }, (_, i) => ({
      id: `e${i}`,
      at: '2026-01-01T00:00:00.000Z',
      actor,
      action: 'flag.updated',
      target: { type: 'flag' as const, id: 'f' },
      environments: ['production'],
      before: null,
      after: { i },
    })),
  );

describe('verification against the anchored head', () => {
  it('reports a chain cut back at its head (entries and head both rolled back in the table)', () => {
    const all = entries('admin', 5);
    const kept = all.slice(0, 3);
    const tableHead = { sequence: 3, hash: kept[2].hash! };
    expect(verifyChain(kept, tableHead)).toMatchObject({ ok: true });
    const anchored = { ...tableHead, anchored: { sequence: 5, hash: all[4].hash! } };
    expect(verifyChain(kept, anchored)).toMatchObject({
      ok: false,
      firstBrokenSequence: 4,
      reason: expect.stringMatching(/entries 4–5 are missing: the chain was truncated at its head/),
    });
  });

  it('reports a chain rewritten consistently (every hash recomputed) up to the anchored head', () => {
    const honest = entries('admin', 4);
    const forged = entries('someone-else', 4);
    const head = { sequence: 4, hash: forged[3].hash!, anchored: { sequence: 2, hash: honest[1].hash! } };
    expect(verifyChain(forged, { sequence: 4, hash: forged[3].hash! })).toMatchObject({ ok: true });
    expect(verifyChain(forged, head)).toMatchObject({
      ok: false,
      firstBrokenSequence: 2,
      reason: expect.stringMatching(/rewritten/),
    });
    expect(
      verifyChain(honest, {
        sequence: 4,
        hash: honest[3].hash!,
        anchored: { sequence: 2, hash: honest[1].hash! },
      }),
    ).toMatchObject({ ok: true });
  });
});

describe('the audit anchor', () => {
  it('keeps heads in a file, the latest being the highest whatever the order they came in', async () => {
    const anchor = createFileAuditAnchor(
      join(mkdtempSync(join(tmpdir(), 'omnilab-anchor-')), 'anchor.jsonl'),
    );
    expect(await anchor.latest()).toBeNull();
    for (const n of [3, 1, 7, 5]) await anchor.record({ sequence: n, hash: hash(n) });
    expect(await anchor.latest()).toEqual({ sequence: 7, hash: hash(7) });
  });

  it('names S3 objects so that the highest sequence lists first, and reads a head off its key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 11 }), fc.integer({ min: 1, max: 10 ** 11 }), (a, b) => {
        expect(headOfKey(anchorKey(a, hash(a)))).toEqual({ sequence: a, hash: hash(a) });
        if (a > b) expect(anchorKey(a, hash(a)) < anchorKey(b, hash(b))).toBe(true);
      }),
    );
    expect(headOfKey('heads/000000000001-5-abc')).toBeNull();
  });

  it('puts heads to S3 signed and with the integrity header Object Lock wants, and lists the latest past stray keys', async () => {
    const anchor = createS3AuditAnchor({ bucket: 'anchor', region: 'eu-west-1', endpoint, credentials });
    objects.set('heads/0000-stray', 'x');
    for (const n of [2, 9, 4]) await anchor.record({ sequence: n, hash: hash(n) });
    expect(await anchor.latest()).toEqual({ sequence: 9, hash: hash(9) });
    const put = seen.find((s) => s.method === 'PUT')!;
    expect(put.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=[^,]*content-md5[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(put.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(put.body).digest('hex'));
    expect(put.headers['x-amz-security-token']).toBe('session-test');
  });

  it('reads the token pepper from Secrets Manager with a signed GetSecretValue', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:omnilab-dev-token-pepper';
    expect(await readSecret(arn, 'eu-west-1', credentials, new URL(endpoint).host, 'http:')).toBe(
      `pepper-for-${arn}`,
    );
    const call = seen.find((s) => s.headers['x-amz-target'] === 'secretsmanager.GetSecretValue')!;
    expect(call.headers.authorization).toMatch(
      /Credential=AKIDTEST\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/,
    );
  });

  it('anchors, from the audit stream, the highest chain head of each batch and nothing else', async () => {
    const record = (pk: string, sk: string, sequence: number) => ({
      dynamodb: {
        NewImage: {
          pk: { S: pk },
          sk: { S: sk },
          sequence: { N: String(sequence) },
          hash: { S: hash(sequence) },
        },
      },
    });
    const event = {
      Records: [
        record('chain-head', 'head', 11),
        record('chain', '000000000012', 12),
        record('chain-head', 'head', 10),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(chainHeadOf(event)).toEqual({ sequence: 11, hash: hash(11) });
    const recorded: number[] = [];
    const handler = createAuditAnchorHandler({
      record: async (h) => {
        recorded.push(h.sequence);
      },
      latest: async () => null,
    });
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(await handler({ Records: [record('flag#x', 'a', 3)] } as unknown as DynamoDBStreamEvent)).toEqual({
      batchItemFailures: [],
    });
    expect(recorded).toEqual([11]);
  });
});
