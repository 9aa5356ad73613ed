// One contract, two implementations each of the segment and environment stores: in memory and DynamoDB give fresh ids, refuse stale or existing writes whole, chain their audit entries and seed without audit alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditStore } from '../../functions/stores/dynamo-audit-store';
import { createDynamoEnvironmentStore } from '../../functions/stores/dynamo-environment-store';
import { createDynamoFlagStore } from '../../functions/stores/dynamo-flag-store';
import { createDynamoSegmentStore } from '../../functions/stores/dynamo-segment-store';
import { createMemoryAuditLog } from '../../functions/stores/memory/memory-audit-log';
import { createMemoryEnvironmentStore } from '../../functions/stores/memory/memory-environment-store';
import { createMemoryFlagStore } from '../../functions/stores/memory/memory-flag-store';
import { createMemorySegmentStore } from '../../functions/stores/memory/memory-segment-store';
import type { AuditEntry } from '../../shared/model/audit';
import type { Environment } from '../../shared/model/environment';
import type { SegmentDefinition } from '../../shared/model/flag';
import type { AuditStore } from '../../shared/store/audit-store';
import type { EnvironmentStore } from '../../shared/store/environment-store';
import type { FlagStore } from '../../shared/store/flag-store';
import type { SegmentStore } from '../../shared/store/segment-store';
import { type DynamoFixture, dynamoFixture } from './stores';

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('config');
});
afterAll(() => dynamo?.client.destroy());

interface Stores {
  segments: SegmentStore;
  environments: EnvironmentStore;
  flags: FlagStore;
  audit: AuditStore;
}

const IMPLEMENTATIONS: [string, () => Stores][] = [
  [
    'in memory',
    () => {
      const log = createMemoryAuditLog();
      const revision = { value: 0 };
      return {
        segments: createMemorySegmentStore(log, revision),
        environments: createMemoryEnvironmentStore(log),
        flags: createMemoryFlagStore(log, revision),
        audit: log.store,
      };
    },
  ],
  [
    'DynamoDB',
    () => ({
      segments: createDynamoSegmentStore(dynamo.doc, dynamo.tables),
      environments: createDynamoEnvironmentStore(dynamo.doc, dynamo.tables),
      flags: createDynamoFlagStore(dynamo.doc, dynamo.tables),
      audit: createDynamoAuditStore(dynamo.doc, dynamo.tables),
    }),
  ],
];

const entry = (
  id: string,
  type: AuditEntry['target']['type'],
  target: string,
  after: unknown,
): AuditEntry => ({
  id,
  at: '2026-12-01T11:00:00.000Z',
  actor: 'contract-test',
  action: `${type}.created`,
  target: { type, id: target },
  environments: ['production'],
  before: null,
  after,
});

describe.each(IMPLEMENTATIONS)('the segment and environment store contracts: %s', (impl, make) => {
  const tag = impl === 'DynamoDB' ? 'd' : 'm';

  it('segments: fresh ids, a stale write refused whole, entries chained, the config revision moved', async () => {
    const { segments, flags, audit } = make();
    const first = await segments.nextId();
    const second = await segments.nextId();
    expect(second).toBeGreaterThan(first);
    const segment: SegmentDefinition = {
      id: first,
      name: `${tag}-vip`,
      description: 'VIP customers',
      constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }],
      squad: 'lending',
      version: 1,
    };
    const before = await flags.revision?.();
    await segments.write(
      [{ segment, expectedVersion: null }],
      [entry(`${tag}-s1`, 'segment', String(first), segment)],
    );
    expect(await segments.get(first)).toEqual(segment);
    expect(await segments.get(second)).toBeNull();
    expect((await segments.list()).filter((s) => s.id === first)).toEqual([segment]);
    expect(await flags.revision?.()).not.toEqual(before);

    const stale = { ...segment, description: 'changed', version: 2 };
    await expect(segments.write([{ segment: stale, expectedVersion: 5 }], [])).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      message: `segment ${first} was changed by someone else: read it again and retry`,
    });
    expect(await segments.get(first)).toEqual(segment);
    expect((await audit.listByTarget('segment', String(first))).map((e) => [e.id, e.verified])).toEqual([
      [`${tag}-s1`, true],
    ]);
  });

  it('environments: create refuses an existing name, update a stale version; ensure seeds only what is missing', async () => {
    const { environments, audit } = make();
    const name = `${tag}-staging`;
    const env: Environment = {
      name,
      type: 'production',
      protected: true,
      version: 1,
      createdAt: '2026-12-01T11:00:00.000Z',
    };
    await environments.create(env, [entry(`${tag}-e1`, 'environment', name, env)]);
    expect(await environments.get(name)).toEqual(env);
    await expect(environments.create({ ...env, type: 'development' }, [])).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `environment ${name} exists`,
    });
    await expect(environments.update({ ...env, protected: false, version: 2 }, 9, [])).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
    const open = { ...env, protected: false, version: 2 };
    await environments.update(open, 1, []);
    expect(await environments.get(name)).toEqual(open);

    const seeded: Environment = { ...env, name: `${tag}-seeded`, version: 1 };
    await environments.ensure([{ ...open, version: 99 }, seeded]);
    expect(await environments.get(name)).toEqual(open);
    expect(await environments.get(seeded.name)).toEqual(seeded);
    expect(
      (await environments.list()).filter((e) => e.name.startsWith(`${tag}-`)).map((e) => e.name),
    ).toEqual([seeded.name, name]);
    expect((await audit.listByTarget('environment', name)).map((e) => e.id)).toEqual([`${tag}-e1`]);
  });
});
