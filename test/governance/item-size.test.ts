/**
 * Item sizes: computed as DynamoDB counts them (checked against DynamoDB Local at its 400 KB
 * limit), every write over the limit refused with a 413 naming size and limit before anything is
 * written, audit entries kept as diffs, and a flag switched off whatever its size.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand } from '../../functions/aws/dynamodb-client';
import { PutCommand } from '../../functions/aws/dynamodb-document';
import {
  DYNAMODB_ITEM_LIMIT,
  ItemTooLargeError,
  itemSize,
  MAX_ITEM_BYTES,
} from '../../functions/stores/item-size';
import { verifyChain } from '../../shared/governance/audit-chain';
import { applyDiff } from '../../shared/governance/audit-diff';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

/** A flag whose production strategy lists `values` customer ids of 36 characters. */
function flagOf(name: string, values: number, version = 1): Flag {
  return {
    name,
    description: '',
    squad: 'payments',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: {
      development: { enabled: true, channels: { mobile: true, web: true }, strategies: [] },
      production: {
        enabled: true,
        channels: { mobile: true, web: true },
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: '100', stickiness: 'default', groupId: name },
            constraints: [
              {
                contextName: 'userId',
                operator: 'IN',
                values: Array.from({ length: values }, (_, i) => `customer-${String(i).padStart(27, '0')}`),
              },
            ],
          },
        ],
      },
    },
    archived: false,
    version,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const entry = (flag: Flag, before: Flag | null): AuditEntry => ({
  id: `${flag.name}-${flag.version}`,
  at: new Date().toISOString(),
  actor: 'test',
  action: before ? 'flag.updated' : 'flag.created',
  target: { type: 'flag', id: flag.name },
  environments: ['production'],
  before,
  after: flag,
});

