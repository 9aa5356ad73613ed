/**
 * Which actions the console shows to whom, following the API's rights (infra/routes.ts access
 * and the handlers' owner checks): platform admins write everything, a squad member writes what
 * their squad owns, product owners and auditors write nothing; the audit chain is read by platform
 * admins, product owners and auditors. The API checks every call again.
 */
import type { Principal } from './types';

export function isPlatformAdmin(me: Principal): boolean {
  return me.kind === 'admin' && me.role === 'platform-admin';
}

/** May create flags, segments, metrics and experiments (a squad member for their own squad). */
export function mayCreate(me: Principal): boolean {
  return me.kind === 'admin' && (me.role === 'platform-admin' || (me.role === 'squad' && !!me.squad));
}

/** May change what `squad` owns; something no squad owns is for platform admins only. */
export function mayWriteFor(me: Principal, squad: string | undefined): boolean {
  if (isPlatformAdmin(me)) return true;
  return me.kind === 'admin' && me.role === 'squad' && squad !== undefined && me.squad === squad;
}

export function mayReadAudit(me: Principal): boolean {
  return (
    me.kind === 'admin' &&
    (me.role === 'platform-admin' || me.role === 'product-owner' || me.role === 'auditor')
  );
}

/** The squads a person may pick when creating: their own, or any for a platform admin. */
export function squadChoices(me: Principal, known: readonly string[]): string[] {
  if (isPlatformAdmin(me)) return [...new Set(known)].sort();
  return me.squad ? [me.squad] : [];
}
