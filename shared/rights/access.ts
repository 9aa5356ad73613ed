/**
 * Who may call a route at all, by the route's access level: one pure check the HTTP stack runs
 * before any handler, and the console follows to decide what to show. Finer rights (a squad's own
 * flags, approving a change request) are in the other modules of this folder.
 */
import type { Principal } from '../model/token';

export type Access =
  | 'public'
  | 'client'
  | 'frontend'
  /** client or frontend token: evaluation on the server (OFREP) */
  | 'evaluation'
  | 'admin-read'
  /** platform admins, and squads for what they own */
  | 'admin-write'
  | 'platform-admin'
  /** who may approve change requests: platform admins, squads (their own squad's), auditors */
  | 'approver'
  /** the audit chain's verification and export: platform admins, product owners, auditors */
  | 'audit-read';

/** Access levels whose non-GET routes change configuration (so they go through governance). */
export const WRITE_ACCESS: ReadonlySet<Access> = new Set(['admin-write', 'platform-admin', 'approver']);

export function mayCall(access: Access, p: Principal): boolean {
  switch (access) {
    case 'public':
      return true;
    case 'client':
      return p.kind === 'client';
    case 'frontend':
      return p.kind === 'frontend';
    case 'evaluation':
      return p.kind === 'client' || p.kind === 'frontend';
    case 'admin-read':
      return p.kind === 'admin';
    case 'admin-write':
      return p.kind === 'admin' && (p.role === 'platform-admin' || p.role === 'squad');
    case 'platform-admin':
      return p.kind === 'admin' && p.role === 'platform-admin';
    case 'approver':
      return (
        p.kind === 'admin' && (p.role === 'platform-admin' || p.role === 'squad' || p.role === 'auditor')
      );
    case 'audit-read':
      return (
        p.kind === 'admin' &&
        (p.role === 'platform-admin' || p.role === 'product-owner' || p.role === 'auditor')
      );
  }
}
