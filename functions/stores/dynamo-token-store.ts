/** Tokens in DynamoDB, keyed by HMAC(pepper, SHA-256(secret)); legacy bare-SHA-256 records still read. */

import { ConflictError, NotFoundError } from '../../shared/model/errors';
import type { TokenRecord } from '../../shared/model/token';
import type { TokenStore } from '../../shared/store/token-store';
import {
  BatchWriteCommand,
  type DynamoDocumentClient,
  GetCommand,
  TransactWriteCommand,
} from '../aws/dynamodb-document';
import { generateTokenId, type PepperSource, pepperedKey } from '../services/tokens';
import { auditItems, scanAll, transactGroups } from './dynamo-support';

/** A record without an id was keyed by the bare SHA-256 of its secret. */
function isLegacy(t: TokenRecord): boolean {
  return t.id === undefined;
}

function withId(t: TokenRecord): TokenRecord {
  return t.id === undefined ? { ...t, id: t.hash } : t;
}

export function createDynamoTokenStore(
  doc: DynamoDocumentClient,
  tables: { tokens: string; audit: string },
  pepper: PepperSource,
): TokenStore {
  const read = async (hash: string) => {
    const out = await doc.send(new GetCommand({ TableName: tables.tokens, Key: { hash } }));
    return (out.Item as TokenRecord | undefined) ?? null;
  };
  const all = () => scanAll<TokenRecord>(doc, { TableName: tables.tokens });
  const byId = async (id: string) => {
    // Tokens are few (people and apps, not customers): a scan is cheaper than an index to keep.
    const found = (await all()).find((t) => (t.id ?? t.hash) === id);
    return found ?? null;
  };
  return {
    async get(digest) {
      const token = await read(pepperedKey(digest, await pepper()));
      if (token) return withId(token);
      const legacy = await read(digest);
      return legacy && isLegacy(legacy) ? withId(legacy) : null;
    },
    async getById(id) {
      const t = await byId(id);
      return t ? withId(t) : null;
    },
    async list() {
      const items = (await all()).map(withId);
      return items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },
    keyFor: async (digest) => pepperedKey(digest, await pepper()),
    async create(token, audit) {
      if (!token.id) throw new Error('a new token needs its id');
      const item: TokenRecord = token;
      try {
        await transactGroups(doc, [
          {
            items: [
              {
                Put: {
                  TableName: tables.tokens,
                  Item: item,
                  ConditionExpression: 'attribute_not_exists(#h)',
                  ExpressionAttributeNames: { '#h': 'hash' },
                },
              },
              ...audit.flatMap((a) => auditItems(tables.audit, a)),
            ],
            describe: `token ${token.name}`,
          },
        ]);
      } catch (e) {
        if (e instanceof ConflictError) throw new ConflictError('this token exists', 'ALREADY_EXISTS');
        throw e;
      }
    },
    async seed(tokens) {
      const p = await pepper();
      // The id of a seeded token is derived from its key, so re-seeding at every start keeps it.
      const items = tokens.map((t) => {
        const hash = pepperedKey(t.hash, p);
        return { ...t, hash, id: t.id ?? `tok_${pepperedKey(`id:${hash}`, p).slice(0, 24)}` };
      });
      for (let i = 0; i < items.length; i += 25) {
        const chunk = items.slice(i, i + 25);
        await doc.send(
          new BatchWriteCommand({
            RequestItems: { [tables.tokens]: chunk.map((t) => ({ PutRequest: { Item: t } })) },
          }),
        );
      }
    },
    async revoke(id, audit) {
      const token = await byId(id);
      if (!token) throw new NotFoundError('no such token');
      try {
        await transactGroups(doc, [
          {
            items: [
              {
                Delete: {
                  TableName: tables.tokens,
                  Key: { hash: token.hash },
                  ConditionExpression: 'attribute_exists(#h)',
                  ExpressionAttributeNames: { '#h': 'hash' },
                },
              },
              ...audit.flatMap((a) => auditItems(tables.audit, a)),
            ],
            describe: 'token',
          },
        ]);
      } catch (e) {
        if (e instanceof ConflictError) throw new NotFoundError('no such token');
        throw e;
      }
    },
    async migrateLegacy() {
      const p = await pepper();
      const legacy = (await all()).filter(isLegacy);
      for (const t of legacy) {
        const moved: TokenRecord = { ...t, hash: pepperedKey(t.hash, p), id: generateTokenId() };
        try {
          await doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tables.tokens,
                    Item: moved,
                    ConditionExpression: 'attribute_not_exists(#h)',
                    ExpressionAttributeNames: { '#h': 'hash' },
                  },
                },
                {
                  Delete: {
                    TableName: tables.tokens,
                    Key: { hash: t.hash },
                    ConditionExpression: 'attribute_not_exists(#id)',
                    ExpressionAttributeNames: { '#id': 'id' },
                  },
                },
              ],
            }),
          );
        } catch (e) {
          // Another process moved it first: nothing left to do for this one.
          if ((e as Error).name !== 'TransactionCanceledException') throw e;
        }
      }
      return legacy.length;
    },
  };
}
