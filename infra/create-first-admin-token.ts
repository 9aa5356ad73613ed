/**
 * Bootstraps a freshly deployed stage: creates the default environments (as `npm start` does
 * locally) and the first platform-admin token, written straight to the tables with the operator's
 * own AWS credentials, since no token exists yet to call the API with. The secret is printed once
 * and never stored; only its hash is, with an audit entry naming this bootstrap as the actor.
 *
 *   npm run admin-token:aws -- --stage dev [--region eu-west-1] [--name platform-admin] [--another]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRuntime, type Runtime } from '../functions/runtime/composition-root';
import { auditEntry } from '../functions/services/admin-support';
import { generateToken, generateTokenId, hashToken } from '../functions/services/tokens';
import { DEFAULT_ENVIRONMENTS } from '../shared/model/environment';
import { personKey } from '../shared/model/person';
import type { Principal, TokenRecord } from '../shared/model/token';
import { operatorClients } from './operator-clients';
import { operatorConfig } from './operator-config';

const BOOTSTRAP: Principal = {
  name: 'bootstrap (infra/create-first-admin-token.ts)',
  kind: 'admin',
  role: 'platform-admin',
};

export interface FirstAdminToken {
  secret: string;
  /** SHA-256 of the secret: what the token store is asked by (the table holds its peppered HMAC). */
  hash: string;
  /** The token's public id, as listed and revoked. */
  id: string;
}

/** Refuses when a platform-admin token exists, unless `another`: the API creates further tokens, audited. */
export async function createFirstAdminToken(
  runtime: Runtime,
  options: { name: string; another?: boolean },
): Promise<FirstAdminToken> {
  const createdAt = runtime.now().toISOString();
  await runtime.environments.ensure(DEFAULT_ENVIRONMENTS.map((e) => ({ ...e, version: 1, createdAt })));
  const existing = (await runtime.tokens.list()).filter(
    (t) => t.kind === 'admin' && t.role === 'platform-admin',
  );
  if (existing.length > 0 && !options.another) {
    throw new Error(
      `a platform-admin token exists already (${existing.map((t) => t.name).join(', ')}): create more through POST /api/admin/tokens, or pass --another`,
    );
  }
  // Records from before the token pepper are re-keyed under it first (no secret needed).
  await runtime.tokens.migrateLegacy();
  const secret = generateToken('admin', 'platform-admin');
  const token: TokenRecord = {
    hash: await runtime.tokens.keyFor(hashToken(secret)),
    id: generateTokenId(),
    name: options.name,
    person: personKey(options.name, '--name'),
    createdBy: BOOTSTRAP.name,
    kind: 'admin',
    role: 'platform-admin',
    createdAt,
  };
  await runtime.tokens.create(token, [
    auditEntry(runtime, BOOTSTRAP, {
      action: 'token.created',
      target: { type: 'token', id: token.id! },
      environments: [],
      before: null,
      after: {
        id: token.id,
        name: token.name,
        person: token.person,
        kind: token.kind,
        role: token.role,
        createdAt,
      },
    }),
  ]);
  return { secret, hash: hashToken(secret), id: token.id! };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string', default: 'dev' },
      region: { type: 'string' },
      name: { type: 'string', default: 'platform-admin' },
      another: { type: 'boolean', default: false },
    },
  });
  const config = operatorConfig(values.stage, values.region);
  const { secret } = await createFirstAdminToken(createRuntime(config, operatorClients(config)), {
    name: values.name,
    another: values.another,
  });
  process.stdout.write(
    `Created platform-admin token "${values.name}" in ${config.tablePrefix}tokens (${config.region}).\n` +
      'It is shown this once; keep it in your secret store:\n\n' +
      `${secret}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
