// The store implementations the contract suites run against: in memory, and DynamoDB (DynamoDB Local, tables of their own per file).

import { inject } from 'vitest';
import { DynamoDbClient } from '../../functions/aws/dynamodb-client';
import { DynamoDocumentClient } from '../../functions/aws/dynamodb-document';
import { tableNames } from '../../functions/tables/tables';
import { createTables } from '../../local/create-tables';

export interface DynamoFixture {
  client: DynamoDbClient;
  doc: DynamoDocumentClient;
  tables: ReturnType<typeof tableNames>;
}

/** DynamoDB Local with every table created under a prefix of this file's own. */
export async function dynamoFixture(name: string): Promise<DynamoFixture> {
  const client = new DynamoDbClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const prefix = `contract-${name}-${process.pid}-${Date.now()}-`;
  await createTables(client, prefix);
  const doc = DynamoDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  return { client, doc, tables: tableNames(prefix) };
}
