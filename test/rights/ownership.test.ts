/**
 * The ownership rights, one test each: a table over every principal kind and role against the
 * verdict expected, and for the API the 403 it answers (requireOwner throws the verdict's sentence).
 */
import { describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../../functions/http/errors';
import { requireOwner } from '../../functions/services/admin-support';
import { ForbiddenError } from '../../shared/model/errors';
import {
  choosesSquad,
  mayCreate,
  mayDraftExperiment,
  mayMoveOwner,
  mayWriteForSquad,
  mayWriteOwned,
  squadChoices,
  squadForCreate,
} from '../../shared/rights/ownership';
import { coversEveryPrincipal, OTHER, OWN, PRINCIPALS, type PrincipalName } from './principals';

const T = true;
const F = false;

describe('rights: ownership', () => {
  it('mayWriteOwned: platform admins anything, a squad member its own squad only, nobody else anything', () => {
    // owned by checkout, by search, by no squad
    const rows: [PrincipalName, boolean, boolean, boolean][] = [
      ['platform-admin', T, T, T],
      ['squad (checkout)', T, F, F],
      ['squad (search)', F, T, F],
      ['product-owner', F, F, F],
      ['product-owner with a squad', F, F, F],
      ['auditor', F, F, F],
      ['client', F, F, F],
      ['frontend', F, F, F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, own, other, none] of rows) {
      const p = PRINCIPALS[name];
      for (const [owner, expected] of [
        [OWN, own],
        [OTHER, other],
        [undefined, none],
      ] as const) {
        const verdict = mayWriteOwned(p, owner, 'flag f');
        expect(verdict.ok, `${name} on ${owner ?? 'no squad'}`).toBe(expected);
        // The API's answer: nothing thrown, or a ForbiddenError (403) carrying the sentence.
        let thrown: unknown;
        try {
          requireOwner(p, owner, 'flag f');
        } catch (e) {
          thrown = e;
        }
        if (expected) expect(thrown).toBeUndefined();
        else {
          expect(thrown).toBeInstanceOf(ForbiddenError);
          // ...which the HTTP stack answers with a 403.
          expect(thrown instanceof ForbiddenError && STATUS_BY_CODE[thrown.code]).toBe(403);
          expect(thrown).toMatchObject({
            code: 'FORBIDDEN',
            message: `${p.name} may not change flag f${owner ? `, owned by squad ${owner}` : ''}`,
          });
        }
      }
    }
  });

  it('squadForCreate: a squad member creates for its own squad (by default too), never another', () => {
    // requested checkout, search, none: the squad it goes to, or null for refused
    const rows: [PrincipalName, string | null, string | null, string | undefined | null][] = [
      ['platform-admin', OWN, OTHER, undefined],
      ['squad (checkout)', OWN, null, OWN],
      ['squad (search)', null, OTHER, OTHER],
      ['product-owner', null, null, null],
      ['product-owner with a squad', null, null, null],
      ['auditor', null, null, null],
      ['client', null, null, null],
      ['frontend', null, null, null],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, own, other, none] of rows) {
      const p = PRINCIPALS[name];
      for (const [requested, expected] of [
        [OWN, own],
        [OTHER, other],
        [undefined, none],
      ] as const) {
        const verdict = squadForCreate(p, requested, 'segments');
        if (expected === null) {
          expect(verdict.ok, `${name} asking ${requested}`).toBe(false);
          if (!verdict.ok && p.kind === 'admin' && p.role === 'squad')
            expect(verdict.why).toBe(`${p.name} may only create segments of squad ${p.squad}`);
        } else expect(verdict, `${name} asking ${requested}`).toEqual({ ok: true, squad: expected });
      }
    }
  });

  it('mayWriteForSquad: naming a squad, a squad member only its own (naming none is refused)', () => {
    const rows: [PrincipalName, boolean, boolean, boolean][] = [
      ['platform-admin', T, T, T],
      ['squad (checkout)', T, F, F],
      ['squad (search)', F, T, F],
      ['product-owner', F, F, F],
      ['product-owner with a squad', F, F, F],
      ['auditor', F, F, F],
      ['client', F, F, F],
      ['frontend', F, F, F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, own, other, none] of rows) {
      const p = PRINCIPALS[name];
      for (const [squad, expected] of [
        [OWN, own],
        [OTHER, other],
        [undefined, none],
      ] as const) {
        const verdict = mayWriteForSquad(p, squad, 'flags', 'create');
        expect(verdict.ok, `${name} for ${squad}`).toBe(expected);
      }
    }
    expect(mayWriteForSquad(PRINCIPALS['squad (checkout)'], OTHER, 'experiments', 'write')).toEqual({
      ok: false,
      why: 'Squad Li may only write experiments of squad checkout',
    });
  });

  it('mayMoveOwner: only a platform admin moves something to another squad; staying put is no move', () => {
    // checkout -> search, checkout -> checkout, none -> checkout
    const rows: [PrincipalName, boolean, boolean, boolean][] = [
      ['platform-admin', T, T, T],
      ['squad (checkout)', F, T, F],
      ['squad (search)', F, T, F],
      ['product-owner', F, F, F],
      ['product-owner with a squad', F, F, F],
      ['auditor', F, F, F],
      ['client', F, F, F],
      ['frontend', F, F, F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, away, stay, adopt] of rows) {
      const p = PRINCIPALS[name];
      expect(mayMoveOwner(p, OWN, OTHER, 'an experiment').ok, `${name} away`).toBe(away);
      expect(mayMoveOwner(p, OWN, OWN, 'an experiment').ok, `${name} stay`).toBe(stay);
      expect(mayMoveOwner(p, undefined, OWN, 'an experiment').ok, `${name} adopt`).toBe(adopt);
    }
    expect(mayMoveOwner(PRINCIPALS['squad (checkout)'], OWN, OTHER, 'a metric')).toEqual({
      ok: false,
      why: 'only a platform admin moves a metric to another squad',
    });
  });

  it('mayCreate and squadChoices: who is offered a create, and for which squads', () => {
    const known = [OTHER, OWN, OTHER];
    const rows: [PrincipalName, boolean, string[]][] = [
      ['platform-admin', T, [OWN, OTHER]],
      ['squad (checkout)', T, [OWN]],
      ['squad (search)', T, [OTHER]],
      ['product-owner', F, []],
      // Offered its squad as a choice, as the console always did, but never the create itself.
      ['product-owner with a squad', F, [OWN]],
      ['auditor', F, []],
      ['client', F, []],
      ['frontend', F, []],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, creates, choices] of rows) {
      expect(mayCreate(PRINCIPALS[name]), name).toBe(creates);
      expect(squadChoices(PRINCIPALS[name], known), name).toEqual(choices);
    }
  });

  it('choosesSquad and mayDraftExperiment: whose squad field is open, and who drafts an experiment', () => {
    // chooses the squad, drafts an experiment
    const rows: [PrincipalName, boolean, boolean][] = [
      ['platform-admin', T, T],
      // A squad member writes for its own squad only: the squad is not its choice.
      ['squad (checkout)', F, T],
      ['squad (search)', F, T],
      // Those who write nothing only draft, and a draft names the squad it is handed to.
      ['product-owner', T, T],
      ['product-owner with a squad', T, T],
      ['auditor', T, F],
      ['client', T, F],
      ['frontend', T, F],
    ];
    expect(coversEveryPrincipal(rows)).toBe(true);
    for (const [name, chooses, drafts] of rows) {
      expect(choosesSquad(PRINCIPALS[name]), `${name} chooses`).toBe(chooses);
      expect(mayDraftExperiment(PRINCIPALS[name]), `${name} drafts`).toBe(drafts);
    }
  });
});
