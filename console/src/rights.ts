/**
 * Which actions the console shows to whom: the API's own rights (shared/rights/), so the console
 * and the API cannot disagree. Platform admins write everything, a squad member writes what
 * their squad owns, product owners and auditors write nothing; the audit chain is read by platform
 * admins, product owners and auditors. The API checks every call again.
 */
import { mayWriteOwned } from '../../shared/rights/ownership';
import type { Principal } from './types';

// mayCreate: flags, segments, metrics and experiments (a squad member for their own squad);
// squadChoices: the squads one may pick when creating (their own, or any for a platform admin);
// choosesSquad: whether the squad of what one writes is one's choice (not a squad member's);
// mayDraftExperiment: who drafts an experiment (who may create one, and product owners).
export { mayReadAudit } from '../../shared/rights/audit';
export {
  choosesSquad,
  isPlatformAdmin,
  mayCreate,
  mayDraftExperiment,
  squadChoices,
} from '../../shared/rights/ownership';

/** May change what `squad` owns; something no squad owns is for platform admins only. */
export function mayWriteFor(me: Principal, squad: string | undefined): boolean {
  return mayWriteOwned(me, squad, 'it').ok;
}
