// One contract, two implementations each of the change request and notification stores: in memory and DynamoDB write conditionally on the version, list newest first and filter by status alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditStore } from '../../functions/stores/dynamo-audit-store';
import {
  createDynamoChangeRequestStore,
  createDynamoNotificationStore,
} from '../../functions/stores/dynamo-change-request-store';
import { createMemoryAuditLog } from '../../functions/stores/memory/memory-audit-log';
import {
  createMemoryChangeRequestStore,
  createMemoryNotificationStore,
} from '../../functions/stores/memory/memory-change-request-store';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { Notification } from '../../shared/governance/notification';
import type { AuditStore } from '../../shared/store/audit-store';
import type { ChangeRequestStore, NotificationStore } from '../../shared/store/change-request-store';
import { type DynamoFixture, dynamoFixture } from './stores';

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('change-requests');
});
afterAll(() => dynamo?.client.destroy());

interface Stores {
  requests: ChangeRequestStore;
  notifications: NotificationStore;
  audit: AuditStore;
}

const IMPLEMENTATIONS: [string, () => Stores][] = [
  [
    'in memory',
    () => {
      const log = createMemoryAuditLog();
      return {
        requests: createMemoryChangeRequestStore(log),
        notifications: createMemoryNotificationStore(),
        audit: log.store,
      };
    },
  ],
  [
    'DynamoDB',
    () => ({
      requests: createDynamoChangeRequestStore(dynamo.doc, dynamo.tables),
      notifications: createDynamoNotificationStore(dynamo.doc, dynamo.tables),
      audit: createDynamoAuditStore(dynamo.doc, dynamo.tables),
    }),
  ],
];

function request(id: string, createdAt: string, status: ChangeRequest['status']): ChangeRequest {
  return {
    id,
    kind: 'change',
    title: `turn on the banner (${id})`,
    routeKey: 'PUT /api/admin/flags/{name}/environments/{env}',
    params: { name: 'banner', env: 'production' },
    body: { enabled: true },
    target: { type: 'flag', id: 'banner' },
    environments: ['production'],
    squad: 'lending',
    author: { name: 'ana', kind: 'admin', role: 'squad', squad: 'lending' },
    status,
    requiredApprovals: 1,
    approvals: [],
    revision: 1,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
}

describe.each(IMPLEMENTATIONS)('the change request and notification store contracts: %s', (impl, make) => {
  const tag = impl === 'DynamoDB' ? 'd' : 'm';

  it('change requests: written at the version read, listed newest first, filtered by status', async () => {
    const { requests, audit } = make();
    const older = request(`${tag}-cr1`, '2026-12-01T09:00:00.000Z', 'open');
    const newer = request(`${tag}-cr2`, '2026-12-01T10:00:00.000Z', 'open');
    await requests.write(older, null, [
      {
        id: `${tag}-a1`,
        at: older.createdAt,
        actor: 'ana',
        action: 'change-request.opened',
        target: { type: 'flag', id: `${tag}-banner` },
        environments: ['production'],
        before: null,
        after: { id: older.id },
      },
    ]);
    await requests.write(newer, null, []);
    expect(await requests.get(older.id)).toEqual(older);
    expect(await requests.get('no-such-request')).toBeNull();
    const mine = (crs: ChangeRequest[]) => crs.filter((cr) => cr.id.startsWith(`${tag}-`)).map((cr) => cr.id);
    expect(mine(await requests.list())).toEqual([newer.id, older.id]);

    await expect(requests.write(older, null, [])).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    const approved = { ...older, status: 'approved' as const, version: 2 };
    await expect(requests.write(approved, 5, [])).rejects.toMatchObject({
      message: `change request ${older.id} was changed by someone else: read it again and retry`,
    });
    await requests.write(approved, 1, []);
    expect(mine(await requests.list({ statuses: ['approved'] }))).toEqual([older.id]);
    expect(mine(await requests.list({ statuses: ['open'] }))).toEqual([newer.id]);
    expect((await audit.listByTarget('flag', `${tag}-banner`)).map((e) => e.id)).toEqual([`${tag}-a1`]);
  });

  it('notifications: newest first, at most the limit', async () => {
    const { notifications } = make();
    const n = (id: string, at: string): Notification => ({
      id,
      at,
      kind: 'guardrail-halt',
      message: `a guardrail halted ${id}`,
      subject: `${tag}-experiment`,
    });
    await notifications.add(n(`${tag}-n1`, '2026-12-01T09:00:00.000Z'));
    await notifications.add(n(`${tag}-n3`, '2026-12-01T11:00:00.000Z'));
    await notifications.add(n(`${tag}-n2`, '2026-12-01T10:00:00.000Z'));
    expect((await notifications.list()).map((x) => x.id)).toEqual([`${tag}-n3`, `${tag}-n2`, `${tag}-n1`]);
    expect((await notifications.list(2)).map((x) => x.id)).toEqual([`${tag}-n3`, `${tag}-n2`]);
  });
});
