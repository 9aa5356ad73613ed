/** The audit log is one hash chain: verification passes untouched and names the entry edited by hand. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '../../functions/aws/dynamodb-document';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import {
  type ChainVerification,
  chainEntries,
  GENESIS_HASH,
  sequenceKey,
  verifyChain,
} from '../../shared/governance/audit-chain';
import type { AuditEntry } from '../../shared/model/audit';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
  // Concurrent writers race for the chain head; every entry must still get its own sequence.
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      p.call('POST', '/api/admin/flags', {
        token: p.tokens.admin,
        body: { name: `chained-${i}`, squad: 'payments' },
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
});
afterAll(() => p.close());

async function verify(token = p.tokens.auditor): Promise<ChainVerification> {
  const res = await p.call('GET', '/api/admin/audit/verify', { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ChainVerification;
}

describe('the audit hash chain', () => {
  it('links every entry to the one before, pure', () => {
    const base: AuditEntry = {
      id: 'a',
      at: '2025-01-01T00:00:00.000Z',
      actor: 'x',
      action: 'flag.created',
      target: { type: 'flag', id: 'f' },
      environments: [],
      before: null,
      after: { n: 1 },
    };
    const chain = chainEntries({ sequence: 0, hash: GENESIS_HASH }, [
      base,
      { ...base, id: 'b' },
      { ...base, id: 'c' },
    ]);
    const head = { sequence: 3, hash: chain[2].hash! };
    expect(verifyChain(chain, head)).toEqual({ ok: true, checked: 3 });
    expect(verifyChain([chain[0], chain[2]], head)).toMatchObject({ ok: false, firstBrokenSequence: 2 });
    expect(verifyChain([chain[0], { ...chain[1], actor: 'y' }, chain[2]], head)).toMatchObject({
      ok: false,
      firstBrokenSequence: 2,
    });
    expect(verifyChain(chain.slice(0, 2), head)).toMatchObject({ ok: false, firstBrokenSequence: 3 });
  });

  it('verifies against DynamoDB, with contiguous sequences under concurrent writers', async () => {
    const result = await verify();
    expect(result).toMatchObject({ ok: true, checked: 8 });
    const entries = await p.runtime.audit.chain();
    expect(entries.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const listed = await p.runtime.audit.listByTarget('flag', 'chained-3');
    expect(listed[0].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exports a date range as JSON and CSV to auditors and product owners, not to squads', async () => {
    const json = await p.call('GET', '/api/admin/audit/export?from=2000-01-01T00:00:00Z&format=json', {
      token: p.tokens.productOwner,
    });
    expect(json.status).toBe(200);
    expect(((await json.json()) as { entries: AuditEntry[] }).entries).toHaveLength(8);
    const none = await p.call('GET', '/api/admin/audit/export?to=2000-01-01T00:00:00Z', {
      token: p.tokens.auditor,
    });
    expect(((await none.json()) as { entries: AuditEntry[] }).entries).toHaveLength(0);
    const csv = await p.call('GET', '/api/admin/audit/export?format=csv', { token: p.tokens.auditor });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'sequence,at,actor,action,targetType,targetId,environments,before,after,previousHash,hash',
    );
    expect(lines).toHaveLength(9);
    expect((await p.call('GET', '/api/admin/audit/export', { token: p.tokens.squadPayments })).status).toBe(
      403,
    );
    expect((await p.call('GET', '/api/admin/audit/verify', { token: p.tokens.squadPayments })).status).toBe(
      403,
    );
  });

  it('detects one stored entry changed by hand, and names it', async () => {
    const { doc } = createDynamoClients(p.runtime.config);
    await doc.send(
      new UpdateCommand({
        TableName: p.runtime.tables.audit,
        Key: { pk: 'chain', sk: sequenceKey(5) },
        UpdateExpression: 'SET actor = :a',
        ExpressionAttributeValues: { ':a': 'someone-else' },
      }),
    );
    const result = await verify(p.tokens.admin);
    expect(result).toMatchObject({ ok: false, firstBrokenSequence: 5 });
    expect(result.reason).toContain('changed after it was written');
  });
});
