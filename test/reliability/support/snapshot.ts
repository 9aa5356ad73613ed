/** Every item of the platform's tables, for "a rejected request wrote nothing" checks. */
import { type DynamoDbClient, ScanCommand } from '../../../functions/aws/dynamodb-client';
import type { TableNames } from '../../../functions/tables/tables';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return (
    JSON.stringify(value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value) ?? 'null'
  );
}

type TableId = keyof TableNames;
const WRITTEN: readonly TableId[] = ['config', 'tokens', 'audit', 'events'];

/**
 * Sorted, stable text of every item in the tables that hold what admins and clients write (name
 * more, e.g. metrics, to check those too).
 */
export async function snapshot(
  client: DynamoDbClient,
  tables: TableNames,
  ids: readonly TableId[] = WRITTEN,
): Promise<string> {
  const out: string[] = [];
  for (const id of ids) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: tables[id], ConsistentRead: true, ExclusiveStartKey: start as never }),
      );
      for (const item of page.Items ?? []) out.push(`${id} ${canonical(item)}`);
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return out.sort().join('\n');
}
