/** Who may mint which admin token: never one that gives its holder a right the minter lacks. */
import type { AdminRole, Principal } from '../model/token';

/**
 * True when a token with `role` (and `squad`) gives its holder a right `caller` lacks: anything
 * but the caller's own role, except that a platform admin holds every right there is.
 */
export function raisesRights(caller: Principal, role: AdminRole, squad: string | undefined): boolean {
  if (caller.kind !== 'admin') return true;
  if (caller.role === 'platform-admin') return false;
  return caller.role !== role || (role === 'squad' && caller.squad !== squad);
}
