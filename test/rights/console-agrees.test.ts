/**
 * The console shows an action exactly when the API would allow it: for every principal (any kind,
 * role and squad) and every owner, console/src/rights.ts answers as the API's checks do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayCreate, mayReadAudit, mayWriteFor, squadChoices } from '../../console/src/rights';
import { requireOwner } from '../../functions/services/admin-support';
import type { Principal } from '../../shared/model/token';
import { ADMIN_ROLES } from '../../shared/model/token';
import { mayCall } from '../../shared/rights/access';
import { mayWriteForSquad } from '../../shared/rights/ownership';

const SQUADS = ['checkout', 'search', 'growth'];
const squad = fc.option(fc.constantFrom(...SQUADS), { nil: undefined });

const principal: fc.Arbitrary<Principal> = fc.oneof(
  fc.record({
    kind: fc.constant('admin' as const),
    role: fc.constantFrom(...ADMIN_ROLES),
    squad,
    name: fc.constantFrom('Admin Wang', 'Squad Li'),
  }),
  fc.record({
    kind: fc.constantFrom('client' as const, 'frontend' as const),
    environment: fc.constant('production'),
    name: fc.constant('sdk'),
  }),
);

function apiAllowsWrite(p: Principal, owner: string | undefined): boolean {
  if (!mayCall('admin-write', p)) return false;
  try {
    requireOwner(p, owner, 'it');
    return true;
  } catch {
    return false;
  }
}

describe('rights: the console and the API agree', () => {
  it('for every principal and owner: writes, creates for a squad, and reading the audit chain', () => {
    fc.assert(
      fc.property(principal, squad, (p, owner) => {
        expect(mayWriteFor(p, owner)).toBe(apiAllowsWrite(p, owner));
        for (const s of SQUADS) {
          const offered = mayCreate(p) && squadChoices(p, SQUADS).includes(s);
          expect(offered).toBe(mayWriteForSquad(p, s, 'flags', 'create').ok);
        }
        expect(mayReadAudit(p)).toBe(mayCall('audit-read', p));
      }),
      { numRuns: 500 },
    );
  });
});
