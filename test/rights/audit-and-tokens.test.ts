/** Reading the audit chain and minting admin tokens, one test each over every principal kind and role. */
import { describe, expect, it } from 'vitest';
import { mayReadAudit } from '../../shared/rights/audit';
import { raisesRights } from '../../shared/rights/tokens';
import { coversEveryPrincipal, OTHER, OWN, PRINCIPALS, type PrincipalName } from './principals';

const T = true;
const F = false;

describe('rights: audit and tokens', () => {
  it('mayReadAudit: platform admins, product owners and auditors; squads and SDK tokens not', () => {
    const rows: [PrincipalName, boolean][] = [
      ['platform-admin', T],
      ['squad (checkout)', F],
      ['squad (search)', F],
      ['product-owner', T],
      ['product-owner with a squad', T],
      ['auditor', T],
      ['client', F],
      ['frontend', F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, expected] of rows) expect(mayReadAudit(PRINCIPALS[name]), name).toBe(expected);
  });

  it('raisesRights: a token never gives more than its minter holds (a platform admin holds all)', () => {
    // minting: a squad checkout token, a squad search token, a product-owner token, a platform-admin token
    const rows: [PrincipalName, boolean, boolean, boolean, boolean][] = [
      ['platform-admin', F, F, F, F],
      ['squad (checkout)', F, T, T, T],
      ['squad (search)', T, F, T, T],
      ['product-owner', T, T, F, T],
      ['product-owner with a squad', T, T, F, T],
      ['auditor', T, T, T, T],
      ['client', T, T, T, T],
      ['frontend', T, T, T, T],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, own, other, po, pa] of rows) {
      const p = PRINCIPALS[name];
      expect(raisesRights(p, 'squad', OWN), `${name} mints checkout`).toBe(own);
      expect(raisesRights(p, 'squad', OTHER), `${name} mints search`).toBe(other);
      expect(raisesRights(p, 'product-owner', undefined), `${name} mints a product owner`).toBe(po);
      expect(raisesRights(p, 'platform-admin', undefined), `${name} mints a platform admin`).toBe(pa);
    }
  });
});
