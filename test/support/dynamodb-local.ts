/**
 * Tests that talk to DynamoDB Local directly: omnilab's own client on the run's endpoint (see
 * test/setup/dynamodb.ts), and the single-table (pk, sk) layout the event store is given.
 */
import { inject } from 'vitest';
import { CreateTableCommand, DynamoDbClient } from '../../functions/aws/dynamodb-client';

/** A client of the run's DynamoDB Local (which asks for no real credentials). */
export function localDynamoClient(): DynamoDbClient {
  return new DynamoDbClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates an on-demand table keyed by the string attributes `pk` (hash) and `sk` (range). */
export async function createKeyedTable(client: DynamoDbClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}
