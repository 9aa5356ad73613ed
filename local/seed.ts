/** What a fresh local platform needs: the default environments and the local tokens. */

import type { Runtime } from '../functions/lib/composition-root';
import { generateToken, hashToken } from '../functions/lib/tokens';
import { DEFAULT_ENVIRONMENTS } from '../shared/model/environment';
import type { TokenRecord } from '../shared/model/token';

export interface LocalTokens {
  admin: string;
  client: string;
  frontend: string;
}

export function generateLocalTokens(given: Partial<LocalTokens> = {}): LocalTokens {
  return {
    admin: given.admin ?? generateToken('admin', 'platform-admin'),
    client: given.client ?? generateToken('client', 'development'),
    frontend: given.frontend ?? generateToken('frontend', 'development'),
  };
}

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
