/**
 * What a fresh local platform needs: the default environments and the local tokens: a platform
 * admin and a second person, a reviewer (risk and audit) who approves change requests, so four
 * eyes work out of the box; client and frontend tokens for development, a client token for production.
 */

import type { Runtime } from '../functions/runtime/composition-root';
import { generateToken, hashToken } from '../functions/services/tokens';
import { DEFAULT_ENVIRONMENTS } from '../shared/model/environment';
import type { TokenRecord } from '../shared/model/token';

export interface LocalTokens {
  admin: string;
  client: string;
  frontend: string;
  /** The second local person: an auditor, who approves or rejects change requests and writes nothing. */
  reviewer?: string;
  /** A client token for production, to see an applied change request as production's SDKs do. */
  productionClient?: string;
}

export function generateLocalTokens(given: Partial<LocalTokens> = {}): Required<LocalTokens> {
  return {
    admin: given.admin ?? generateToken('admin', 'platform-admin'),
    client: given.client ?? generateToken('client', 'development'),
    frontend: given.frontend ?? generateToken('frontend', 'development'),
    reviewer: given.reviewer ?? generateToken('admin', 'auditor'),
    productionClient: given.productionClient ?? generateToken('client', 'production'),
  };
}

/** The reviewer's name: another person than the admin (four eyes compare persons, shared/model/person.ts). */
export const LOCAL_REVIEWER = 'local-reviewer';

export function localTokenRecords(tokens: LocalTokens, createdAt: string): TokenRecord[] {
  return [
    { hash: hashToken(tokens.admin), name: 'local-admin', kind: 'admin', role: 'platform-admin', createdAt },
    {
      hash: hashToken(tokens.client),
      name: 'local-client',
      kind: 'client',
      environment: 'development',
      createdAt,
    },
    {
      hash: hashToken(tokens.frontend),
      name: 'local-frontend',
      kind: 'frontend',
      environment: 'development',
      createdAt,
    },
    ...(tokens.reviewer
      ? [
          {
            hash: hashToken(tokens.reviewer),
            name: LOCAL_REVIEWER,
            kind: 'admin' as const,
            role: 'auditor' as const,
            createdAt,
          },
        ]
      : []),
    ...(tokens.productionClient
      ? [
          {
            hash: hashToken(tokens.productionClient),
            name: 'local-production-client',
            kind: 'client' as const,
            environment: 'production',
            createdAt,
          },
        ]
      : []),
  ];
}

/** Idempotent: run on every start. */
export async function seedLocal(runtime: Runtime, tokens: LocalTokens): Promise<void> {
  const createdAt = runtime.now().toISOString();
  await runtime.environments.ensure(DEFAULT_ENVIRONMENTS.map((e) => ({ ...e, version: 1, createdAt })));
  await runtime.tokens.seed(localTokenRecords(tokens, createdAt));
  // Tokens kept from before the pepper are re-keyed under it (their secrets are not needed).
  await runtime.tokens.migrateLegacy();
}
