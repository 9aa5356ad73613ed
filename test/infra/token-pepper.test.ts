/** Token keys: peppered HMACs, ids that are not hashes, legacy bare-hash records read and re-keyed. */

import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PutCommand } from '../../functions/aws/dynamodb-document';
import { createDynamoClients, type DynamoClients } from '../../functions/runtime/composition-root';
import { loadConfig } from '../../functions/runtime/config';
import { createPepperSource, generateToken, hashToken, pepperedKey } from '../../functions/services/tokens';
import { createDynamoTokenStore } from '../../functions/stores/dynamo-token-store';
import { tableNames } from '../../functions/tables/tables';
import { createTables } from '../../local/create-tables';

const PREFIX = 'infra-token-pepper-';
const tables = tableNames(PREFIX);
let clients: DynamoClients;

beforeAll(async () => {
  const config = loadConfig({
    OMNILAB_TABLE_PREFIX: PREFIX,
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
  });
  clients = createDynamoClients(config);
  await createTables(clients.client, PREFIX);
});

const store = (pepper: string) => createDynamoTokenStore(clients.doc, tables, async () => pepper);

describe('token keys', () => {
  it('are HMACs under the pepper: the table holds neither the secret, nor its hash, nor a hash as id', async () => {
    const secret = generateToken('client', 'production');
    const tokens = store('pepper-a');
    await tokens.create(
      {
        hash: await tokens.keyFor(hashToken(secret)),
        id: 'tok_1',
        name: 'app',
        kind: 'client',
        environment: 'production',
        createdAt: '2026-01-01T00:00:00.000Z',
      },
      [],
    );
    const raw = JSON.stringify(await tokens.list());
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(hashToken(secret));
    expect(raw).toContain(pepperedKey(hashToken(secret), 'pepper-a'));
    expect(await tokens.get(hashToken(secret))).toMatchObject({ id: 'tok_1', name: 'app' });
    // Whoever holds the table but not the pepper cannot confirm the secret.
    expect(await store('pepper-b').get(hashToken(secret))).toBeNull();
    await tokens.revoke('tok_1', []);
    expect(await tokens.get(hashToken(secret))).toBeNull();
  });

  it('still read a record stored before the pepper, and re-key it without its secret', async () => {
    const secret = generateToken('admin', 'platform-admin');
    await clients.doc.send(
      new PutCommand({
        TableName: tables.tokens,
        Item: {
          hash: hashToken(secret),
          name: 'old-admin',
          kind: 'admin',
          role: 'platform-admin',
          createdAt: '2025-01-01T00:00:00.000Z',
        },
      }),
    );
    const tokens = store('pepper-a');
    expect(await tokens.get(hashToken(secret))).toMatchObject({ name: 'old-admin', id: hashToken(secret) });
    expect(await tokens.migrateLegacy()).toBe(1);
    const moved = await tokens.get(hashToken(secret));
    expect(moved).toMatchObject({ name: 'old-admin' });
    expect(moved?.id).toMatch(/^tok_[0-9a-f]{24}$/);
    expect(JSON.stringify(await tokens.list())).not.toContain(hashToken(secret));
    expect(await tokens.migrateLegacy()).toBe(0);
  });

  it('fail closed on AWS without a pepper, and agree per table prefix against DynamoDB Local', async () => {
    const aws = createPepperSource({
      tablePrefix: 'p-',
      dynamodbEndpoint: undefined,
      region: 'eu-west-1',
      tokenPepper: undefined,
      tokenPepperSecretArn: undefined,
    });
    await expect(aws()).rejects.toThrow(/OMNILAB_TOKEN_PEPPER/);
    const local = (prefix: string) =>
      createPepperSource({
        tablePrefix: prefix,
        dynamodbEndpoint: 'http://127.0.0.1:1',
        region: 'local',
        tokenPepper: undefined,
        tokenPepperSecretArn: undefined,
      })();
    expect(await local('a-')).toBe(await local('a-'));
    expect(await local('a-')).not.toBe(await local('b-'));
  });
});
