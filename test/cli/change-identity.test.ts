/**
 * What makes a change "the same change" for apply's idempotency (functions/http/governed-handler.ts):
 * the person, route, path parameters, body and apply-at time, and the items written at their base
 * versions; never the times of the write nor the audit entries. Properties over generated requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeIdentity } from '../../functions/http/governed-handler';
import type { ProposedOp } from '../../shared/governance/proposed-change';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';

function flag(name: string, version: number, updatedAt: string): Flag {
  return {
    name,
    description: '',
    squad: 'cards',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: {},
    archived: false,
    version,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt,
  };
}

function audit(at: string, id: string): AuditEntry {
  return {
    id,
    at,
    actor: 'a',
    action: 'flag.channel-on',
    target: { type: 'flag', id: 'f' },
    environments: [],
    before: null,
    after: null,
  };
}

interface Req {
  person: string;
  routeKey: string;
  name: string;
  enabled: boolean;
  version: number;
  applyAt?: string;
}

const principal = (name: string): Principal => ({ kind: 'admin', name, role: 'platform-admin' });

const request = fc.record({
  person: fc.constantFrom('admin-wang', 'risk-li'),
  routeKey: fc.constantFrom(
    'PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}',
    'PUT /api/admin/flags/{name}',
  ),
  name: fc.constantFrom('f', 'g'),
  enabled: fc.boolean(),
  version: fc.integer({ min: 1, max: 5 }),
  applyAt: fc.option(fc.constant('2099-01-01T00:00:00.000Z'), { nil: undefined }),
});
const time = fc
  .date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());

function identity(r: Req, at: string, auditId: string, person = r.person) {
  const ops: ProposedOp[] = [
    {
      type: 'flags',
      writes: [{ flag: flag(r.name, r.version + 1, at), expectedVersion: r.version }],
      audit: [audit(at, auditId)],
    },
  ];
  return changeIdentity({
    author: principal(person),
    routeKey: r.routeKey,
    params: { name: r.name },
    body: { enabled: r.enabled, version: r.version },
    ...(r.applyAt ? { applyAt: r.applyAt } : {}),
    ops,
  });
}

describe('the identity of a change', () => {
  it('is the same whenever and however often the same person asks for the same change', () => {
    fc.assert(
      fc.property(request, time, time, fc.uuid(), fc.uuid(), (r, t1, t2, a1, a2) => {
        expect(identity(r, t1, a1)).toBe(identity(r, t2, a2));
        // Another spelling of the same person is the same person.
        expect(identity(r, t1, a1, r.person.toUpperCase())).toBe(identity(r, t1, a1));
      }),
    );
  });

  it('differs when the person, the route, the item, the body, the base version or the apply-at time differ', () => {
    fc.assert(
      fc.property(request, request, time, (a, b, at) => {
        const same =
          a.person === b.person &&
          a.routeKey === b.routeKey &&
          a.name === b.name &&
          a.enabled === b.enabled &&
          a.version === b.version &&
          a.applyAt === b.applyAt;
        expect(identity(a, at, 'x') === identity(b, at, 'x')).toBe(same);
      }),
    );
  });
});
