/**
 * What break-glass may apply, pure (shared/rights/break-glass.ts): a table of routes and of change
 * shapes, a property over mixed changes, and the approval rule that a token the author minted is
 * not a second person (shared/rights/approval.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../shared/governance/change-request';
import { type Effect, NO_EFFECT } from '../../shared/governance/effect';
import type { ProposedOp } from '../../shared/governance/proposed-change';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';
import { mayApprove, mayApproveReleasePlan } from '../../shared/rights/approval';
import { mayApplyAsEmergency, mayDeclareEmergency } from '../../shared/rights/break-glass';

const ROUTES: readonly [string, Record<string, string>, boolean][] = [
  ['PUT /api/admin/flags/{name}/environments/{env}', {}, true],
  ['PUT /api/admin/flags/{name}/environments/{env}/channels/{channel}', {}, true],
  ['PUT /api/admin/flags/{name}', {}, true],
  ['PUT /api/admin/segments/{id}', {}, true],
  ['POST /api/admin/environments/{env}/import', {}, true],
  ['POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}', { action: 'pause' }, true],
  ['GET /api/admin/tokens', {}, true],
  ['POST /api/admin/tokens', {}, false],
  ['DELETE /api/admin/tokens/{id}', {}, false],
  ['PUT /api/admin/environments/{env}', {}, false],
  ['POST /api/admin/environments', {}, false],
  ['POST /api/admin/change-requests/{id}/approve', {}, false],
  ['POST /api/admin/change-requests/{id}/reject', {}, false],
  ['POST /api/admin/change-requests/{id}/apply', {}, false],
  ['PUT /api/admin/change-requests/{id}', {}, false],
  ['POST /api/admin/experiments/{key}/resume', {}, false],
  ['POST /api/admin/release-templates', {}, false],
  ['PUT /api/admin/release-templates/{id}', {}, false],
  ['PUT /api/admin/flags/{name}/environments/{env}/release-plan', {}, false],
  ['POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}', { action: 'approve' }, false],
  ['POST /api/admin/flags/{name}/environments/{env}/release-plan/{action}', { action: 'reject' }, false],
];

const FLAG: Flag = {
  name: 'f',
  description: '',
  squad: 'payments',
  type: 'release',
  tags: [],
  impressionData: false,
  dependencies: [],
  variants: [],
  environments: {},
  archived: false,
  version: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

const flagOp: ProposedOp = { type: 'flags', writes: [{ flag: FLAG, expectedVersion: 1 }], audit: [] };
const mintOp = (kind: 'admin' | 'client' | 'frontend'): ProposedOp => ({
  type: 'token-create',
  token: {
    hash: 'h',
    id: 't',
    name: 'sock-puppet',
    kind,
    ...(kind === 'admin' ? { role: 'platform-admin' as const } : { environment: 'production' }),
    createdAt: '2026-12-01T00:00:00.000Z',
  },
  audit: [],
});
const revokeOp: ProposedOp = { type: 'token-revoke', id: 't', audit: [] };
const envOp: ProposedOp = {
  type: 'environment',
  environment: { name: 'production', type: 'production', protected: false, version: 2, createdAt: 'x' },
  expectedVersion: 1,
  audit: [],
};
const served: Effect = { ...NO_EFFECT, served: { production: { f: 'changed' } } };

const CHANGES: readonly [string, ProposedOp[], Effect, boolean][] = [
  ['a production flag change', [flagOp], served, true],
  ['a guardrail-halted channel resumed', [flagOp], { ...served, definitions: ['experiment:e:resume'] }, true],
  ['an admin token minted', [mintOp('admin')], { ...NO_EFFECT, declared: ['token:t:always'] }, false],
  ['a client token minted', [mintOp('client')], NO_EFFECT, false],
  ['a frontend token minted', [mintOp('frontend')], NO_EFFECT, false],
  ['a token revoked', [revokeOp], NO_EFFECT, false],
  [
    'production protection lifted',
    [envOp],
    { ...NO_EFFECT, definitions: ['environment:production:protection'] },
    false,
  ],
  ['a flag change with a token minted alongside', [flagOp, mintOp('admin')], served, false],
  ['a declared always-approve', [flagOp], { ...served, declared: ['flag:f:always'] }, false],
];

describe('break-glass restores service and never changes rights or governance', () => {
  it.each(ROUTES)('declaring an emergency on %s (%o): allowed %s', (routeKey, params, allowed) => {
    const v = mayDeclareEmergency(routeKey, params);
    expect(v.ok).toBe(allowed);
    if (!v.ok)
      expect(v.why).toMatch(/ask another platform admin \(or an auditor\) to approve the change request/);
  });

  it.each(CHANGES)('applying %s as an emergency: allowed %s', (_what, ops, effect, allowed) => {
    expect(mayApplyAsEmergency(ops, effect).ok).toBe(allowed);
  });

  it('any change holding a token or an environment write is refused, whatever else it holds', () => {
    const op = fc.constantFrom<ProposedOp>(flagOp, mintOp('admin'), mintOp('client'), revokeOp, envOp);
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6 }), (ops) => {
        const rights = ops.some((o) => o.type !== 'flags');
        expect(mayApplyAsEmergency(ops, served).ok).toBe(!rights);
      }),
    );
  });
});

describe('a token the author minted is not a second person', () => {
  const author: Principal = {
    name: 'Admin Wang',
    person: 'admin wang',
    kind: 'admin',
    role: 'platform-admin',
  };
  const cr = {
    id: 'cr-1',
    kind: 'change',
    title: 'change f',
    routeKey: 'PUT /api/admin/flags/{name}',
    params: { name: 'f' },
    body: {},
    target: { type: 'flag', id: 'f' },
    environments: ['production'],
    author,
    status: 'open',
    requiredApprovals: 1,
    approvals: [],
    revision: 1,
    version: 1,
    createdAt: 'x',
    updatedAt: 'x',
  } satisfies ChangeRequest;
  const other = (mintedBy?: string): Principal => ({
    name: 'Sock Puppet',
    person: 'sock puppet',
    kind: 'admin',
    role: 'platform-admin',
    ...(mintedBy ? { mintedBy } : {}),
  });

  it('refuses an approver whose token the author minted, allows one minted by someone else or seeded', () => {
    const minted = mayApprove(other('admin wang'), cr);
    expect(minted.ok).toBe(false);
    if (!minted.ok) expect(minted.why).toMatch(/minted by admin wang, the author/);
    expect(mayApprove(other('risk li'), cr).ok).toBe(true);
    expect(mayApprove(other(), cr).ok).toBe(true);
  });

  it('the same for a release plan: a token its author minted does not approve it', () => {
    const flag = { name: 'f', squad: 'payments' };
    const minted = mayApproveReleasePlan(other('admin wang'), flag, 'Admin Wang');
    expect(minted.ok).toBe(false);
    if (!minted.ok) expect(minted.why).toMatch(/minted by admin wang, the plan's author/);
    expect(mayApproveReleasePlan(other('risk li'), flag, 'Admin Wang').ok).toBe(true);
    expect(mayApproveReleasePlan(other('admin wang'), flag).ok).toBe(true);
  });
});
