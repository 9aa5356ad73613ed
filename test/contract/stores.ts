// The store implementations the contract suites run against: in memory, and DynamoDB (DynamoDB Local, tables of their own per file).

import type { DynamoDbClient } from '../../functions/aws/dynamodb-client';
import { DynamoDocumentClient } from '../../functions/aws/dynamodb-document';
import { tableNames } from '../../functions/tables/tables';
import { createTables } from '../../local/create-tables';
import { localDynamoClient } from '../support/dynamodb-local';

export interface DynamoFixture {
  client: DynamoDbClient;
  doc: DynamoDocumentClient;
  tables: ReturnType<typeof tableNames>;
}

/** DynamoDB Local with every table created under a prefix of this file's own. */
export async function dynamoFixture(name: string): Promise<DynamoFixture> {
  const client = localDynamoClient();
  const prefix = `contract-${name}-${process.pid}-${Date.now()}-`;
  await createTables(client, prefix);
  const doc = DynamoDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  return { client, doc, tables: tableNames(prefix) };
}
