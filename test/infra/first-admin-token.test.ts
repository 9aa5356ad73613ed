/** The bootstrap of a new stage, against DynamoDB Local: environments, one audited admin token. */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDynamoClients, createRuntime, type Runtime } from '../../functions/runtime/composition-root';
import { loadConfig } from '../../functions/runtime/config';
import { createTokenAuthorizer } from '../../functions/services/token-authorizer';
import { hashToken } from '../../functions/services/tokens';
import { createFirstAdminToken } from '../../infra/create-first-admin-token';
import { createTables } from '../../local/create-tables';

let runtime: Runtime;

beforeAll(async () => {
  const config = loadConfig({
    OMNILAB_TABLE_PREFIX: 'infra-first-admin-',
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
  });
  const clients = createDynamoClients(config);
  await createTables(clients.client, config.tablePrefix);
  runtime = createRuntime(config, clients);
});

describe('createFirstAdminToken', () => {
  it('creates the default environments and one platform-admin token, stored by hash and audited', async () => {
    const { secret, hash, id } = await createFirstAdminToken(runtime, { name: 'first-admin' });
    expect(secret).toMatch(/^admin:platform-admin\.[0-9a-f]{64}$/);
    expect(hash).toBe(hashToken(secret));
    expect(await runtime.tokens.get(hash)).toMatchObject({
      name: 'first-admin',
      kind: 'admin',
      role: 'platform-admin',
    });
    expect(JSON.stringify(await runtime.tokens.list())).not.toContain(secret);
    expect((await runtime.environments.list()).map((e) => e.name).sort()).toEqual([
      'development',
      'production',
    ]);
    // Audited by its public id: the table holds neither the secret nor its bare hash.
    expect(JSON.stringify(await runtime.tokens.list())).not.toContain(hash);
    const [entry] = await runtime.audit.listByTarget('token', id);
    expect(entry).toMatchObject({ action: 'token.created', actor: expect.stringContaining('bootstrap') });
  });

  it('prints a token the deployed authorizer lets through, reading the same tokens table', async () => {
    const { secret } = await createFirstAdminToken(runtime, { name: 'for-the-authorizer', another: true });
    const authorize = createTokenAuthorizer(runtime.tokens);
    const event = (authorization: string) =>
      ({ headers: { authorization }, identitySource: [authorization] }) as unknown as Parameters<
        typeof authorize
      >[0];
    expect(await authorize(event(secret))).toMatchObject({
      isAuthorized: true,
      context: { kind: 'admin', role: 'platform-admin' },
    });
    expect(await authorize(event(`${secret}0`))).toEqual({ isAuthorized: false });
  });

  it('refuses a second one unless asked for another', async () => {
    await expect(createFirstAdminToken(runtime, { name: 'second' })).rejects.toThrow(/exists already/);
    const { hash } = await createFirstAdminToken(runtime, { name: 'second', another: true });
    expect(await runtime.tokens.get(hash)).toMatchObject({ name: 'second' });
  });
});
