/** Every kind of principal the rights are tested against, named as the tables read them. */
import type { Principal } from '../../shared/model/token';

export const OWN = 'checkout';
export const OTHER = 'search';

export const PRINCIPALS = {
  'platform-admin': { kind: 'admin', role: 'platform-admin', name: 'Admin Wang' },
  'squad (checkout)': { kind: 'admin', role: 'squad', squad: OWN, name: 'Squad Li' },
  'squad (search)': { kind: 'admin', role: 'squad', squad: OTHER, name: 'Squad Zhao' },
  'product-owner': { kind: 'admin', role: 'product-owner', name: 'Owner Chen' },
  'product-owner with a squad': { kind: 'admin', role: 'product-owner', squad: OWN, name: 'Owner Liu' },
  auditor: { kind: 'admin', role: 'auditor', name: 'Risk Sun' },
  client: { kind: 'client', environment: 'production', name: 'backend' },
  frontend: { kind: 'frontend', environment: 'production', name: 'web' },
} satisfies Record<string, Principal>;

export type PrincipalName = keyof typeof PRINCIPALS;

/** A table's rows name every principal once: the test fails when a kind is left out. */
export function coversEveryPrincipal(rows: readonly (readonly [PrincipalName, ...unknown[]])[]): boolean {
  const named = rows.map((r) => r[0]).sort();
  return JSON.stringify(named) === JSON.stringify(Object.keys(PRINCIPALS).sort());
}
