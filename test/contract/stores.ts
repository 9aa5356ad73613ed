// The store implementations the contract suites run against: in memory, and DynamoDB (DynamoDB Local, tables of their own per file).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { tableNames } from '../../infra/tables';
import { createTables } from '../../local/create-tables';

export interface DynamoFixture {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tables: ReturnType<typeof tableNames>;
}

/** DynamoDB Local with every table created under a prefix of this file's own. */
export async function dynamoFixture(name: string): Promise<DynamoFixture> {
  const client = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const prefix = `contract-${name}-${process.pid}-${Date.now()}-`;
  await createTables(client, prefix);
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  return { client, doc, tables: tableNames(prefix) };
}
