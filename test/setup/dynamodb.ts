/**
 * One DynamoDB Local (in memory, listening on 127.0.0.1 only) for the whole run; every test file
 * gets its own table prefix.
 * Test files reach it through inject('dynamodbEndpoint') and OMNILAB_DYNAMODB_ENDPOINT.
 */
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

let dynamo: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  dynamo = await startDynamoDbLocal();
  process.env.OMNILAB_DYNAMODB_ENDPOINT = dynamo.endpoint;
  project.provide('dynamodbEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}
