// One contract, two token stores: in memory and DynamoDB key tokens by the peppered hash, look them up by secret and id, refuse a second create, revoke by id and seed idempotently alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../functions/services/tokens';
import { createDynamoAuditStore } from '../../functions/stores/dynamo-audit-store';
import { createDynamoTokenStore } from '../../functions/stores/dynamo-token-store';
import { createMemoryAuditLog } from '../../functions/stores/memory/memory-audit-log';
import { createMemoryTokenStore } from '../../functions/stores/memory/memory-token-store';
import type { TokenRecord } from '../../shared/model/token';
import type { AuditStore } from '../../shared/store/audit-store';
import type { TokenStore } from '../../shared/store/token-store';
import { type DynamoFixture, dynamoFixture } from './stores';

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('tokens');
});
afterAll(() => dynamo?.client.destroy());

const pepper = async () => 'contract-pepper';

const IMPLEMENTATIONS: [string, () => { tokens: TokenStore; audit: AuditStore }][] = [
  [
    'in memory',
    () => {
      const log = createMemoryAuditLog();
      return { tokens: createMemoryTokenStore(log, pepper), audit: log.store };
    },
  ],
  [
    'DynamoDB',
    () => ({
      tokens: createDynamoTokenStore(dynamo.doc, dynamo.tables, pepper),
      audit: createDynamoAuditStore(dynamo.doc, dynamo.tables),
    }),
  ],
];

describe.each(IMPLEMENTATIONS)('the token store contract: %s', (impl, make) => {
  const tag = impl === 'DynamoDB' ? 'd' : 'm';

  it('creates, finds, lists, refuses a second create and revokes by id', async () => {
    const { tokens, audit } = make();
    const secret = `client:production.${tag}0123456789abcdef`;
    const digest = hashToken(secret);
    const key = await tokens.keyFor(digest);
    expect(key).not.toBe(digest);
    const token: TokenRecord = {
      hash: key,
      id: `tok_${tag}contract1`,
      name: `${tag}-web-app`,
      kind: 'client',
      environment: 'production',
      createdAt: '2026-12-01T12:00:00.000Z',
    };
    await tokens.create(token, [
      {
        id: `${tag}-t1`,
        at: token.createdAt,
        actor: 'contract-test',
        action: 'token.created',
        target: { type: 'token', id: token.id ?? '' },
        environments: ['production'],
        before: null,
        after: { name: token.name },
      },
    ]);
    expect(await tokens.get(digest)).toEqual(token);
    expect(await tokens.get(hashToken('not a token'))).toBeNull();
    expect(await tokens.getById(token.id ?? '')).toEqual(token);
    await expect(tokens.create(token, [])).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect((await audit.listByTarget('token', token.id ?? '')).map((e) => e.id)).toEqual([`${tag}-t1`]);

    await tokens.revoke(token.id ?? '', []);
    expect(await tokens.get(digest)).toBeNull();
    await expect(tokens.revoke(token.id ?? '', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('seeds idempotently, with an id derived from the key, listed oldest first', async () => {
    const { tokens } = make();
    const seeded = (name: string, createdAt: string): TokenRecord => ({
      hash: hashToken(`admin:${tag}-${name}`),
      name: `${tag}-${name}`,
      kind: 'admin',
      role: 'platform-admin',
      createdAt,
    });
    const newer = seeded('newer', '2026-12-01T13:00:00.000Z');
    const older = seeded('older', '2026-12-01T09:00:00.000Z');
    await tokens.seed([newer, older]);
    const first = await tokens.get(newer.hash);
    await tokens.seed([newer, older]);
    expect(await tokens.get(newer.hash)).toEqual(first);
    expect(first?.id).toMatch(/^tok_[0-9a-f]{24}$/);
    expect((await tokens.list()).filter((t) => t.name.startsWith(`${tag}-`)).map((t) => t.name)).toEqual([
      `${tag}-older`,
      `${tag}-newer`,
    ]);
  });
});
