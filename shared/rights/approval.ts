/**
 * Who may approve, pure: change requests (four eyes: never the author, a person being their
 * normalised name) and release plans. Platform admins and auditors (risk) approve anything, a
 * squad member what their squad owns, product owners nothing.
 */
import type { ChangeRequest } from '../governance/change-request';
import { personOf, personOfName } from '../model/person';
import type { Principal } from '../model/token';
import { mayWriteOwned } from './ownership';
import { ALLOWED, refused, type Verdict } from './verdict';

/**
 * Who may approve a change request: a platform admin or an auditor (risk) anything; a squad
 * member what their squad owns; a product owner nothing. Never the author: the identity is the
 * person (the normalised name, shared/model/person.ts), so two tokens of one person are one
 * principal. Turning protection off wants a platform admin or an auditor, never a squad.
 */
export function mayApprove(principal: Principal, cr: ChangeRequest): Verdict {
  // Persons, not tokens: a second token of the author's (another spelling of the same name) is
  // still the author.
  if (personOf(principal) === personOf(cr.author)) return refused('nobody approves their own change');
  // A token the author minted is the author's doing, whatever person it names: not a second pair of eyes.
  if (principal.mintedBy !== undefined && principal.mintedBy === personOf(cr.author))
    return refused(
      `${principal.name} holds a token minted by ${personOf(cr.author)}, the author: another person approves it`,
    );
  if (principal.kind !== 'admin') return refused('only admin tokens approve');
  if (principal.role === 'platform-admin' || principal.role === 'auditor') return ALLOWED;
  // A squad member speaks for their own squad only: a change that reaches another squad's
  // production flags (a shared segment, a parent flag) wants someone who may approve for all.
  const others = (cr.effect?.squads ?? []).filter((s) => s !== principal.squad);
  if (principal.role === 'squad' && cr.squad !== undefined && principal.squad === cr.squad) {
    if (others.length === 0) return ALLOWED;
    return refused(
      `${principal.name} (squad ${principal.squad}) may not approve a change that reaches flags of squad ${others.join(', ')}: a platform admin or an auditor approves it`,
    );
  }
  return refused(
    `${principal.name} (${principal.role}) may not approve a change ${cr.squad ? `of squad ${cr.squad}` : 'that no squad owns'}`,
  );
}

/**
 * Approving a flag's release plan: platform admins and auditors any, a squad member their own
 * squad's; never with a token the plan's `author` (a name, when known) minted.
 */
export function mayApproveReleasePlan(
  p: Principal,
  flag: { name: string; squad?: string },
  author?: string,
): Verdict {
  if (author !== undefined && p.mintedBy !== undefined && p.mintedBy === personOfName(author))
    return refused(
      `${p.name} holds a token minted by ${p.mintedBy}, the plan's author: another person approves it`,
    );
  const role = p.kind === 'admin' ? p.role : undefined;
  if (role === 'platform-admin' || role === 'auditor' || (role === 'squad' && p.squad === flag.squad))
    return ALLOWED;
  return refused(`${p.name} may not approve the release plan of ${flag.name}`);
}

/** Running a release plan (start, pause, resume, advance...): its owner; auditors approve, never run. */
export function mayRunReleasePlan(p: Principal, flag: { name: string; squad?: string }): Verdict {
  if (p.kind === 'admin' && p.role === 'auditor')
    return refused('auditors approve plans; they do not run them');
  return mayWriteOwned(p, flag.squad, `flag ${flag.name}`);
}
