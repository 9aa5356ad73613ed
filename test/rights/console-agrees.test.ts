/**
 * The console shows an action exactly when the API would allow it: for every principal (any kind,
 * role and squad) and every owner, console/src/rights.ts answers as the API's checks do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  choosesSquad,
  mayCreate,
  mayDraftExperiment,
  mayReadAudit,
  mayWriteFor,
  squadChoices,
} from '../../console/src/rights';
import { canChangeFlag } from '../../console/src/session';
import { requireOwner } from '../../functions/services/admin-support';
import type { Principal } from '../../shared/model/token';
import { ADMIN_ROLES } from '../../shared/model/token';
import { mayCall } from '../../shared/rights/access';
import { mayMoveOwner, mayWriteForSquad } from '../../shared/rights/ownership';

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

/**
 * What `PUT /api/admin/experiments/{key}` checks (functions/route-handlers/experiment-routes.ts):
 * the route's access, the owner (the stored experiment's squad, else the one the body names),
 * moving it to another squad, and writing for the squad the body names.
 */
function apiAllowsExperimentPut(p: Principal, stored: string | undefined, named: string): boolean {
  return (
    apiAllowsWrite(p, stored ?? named) &&
    (stored === undefined || mayMoveOwner(p, stored, named, 'an experiment').ok) &&
    mayWriteForSquad(p, named, 'experiments', 'write').ok
  );
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

  it('flag writes, and the experiment form: save, the squad field, and the draft button', () => {
    fc.assert(
      fc.property(principal, fc.constantFrom(...SQUADS), squad, (p, owner, stored) => {
        // The flag pages' controls (console/src/session.ts), as every flag write's requireOwner.
        expect(canChangeFlag(p, { squad: owner })).toBe(apiAllowsWrite(p, owner));
        // The experiment form saves (console/src/pages/experiment-edit-page.tsx) exactly when the
        // API takes the experiment as the form sends it: a new one for the squad it names, a
        // stored one for its own squad.
        const saves = mayWriteFor(p, stored ?? owner);
        expect(saves).toBe(apiAllowsExperimentPut(p, stored, stored ?? owner));
        // The squad field is open to a writer exactly when the API takes any squad from them
        // (moving a stored experiment too); closed, the only squad the API takes is their own.
        if (saves) {
          const anySquad = SQUADS.every((s) => apiAllowsExperimentPut(p, stored, s));
          expect(choosesSquad(p)).toBe(anySquad);
          if (!choosesSquad(p))
            for (const s of SQUADS) expect(apiAllowsExperimentPut(p, stored, s)).toBe(s === p.squad);
        }
        // The experiments page's button: everyone who may create one, and a draft (no call) only
        // where the API would refuse every experiment the drafter sent.
        if (mayCreate(p)) expect(mayDraftExperiment(p)).toBe(true);
        if (mayDraftExperiment(p) && !mayCreate(p))
          for (const s of SQUADS) expect(apiAllowsExperimentPut(p, undefined, s)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
