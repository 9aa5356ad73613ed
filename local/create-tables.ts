/**
 * Creates the tables of functions/tables/tables.ts, or brings existing ones up to date (new indexes, TTL),
 * so a restart against an older .omnilab/ database just works.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDbClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '../functions/aws/dynamodb-client';
import { ResourceNotFoundException } from '../functions/aws/dynamodb-errors';
import type { AttributeDefinition } from '../functions/aws/dynamodb-types';
import { TABLES, type TableDefinition, tableName } from '../functions/tables/tables';

function attributeDefinitions(t: TableDefinition): AttributeDefinition[] {
  const keys = [t.partitionKey, t.sortKey, ...t.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const seen = new Map<string, AttributeDefinition>();
  for (const k of keys) if (k) seen.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  return [...seen.values()];
}

async function describe(client: DynamoDbClient, name: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return undefined;
    throw e;
  }
}

export async function createTables(client: DynamoDbClient, prefix: string): Promise<void> {
  await Promise.all(TABLES.map((t) => createOrMigrate(client, prefix, t)));
}

async function createOrMigrate(client: DynamoDbClient, prefix: string, t: TableDefinition): Promise<void> {
  const name = tableName(prefix, t.id);
  const existing = await describe(client, name);
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(t),
        KeySchema: [
          { AttributeName: t.partitionKey.name, KeyType: 'HASH' },
          ...(t.sortKey ? [{ AttributeName: t.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        ...(t.globalIndexes.length > 0
          ? {
              GlobalSecondaryIndexes: t.globalIndexes.map((i) => ({
                IndexName: i.name,
                KeySchema: [
                  { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
                  ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
        ...(t.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: t.stream } } : {}),
      }),
    );
  } else {
    const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    for (const i of t.globalIndexes.filter((x) => !have.has(x.name))) {
      await client.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: attributeDefinitions(t),
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: i.name,
                KeySchema: [
                  { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
                  ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            },
          ],
        }),
      );
    }
  }
  if (t.ttlAttribute) {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
}
