/** Who reads the audit chain (verification and export): platform admins, product owners, auditors. */
import type { Principal } from '../model/token';
import { mayCall } from './access';

export function mayReadAudit(p: Principal): boolean {
  return mayCall('audit-read', p);
}
