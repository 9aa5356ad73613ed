/** Who may call a route at all, by its access level: one table over every access level and principal. */
import { describe, expect, it } from 'vitest';
import { type Access, mayCall } from '../../shared/rights/access';
import { coversEveryPrincipal, PRINCIPALS, type PrincipalName } from './principals';

const T = true;
const F = false;

const ACCESS: Access[] = [
  'public',
  'client',
  'frontend',
  'evaluation',
  'admin-read',
  'admin-write',
  'platform-admin',
  'approver',
  'audit-read',
];

describe('rights: route access', () => {
  it('mayCall: each access level lets in exactly its principals', () => {
    // public client frontend evaluation admin-read admin-write platform-admin approver audit-read
    const rows: [PrincipalName, ...boolean[]][] = [
      ['platform-admin', T, F, F, F, T, T, T, T, T],
      ['squad (checkout)', T, F, F, F, T, T, F, T, F],
      ['squad (search)', T, F, F, F, T, T, F, T, F],
      ['product-owner', T, F, F, F, T, F, F, F, T],
      ['product-owner with a squad', T, F, F, F, T, F, F, F, T],
      ['auditor', T, F, F, F, T, F, F, T, T],
      ['client', T, T, F, T, F, F, F, F, F],
      ['frontend', T, F, T, T, F, F, F, F, F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, ...expected] of rows) {
      expect(
        ACCESS.map((a) => mayCall(a, PRINCIPALS[name])),
        name,
      ).toEqual(expected);
    }
  });
});
