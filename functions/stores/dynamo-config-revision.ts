/**
 * The config revision: one small item (`pk` `revision`, `sk` `config`) whose counter moves in the
 * same transaction as every committed write of flags or segments (functions/stores/dynamo-support.ts
 * `transactGroups`' `eachCommit`). An open stream reads it with one GetItem per tick and reads the
 * flags and segments only when it moved.
 */
import { type DynamoDocumentClient, GetCommand } from '../aws/dynamodb-document';
import type { TransactItem } from './dynamo-support';

export const CONFIG_REVISION_KEY = { pk: 'revision', sk: 'config' } as const;

/** The counter's increment, added once to each transaction that writes flags or segments. */
export function configRevisionBump(table: string): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: { ...CONFIG_REVISION_KEY },
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'revision' },
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/** The counter as a string ('0' before the first write). */
export async function readConfigRevision(doc: DynamoDocumentClient, table: string): Promise<string> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { ...CONFIG_REVISION_KEY } }));
  return String(out.Item?.revision ?? 0);
}
