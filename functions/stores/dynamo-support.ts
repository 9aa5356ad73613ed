/** What every DynamoDB store shares: paging, transactions, and audit items. */

import { type ChainHead, chainEntries, GENESIS_HASH, sequenceKey } from '../../shared/governance/audit-chain';
import { auditDiff } from '../../shared/governance/audit-diff';
import type { AuditEntry } from '../../shared/model/audit';
import { ConflictError, ServiceUnavailableError } from '../../shared/model/errors';
import type { AuditAnchor } from '../../shared/store/audit-anchor';
import {
  type DynamoDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteCommand,
} from '../aws/dynamodb-document';
import { TransactionCanceledException } from '../aws/dynamodb-errors';
import { checkItemSize, DYNAMODB_ITEM_LIMIT, MAX_ITEM_BYTES, valueSize } from './item-size';

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** DynamoDB's limit of items in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

export async function queryAll<T>(doc: DynamoDocumentClient, input: QueryCommandInput): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start && (input.Limit === undefined || items.length < input.Limit));
  return items;
}

export async function scanAll<T>(doc: DynamoDocumentClient, input: ScanCommandInput): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** An audit entry to chain and store, inside the transaction of the change it records. */
export interface AuditWrite {
  audit: AuditEntry;
  table: string;
}

export type GroupItem = TransactItem | AuditWrite;

export interface TransactGroup {
  items: GroupItem[];
  describe: string;
}

/** The chain's head and its entries, one item each, in the audit table. */
export const CHAIN_HEAD_KEY = { pk: 'chain-head', sk: 'head' } as const;
export const CHAIN_PK = 'chain';

/** Concurrent admin writes race for the chain head; they are few, so a few retries settle them. */
const CHAIN_ATTEMPTS = 12;

function isAuditWrite(item: GroupItem): item is AuditWrite {
  return 'audit' in item;
}

/** The audit streams an entry is listed in: its target, and each environment it touches. */
export function auditStreams(entry: AuditEntry): string[] {
  return [`${entry.target.type}#${entry.target.id}`, ...entry.environments.map((e) => `env#${e}`)];
}

/**
 * Below this (before and after together), an audit entry keeps both whole states beside its diff,
 * for readers that show them; above it, only the diff, so an entry never grows with the size of
 * what it describes, only with what changed.
 */
export const AUDIT_STATES_BYTES = 32 * 1024;

/** The entry as stored: its diff always, its two states only while they are small. */
export function compactAuditEntry(entry: AuditEntry): AuditEntry {
  if (entry.diff !== undefined) return entry;
  const diff = auditDiff(entry.before ?? null, entry.after ?? null);
  if (valueSize(entry.before) + valueSize(entry.after) <= AUDIT_STATES_BYTES) return { ...entry, diff };
  const { before: _before, after: _after, ...rest } = entry;
  return { ...rest, before: undefined, after: undefined, diff, statesOmitted: true };
}

/**
 * Puts that may use the headroom between MAX_ITEM_BYTES and DynamoDB's limit: a flag switched off
 * (dynamo-flag-store.ts decides), which must work whatever the flag's size.
 */
const HEADROOM = new WeakSet<object>();

export function allowHeadroom(item: TransactItem): TransactItem {
  HEADROOM.add(item);
  return item;
}

/** Refuses, before anything is written, a group holding a put over the item limit. */
function checkSizes(items: TransactItem[], names: string[]): void {
  items.forEach((item, i) => {
    const put = item.Put?.Item as Record<string, unknown> | undefined;
    if (!put) return;
    checkItemSize(
      put,
      names[i] ?? 'the item',
      HEADROOM.has(item) ? DYNAMODB_ITEM_LIMIT - 1024 : MAX_ITEM_BYTES,
    );
  });
}

/** The anchor each client's chain heads go to, and who hears of a failed anchoring: set by the composition root. */
const ANCHORS = new WeakMap<DynamoDocumentClient, { anchor: AuditAnchor; failed: (e: unknown) => void }>();

/**
 * Every commit through `doc` that moves the audit chain then records the new head in `anchor`;
 * `failed` logs a failure (passed in, so the stores and the authorizer's bundle carry no logger).
 */
export function anchorChain(
  doc: DynamoDocumentClient,
  anchor: AuditAnchor,
  failed: (e: unknown) => void,
): void {
  ANCHORS.set(doc, { anchor, failed });
}

/**
 * After the commit: a failed anchoring is logged, not thrown (the change did commit, and the next
 * commit anchors a later head); verification then simply has an older anchor to hold against.
 */
async function recordAnchor(doc: DynamoDocumentClient, head: ChainHead): Promise<void> {
  const anchored = ANCHORS.get(doc);
  if (!anchored) return;
  try {
    await anchored.anchor.record(head);
  } catch (e) {
    anchored.failed(e);
  }
}

/** Items a group takes in a transaction: each audit entry once per stream plus its chain item. */
function itemCount(items: GroupItem[]): number {
  return items.reduce((n, i) => n + (isAuditWrite(i) ? auditStreams(i.audit).length + 1 : 1), 0);
}

