/**
 * Who may write what a squad owns, pure: platform admins write everything, a squad member what
 * their squad owns (and creates for that squad only), product owners, auditors and non-admin
 * tokens nothing. The API turns a refusal into a ForbiddenError (functions/services/admin-support.ts);
 * the console follows the same functions to decide what to show (console/src/rights.ts).
 */
import type { Principal } from '../model/token';
import { mayCall } from './access';
import { ALLOWED, refused, type Verdict } from './verdict';

export function isPlatformAdmin(p: Principal): boolean {
  return p.kind === 'admin' && p.role === 'platform-admin';
}

export function isSquadMember(p: Principal): boolean {
  return p.kind === 'admin' && p.role === 'squad';
}

/** May change `what`, owned by `owner`; something no squad owns is for platform admins only. */
export function mayWriteOwned(p: Principal, owner: string | undefined, what: string): Verdict {
  if (isPlatformAdmin(p)) return ALLOWED;
  if (isSquadMember(p) && owner !== undefined && p.squad === owner) return ALLOWED;
  return refused(`${p.name} may not change ${what}${owner ? `, owned by squad ${owner}` : ''}`);
}

/** The squad a create goes to, or a refusal. */
export type SquadVerdict = { ok: true; squad: string | undefined } | { ok: false; why: string };

/**
 * The squad something created with `requested` (optional) belongs to: a squad member's own squad
 * (naming another squad is refused), a platform admin's request as it is; those who may not
 * write (the route access admin-write) are refused. Segments.
 */
export function squadForCreate(p: Principal, requested: string | undefined, what: string): SquadVerdict {
  if (!mayCall('admin-write', p)) return { ok: false, why: `${p.name} may not create ${what}` };
  if (!isSquadMember(p)) return { ok: true, squad: requested };
  if (requested !== undefined && requested !== p.squad)
    return { ok: false, why: `${p.name} may only create ${what} of squad ${p.squad}` };
  return { ok: true, squad: p.squad };
}

/**
 * May write `what` for `squad`, a squad the request names itself: a squad member only their own
 * (naming none is refused too), a platform admin any, others none. Flags created, experiments
 * written.
 */
export function mayWriteForSquad(
  p: Principal,
  squad: string | undefined,
  what: string,
  verb: 'create' | 'write',
): Verdict {
  if (!mayCall('admin-write', p)) return refused(`${p.name} may not ${verb} ${what}`);
  if (isSquadMember(p) && p.squad !== squad)
    return refused(`${p.name} may only ${verb} ${what} of squad ${p.squad}`);
  return ALLOWED;
}

/** Only a platform admin moves something from one squad to another (`what`: "an experiment"). */
export function mayMoveOwner(
  p: Principal,
  from: string | undefined,
  to: string | undefined,
  what: string,
): Verdict {
  if (!mayCall('admin-write', p)) return refused(`${p.name} may not change ${what}`);
  if (from === to || isPlatformAdmin(p)) return ALLOWED;
  return refused(`only a platform admin moves ${what} to another squad`);
}

/** May create flags, segments, metrics and experiments at all (a squad member for their own squad). */
export function mayCreate(p: Principal): boolean {
  return mayCall('admin-write', p) && (isPlatformAdmin(p) || !!p.squad);
}

/**
 * Whether `p` names the squad of what they write, as the API takes it (`mayWriteForSquad`,
 * `mayMoveOwner`): a platform admin does (any squad, and moving one to another); a squad member
 * does not (they write for their own squad only and never move an owner); those who write nothing
 * only draft, and a draft may name any squad (the squad it is handed to writes it).
 */
export function choosesSquad(p: Principal): boolean {
  return mayCall('admin-write', p) ? isPlatformAdmin(p) : true;
}

/**
 * Who may draft an experiment: whoever may create one, and product owners, whose draft is a link
 * (or experiments-as-code JSON) handed to the squad that writes it: no call to the API, which takes
 * no experiment from them.
 */
export function mayDraftExperiment(p: Principal): boolean {
  return mayCreate(p) || (p.kind === 'admin' && p.role === 'product-owner');
}

/** The squads a person may create for: their own, or any known one for a platform admin. */
export function squadChoices(p: Principal, known: readonly string[]): string[] {
  if (isPlatformAdmin(p)) return [...new Set(known)].sort();
  return p.squad ? [p.squad] : [];
}

/**
 * Release templates: one belongs to the squad that created it (`squad`, set on create), which
 * writes it with platform admins; one without a squad (a platform admin's, or made before templates
 * had owners) is for platform admins only.
 */
export function mayWriteTemplate(p: Principal, template: { id: string; squad?: string }): Verdict {
  return mayWriteOwned(p, template.squad, `release template ${template.id}`);
}

/** The squad a new release template belongs to: a squad member's own; a platform admin's, none. */
export function templateSquadFor(p: Principal): string | undefined {
  return isSquadMember(p) ? p.squad : undefined;
}