describe('item sizes', () => {
  it('are counted as DynamoDB Local counts them: exact for strings and maps, never under', async () => {
    const TableName = `${p.runtime.config.tablePrefix}size-calibration`;
    await p.runtime.flags.list(); // the client is warm
    const { client, doc } = (await import('../../functions/runtime/composition-root')).createDynamoClients(
      p.runtime.config,
    );
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const shapes: [string, (n: number) => Record<string, unknown>, boolean][] = [
      ['string', (n) => ({ pk: 'a', s: 'x'.repeat(n) }), true],
      [
        'nested maps and lists',
        (n) => ({
          pk: 'a',
          m: Object.fromEntries(
            Array.from({ length: 500 }, (_, i) => [`k${i}`, { on: true, v: 'ab', w: ['c', null] }]),
          ),
          s: 'y'.repeat(n),
        }),
        true,
      ],
      [
        'numbers',
        (n) => ({ pk: 'a', l: Array.from({ length: 500 }, (_, i) => i * 7.5), s: 'é'.repeat(n) }),
        false,
      ],
    ];
    for (const [name, shape, exact] of shapes) {
      const accepted = (n: number) =>
        doc.send(new PutCommand({ TableName, Item: shape(n) })).then(
          () => true,
          (e: Error) => {
            if (!/size/i.test(e.message)) throw e;
            return false;
          },
        );
      let lo = 0;
      let hi = DYNAMODB_ITEM_LIMIT;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (await accepted(mid)) lo = mid;
        else hi = mid - 1;
      }
      // The largest item DynamoDB Local takes, and the smallest it refuses.
      expect(itemSize(shape(lo + 1)), name).toBeGreaterThan(DYNAMODB_ITEM_LIMIT);
      if (exact) expect(itemSize(shape(lo)), name).toBe(DYNAMODB_ITEM_LIMIT);
      else expect(itemSize(shape(lo)), name).toBeLessThan(DYNAMODB_ITEM_LIMIT + 2048);
    }
  }, 120_000);

  it('refuse an oversized flag with a 413 naming size and limit, writing nothing', async () => {
    const small = flagOf('grows', 10);
    await p.runtime.flags.write([{ flag: small, expectedVersion: null }], [entry(small, null)]);
    const huge = flagOf('grows', 10_000, 2);
    expect(itemSize({ ...huge })).toBeGreaterThan(MAX_ITEM_BYTES);
    const refused = await p.runtime.flags
      .write([{ flag: huge, expectedVersion: 1 }], [entry(huge, small)])
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ItemTooLargeError);
    expect((refused as ItemTooLargeError).code).toBe('PAYLOAD_TOO_LARGE');
    expect((refused as Error).message).toMatch(
      new RegExp(`flag grows would be \\d+ bytes stored, over the limit of ${MAX_ITEM_BYTES} bytes`),
    );
    expect((await p.runtime.flags.get('grows'))?.version).toBe(1);
    expect((await p.runtime.audit.listByTarget('flag', 'grows')).length).toBe(1);
  });

  it('refuse a many-flag write (an import) whole when one of its flags is oversized, writing none of them', async () => {
    // More flags than one transaction holds, so the write commits in parts: none may commit.
    const many = Array.from({ length: 40 }, (_, i) => flagOf(`part-${i}`, 1));
    many.splice(30, 0, flagOf('part-huge', 10_000));
    const refused = await p.runtime.flags
      .write(
        many.map((flag) => ({ flag, expectedVersion: null })),
        many.map((f) => entry(f, null)),
      )
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ItemTooLargeError);
    expect((await p.runtime.flags.list()).filter((f) => f.name.startsWith('part-'))).toEqual([]);
  });

  it('store audit entries of large flags as diffs that rebuild the state, and the chain still verifies', async () => {
    const big = flagOf('big', 7000);
    expect(itemSize({ ...big })).toBeLessThan(MAX_ITEM_BYTES);
    await p.runtime.flags.write([{ flag: big, expectedVersion: null }], [entry(big, null)]);
    const edited = { ...big, description: 'now described', version: 2 };
    // Two whole 250 KB states would be over DynamoDB's limit: only the diff is kept.
    await p.runtime.flags.write([{ flag: edited, expectedVersion: 1 }], [entry(edited, big)]);
    const [latest, created] = await p.runtime.audit.listByTarget('flag', 'big');
    expect(latest.statesOmitted).toBe(true);
    expect(latest.diff).toEqual([
      { path: ['description'], before: '', after: 'now described' },
      { path: ['version'], before: 1, after: 2 },
    ]);
    expect(itemSize(latest as unknown as Record<string, unknown>)).toBeLessThan(2048);
    expect(applyDiff(applyDiff(null, created.diff!), latest.diff!)).toEqual(edited);
    expect(verifyChain(await p.runtime.audit.chain(), await p.runtime.audit.head())).toMatchObject({
      ok: true,
    });
  });

  it('switch off a flag stored above the limit (before limits existed), and refuse any other write to it', async () => {
    // Written straight to the table, as an older omnilab could.
    const legacy = flagOf('legacy-huge', 10_000);
    const size = itemSize({ pk: 'flag', sk: legacy.name, ...legacy });
    expect(size).toBeGreaterThan(MAX_ITEM_BYTES);
    expect(size).toBeLessThan(DYNAMODB_ITEM_LIMIT);
    await p.runtime.flags.list();
    const { doc } = (await import('../../functions/runtime/composition-root')).createDynamoClients(
      p.runtime.config,
    );
    await doc.send(
      new PutCommand({
        TableName: p.runtime.tables.config,
        Item: { pk: 'flag', sk: legacy.name, ...legacy },
      }),
    );
    const grown: Flag = { ...legacy, description: 'x', version: 2 };
    await expect(
      p.runtime.flags.write([{ flag: grown, expectedVersion: 1 }], [entry(grown, legacy)]),
    ).rejects.toBeInstanceOf(ItemTooLargeError);
    const off: Flag = {
      ...legacy,
      version: 2,
      updatedAt: new Date().toISOString(),
      environments: {
        ...legacy.environments,
        production: { ...legacy.environments.production, enabled: false },
      },
    };
    await p.runtime.flags.write([{ flag: off, expectedVersion: 1 }], [entry(off, legacy)]);
    expect((await p.runtime.flags.get('legacy-huge'))?.environments.production.enabled).toBe(false);
  });
});