export async function readChainHead(doc: DynamoDocumentClient, table: string): Promise<ChainHead> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: CHAIN_HEAD_KEY, ConsistentRead: true }));
  return out.Item
    ? { sequence: Number(out.Item.sequence), hash: String(out.Item.hash) }
    : { sequence: 0, hash: GENESIS_HASH };
}

/**
 * Commits the groups; a group never splits across transactions, so a change and its audit entries
 * always commit together. Audit entries are chained in the same transaction: the chain head moves
 * on only if it is still where it was read, so two writers never take the same sequence; the loser
 * re-reads the head and tries again. A failed condition on the change itself becomes a
 * ConflictError naming the item.
 */
export async function transactGroups(
  doc: DynamoDocumentClient,
  groups: TransactGroup[],
  options: {
    /** An item every transaction of this commit carries once (the config revision's increment). */
    eachCommit?: TransactItem;
  } = {},
): Promise<void> {
  let batch: TransactGroup[] = [];
  let size = 0;
  const extra = options.eachCommit ? 1 : 0;
  const commit = async (current: TransactGroup[]) => {
    const plain = [
      ...current.flatMap((g) => g.items.filter((i): i is TransactItem => !isAuditWrite(i))),
      ...(options.eachCommit ? [options.eachCommit] : []),
    ];
    const names = [
      ...current.flatMap((g) => g.items.filter((i) => !isAuditWrite(i)).map(() => g.describe)),
      ...(options.eachCommit ? ['the config revision'] : []),
    ];
    const audits = current
      .flatMap((g) => g.items.filter(isAuditWrite))
      .map((a) => ({ ...a, audit: compactAuditEntry(a.audit) }));
    checkSizes(plain, names);
    for (let attempt = 0; ; attempt++) {
      const items = [...plain];
      let headIndex = -1;
      let newHead: ChainHead | undefined;
      if (audits.length > 0) {
        const table = audits[0].table;
        const head = await readChainHead(doc, table);
        const chained = chainEntries(
          head,
          audits.map((a) => a.audit),
        );
        for (const entry of chained) {
          for (const pk of auditStreams(entry)) {
            items.push({ Put: { TableName: table, Item: { pk, sk: `${entry.at}#${entry.id}`, ...entry } } });
          }
          items.push({
            Put: {
              TableName: table,
              Item: { pk: CHAIN_PK, sk: sequenceKey(entry.sequence!), ...entry },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          });
        }
        checkSizes(
          items.slice(plain.length),
          items.slice(plain.length).map(() => `the audit entry of ${names[0] ?? 'this change'}`),
        );
        const last = chained[chained.length - 1];
        newHead = { sequence: last.sequence!, hash: last.hash! };
        headIndex = items.length;
        items.push({
          Put: {
            TableName: table,
            Item: { ...CHAIN_HEAD_KEY, sequence: last.sequence, hash: last.hash },
            ...(head.sequence === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#s = :s',
                  ExpressionAttributeNames: { '#s': 'sequence' },
                  ExpressionAttributeValues: { ':s': head.sequence },
                }),
          },
        });
      }
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        if (newHead) await recordAnchor(doc, newHead);
        return;
      } catch (e) {
        if (!(e instanceof TransactionCanceledException)) throw e;
        const reasons = e.CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        const chainLost = failed >= plain.length && headIndex >= 0;
        const raced = reasons.some((r) => r.Code === 'TransactionConflict');
        if (failed >= 0 && failed < plain.length)
          throw new ConflictError(`${names[failed]} was changed by someone else: read it again and retry`);
        if ((chainLost || raced) && attempt + 1 < CHAIN_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
          continue;
        }
        // Contention, not a stale read: the caller did nothing wrong and the same request may succeed.
        if (raced || chainLost)
          throw new ServiceUnavailableError(
            `${names[0] ?? 'the audit log'} is being changed concurrently: send the request again`,
          );
        throw e;
      }
    }
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    size = 0;
    await commit(current);
  };
  // Every item of every group is sized before the first commit: a change that splits across
  // transactions (an import) is refused whole, not after its first part was written.
  for (const g of groups) {
    checkSizes(
      g.items.filter((i): i is TransactItem => !isAuditWrite(i)),
      g.items.filter((i) => !isAuditWrite(i)).map(() => g.describe),
    );
    for (const a of g.items.filter(isAuditWrite)) {
      // The chain's fields and the longest stream key are added at commit: count them generously.
      const stored = {
        pk: auditStreams(a.audit).reduce((x, y) => (y.length > x.length ? y : x), ''),
        sk: `${a.audit.at}#${a.audit.id}`,
        ...compactAuditEntry(a.audit),
        sequence: 10 ** 12,
        previousHash: GENESIS_HASH,
        hash: GENESIS_HASH,
      };
      checkItemSize(stored, `the audit entry of ${g.describe}`);
    }
  }
  for (const g of groups) {
    const count = itemCount(g.items);
    // One item more for the chain head (and one for eachCommit).
    if (count + 1 + extra > MAX_TRANSACTION_ITEMS)
      throw new Error(`a change of ${count} items cannot commit at once`);
    if (size + count + 1 + extra > MAX_TRANSACTION_ITEMS) await flush();
    batch.push(g);
    size += count;
  }
  await flush();
}

export function auditItems(table: string, entry: AuditEntry): AuditWrite[] {
  return [{ audit: entry, table }];
}

export function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
