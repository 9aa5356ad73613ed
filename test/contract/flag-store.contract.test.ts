// One contract, two flag stores: in memory and DynamoDB create, read, list and version flags alike, refuse a stale write whole, chain its audit entries and move the config revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditStore } from '../../functions/stores/dynamo-audit-store';
import { createDynamoFlagStore } from '../../functions/stores/dynamo-flag-store';
import { createMemoryAuditLog } from '../../functions/stores/memory/memory-audit-log';
import { createMemoryFlagStore } from '../../functions/stores/memory/memory-flag-store';
import { verifyChain } from '../../shared/governance/audit-chain';
import type { AuditEntry } from '../../shared/model/audit';
import { ConflictError } from '../../shared/model/errors';
import type { Flag } from '../../shared/model/flag';
import type { AuditStore } from '../../shared/store/audit-store';
import type { FlagStore } from '../../shared/store/flag-store';
import { type DynamoFixture, dynamoFixture } from './stores';

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('flags');
});
afterAll(() => dynamo?.client.destroy());

const IMPLEMENTATIONS: [string, () => { flags: FlagStore; audit: AuditStore }][] = [
  [
    'in memory',
    () => {
      const log = createMemoryAuditLog();
      return { flags: createMemoryFlagStore(log), audit: log.store };
    },
  ],
  [
    'DynamoDB',
    () => ({
      flags: createDynamoFlagStore(dynamo.doc, dynamo.tables),
      audit: createDynamoAuditStore(dynamo.doc, dynamo.tables),
    }),
  ],
];

function flag(name: string, version: number, enabled: boolean): Flag {
  return {
    name,
    description: `the ${name} flag`,
    squad: 'lending',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: { production: { enabled, channels: { web: enabled, mobile: false }, strategies: [] } },
    archived: false,
    version,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: `2026-12-01T10:0${version}:00.000Z`,
  };
}

function entry(id: string, name: string, before: Flag | null, after: Flag): AuditEntry {
  return {
    id,
    at: after.updatedAt,
    actor: 'contract-test',
    action: before ? 'flag.updated' : 'flag.created',
    target: { type: 'flag', id: name },
    environments: ['production'],
    before,
    after,
  };
}

describe.each(IMPLEMENTATIONS)('the flag store contract: %s', (impl, make) => {
  it('creates, reads, lists and versions flags; a stale write is refused whole; entries are chained', async () => {
    const { flags, audit } = make();
    const a = `${impl === 'DynamoDB' ? 'd' : 'm'}-banner`;
    const b = `${impl === 'DynamoDB' ? 'd' : 'm'}-cards`;
    const r0 = await flags.revision?.();
    const a1 = flag(a, 1, false);
    const b1 = flag(b, 1, true);
    await flags.write(
      [
        { flag: a1, expectedVersion: null },
        { flag: b1, expectedVersion: null },
      ],
      [entry(`${a}-1`, a, null, a1), entry(`${b}-1`, b, null, b1)],
    );
    expect(await flags.get(a)).toEqual(a1);
    expect(await flags.get('no-such-flag')).toBeNull();
    expect((await flags.list()).filter((f) => f.name === a || f.name === b)).toEqual([a1, b1]);
    const r1 = await flags.revision?.();
    expect(r1).not.toEqual(r0);

    // Created again (expected absent) or written at a stale version: refused, nothing written.
    await expect(flags.write([{ flag: flag(a, 1, true), expectedVersion: null }], [])).rejects.toBeInstanceOf(
      ConflictError,
    );
    const a2 = flag(a, 2, true);
    await expect(
      flags.write([{ flag: a2, expectedVersion: 7 }], [entry(`${a}-x`, a, a1, a2)]),
    ).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      message: `flag ${a} was changed by someone else: read it again and retry`,
    });
    expect(await flags.get(a)).toEqual(a1);
    expect(await flags.revision?.()).toEqual(r1);

    await flags.write([{ flag: a2, expectedVersion: 1 }], [entry(`${a}-2`, a, a1, a2)]);
    expect(await flags.get(a)).toEqual(a2);
    expect(await flags.revision?.()).not.toEqual(r1);

    // The audit entries: newest first per target, with their diff, verified, and a chain that verifies.
    const listed = await audit.listByTarget('flag', a);
    expect(listed.map((e) => [e.id, e.action, e.verified])).toEqual([
      [`${a}-2`, 'flag.updated', true],
      [`${a}-1`, 'flag.created', true],
    ]);
    expect(listed[0].diff).toContainEqual({
      path: ['environments', 'production', 'enabled'],
      before: false,
      after: true,
    });
    const chain = await audit.chain();
    expect(chain.filter((e) => e.target.id === a || e.target.id === b).map((e) => e.id)).toEqual([
      `${a}-1`,
      `${b}-1`,
      `${a}-2`,
    ]);
    expect(verifyChain(chain, await audit.head()).ok).toBe(true);
  });
});
