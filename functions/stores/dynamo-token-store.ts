import { BatchWriteCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../shared/model/errors';
import type { TokenRecord } from '../../shared/model/token';
import type { TokenStore } from '../../shared/store/token-store';
import { auditItems, scanAll, transactGroups } from './dynamo-support';

export function createDynamoTokenStore(
  doc: DynamoDBDocumentClient,
  tables: { tokens: string; audit: string },
): TokenStore {
  return {
    async get(hash) {
      const out = await doc.send(new GetCommand({ TableName: tables.tokens, Key: { hash } }));
      return (out.Item as TokenRecord | undefined) ?? null;
    },
    async list() {
      const items = await scanAll<TokenRecord>(doc, { TableName: tables.tokens });
      return items.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    },
    async create(token, audit) {
      try {
        await transactGroups(doc, [
          {
            items: [
              {
                Put: {
                  TableName: tables.tokens,
                  Item: token,
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
      for (let i = 0; i < tokens.length; i += 25) {
        const chunk = tokens.slice(i, i + 25);
        await doc.send(
          new BatchWriteCommand({
            RequestItems: { [tables.tokens]: chunk.map((t) => ({ PutRequest: { Item: t } })) },
          }),
        );
      }
    },
    async revoke(hash, audit) {
      try {
        await transactGroups(doc, [
          {
            items: [
              {
                Delete: {
                  TableName: tables.tokens,
                  Key: { hash },
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
  };
}
