/** What every DynamoDB store shares: paging, transactions, and audit items. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../shared/model/audit';
import { ConflictError } from '../../shared/model/errors';

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** DynamoDB's limit of items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

export async function queryAll<T>(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start && (input.Limit === undefined || items.length < input.Limit));
  return items;
}

export async function scanAll<T>(doc: DynamoDBDocumentClient, input: ScanCommandInput): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Commits the groups; a group never splits across transactions, so a change and its audit entries
 * always commit together. A failed condition becomes a ConflictError naming the item.
 */
export async function transactGroups(
  doc: DynamoDBDocumentClient,
  groups: { items: TransactItem[]; describe: string }[],
): Promise<void> {
  let batch: { items: TransactItem[]; describe: string }[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch.flatMap((g) => g.items);
    const names = batch.flatMap((g) => g.items.map(() => g.describe));
    batch = [];
    size = 0;
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      if (!(e instanceof TransactionCanceledException)) throw e;
      const reasons = e.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0)
        throw new ConflictError(`${names[failed]} was changed by someone else: read it again and retry`);
      if (reasons.some((r) => r.Code === 'TransactionConflict'))
        throw new ConflictError(`${names[0]} is being changed concurrently: retry`);
      throw e;
    }
  };
  for (const g of groups) {
    if (g.items.length > MAX_TRANSACTION_ITEMS)
      throw new Error(`a change of ${g.items.length} items cannot commit at once`);
    if (size + g.items.length > MAX_TRANSACTION_ITEMS) await flush();
    batch.push(g);
    size += g.items.length;
  }
  await flush();
}

/** The audit streams an entry is listed in: its target, and each environment it touches. */
export function auditStreams(entry: AuditEntry): string[] {
  return [`${entry.target.type}#${entry.target.id}`, ...entry.environments.map((e) => `env#${e}`)];
}

export function auditItems(table: string, entry: AuditEntry): TransactItem[] {
  return auditStreams(entry).map((pk) => ({
    Put: { TableName: table, Item: { pk, sk: `${entry.at}#${entry.id}`, ...entry } },
  }));
}

export function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
