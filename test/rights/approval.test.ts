/**
 * The approval rights, one test each: change requests (four eyes, a squad for its own squad only)
 * and release plans, as a table over every principal kind and role.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../shared/governance/change-request';
import { mayApprove as mayApproveFromGovernance } from '../../shared/governance/change-request';
import { mayApprove, mayApproveReleasePlan, mayRunReleasePlan } from '../../shared/rights/approval';
import { coversEveryPrincipal, OTHER, OWN, PRINCIPALS, type PrincipalName } from './principals';

const T = true;
const F = false;

function request(squads: string[]): ChangeRequest {
  return {
    id: 'cr-1',
    kind: 'change',
    title: 'change f',
    routeKey: 'PUT /api/admin/flags/{name}',
    params: { name: 'f' },
    body: {},
    target: { type: 'flag', id: 'f' },
    environments: ['production'],
    squad: OWN,
    author: { name: 'Author Zhou', kind: 'admin', role: 'squad', squad: OWN },
    status: 'open',
    requiredApprovals: 1,
    approvals: [],
    revision: 1,
    effect: { served: {}, definitions: [], declared: [], squads },
    version: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
}

describe('rights: approval', () => {
  it('mayApprove: platform admins and auditors any change, a squad its own squad only, never the author', () => {
    // a change of checkout reaching checkout's flags; one reaching search's flags too
    const rows: [PrincipalName, boolean, boolean][] = [
      ['platform-admin', T, T],
      ['squad (checkout)', T, F],
      ['squad (search)', F, F],
      ['product-owner', F, F],
      ['product-owner with a squad', F, F],
      ['auditor', T, T],
      ['client', F, F],
      ['frontend', F, F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, own, reaching] of rows) {
      const p = PRINCIPALS[name];
      expect(mayApprove(p, request([OWN])).ok, `${name} own`).toBe(own);
      expect(mayApprove(p, request([OWN, OTHER])).ok, `${name} reaching search`).toBe(reaching);
      // The author, under another spelling of the same name, never approves.
      const author = { ...p, name: 'ＡＵＴＨＯＲ zhou ' };
      expect(mayApprove(author, request([OWN]))).toEqual({
        ok: false,
        why: 'nobody approves their own change',
      });
    }
    expect(mayApprove(PRINCIPALS['squad (checkout)'], request([OWN, OTHER]))).toEqual({
      ok: false,
      why: 'Squad Li (squad checkout) may not approve a change that reaches flags of squad search: a platform admin or an auditor approves it',
    });
    // Governance's callers keep importing it from where it was: the same function.
    expect(mayApproveFromGovernance).toBe(mayApprove);
  });

  it("mayApproveReleasePlan: platform admins and auditors any plan, a squad member its own squad's", () => {
    const rows: [PrincipalName, boolean][] = [
      ['platform-admin', T],
      ['squad (checkout)', T],
      ['squad (search)', F],
      ['product-owner', F],
      ['product-owner with a squad', F],
      ['auditor', T],
      ['client', F],
      ['frontend', F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, expected] of rows) {
      const verdict = mayApproveReleasePlan(PRINCIPALS[name], { name: 'f', squad: OWN });
      expect(verdict, name).toEqual(
        expected
          ? { ok: true }
          : { ok: false, why: `${PRINCIPALS[name].name} may not approve the release plan of f` },
      );
    }
  });

  it('mayRunReleasePlan: its owner runs a plan; auditors approve plans and never run them', () => {
    const rows: [PrincipalName, boolean][] = [
      ['platform-admin', T],
      ['squad (checkout)', T],
      ['squad (search)', F],
      ['product-owner', F],
      ['product-owner with a squad', F],
      ['auditor', F],
      ['client', F],
      ['frontend', F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, expected] of rows) {
      expect(mayRunReleasePlan(PRINCIPALS[name], { name: 'f', squad: OWN }).ok, name).toBe(expected);
    }
    expect(mayRunReleasePlan(PRINCIPALS.auditor, { name: 'f', squad: OWN })).toEqual({
      ok: false,
      why: 'auditors approve plans; they do not run them',
    });
  });
});
