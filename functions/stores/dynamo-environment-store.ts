/** Environments in DynamoDB: one config-table partition, each read with whether it is protected, written with its audit entries. */

import { type Environment, isProtected } from '../../shared/model/environment';
import { ConflictError } from '../../shared/model/errors';
import type { EnvironmentStore } from '../../shared/store/environment-store';
import { type DynamoDocumentClient, GetCommand, PutCommand } from '../aws/dynamodb-document';
import { ConditionalCheckFailedException } from '../aws/dynamodb-errors';
import { auditItems, queryAll, stripKeys, transactGroups } from './dynamo-support';

const PK = 'environment';

/** Environments stored before governance carry no `protected`; production ones are. */
function withProtection(e: Environment): Environment {
  return { ...e, protected: isProtected(e) };
}

export function createDynamoEnvironmentStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): EnvironmentStore {
  const list = async () => {
    const items = await queryAll<Record<string, unknown>>(doc, {
      TableName: tables.config,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PK },
    });
    return items.map((i) => withProtection(stripKeys<Environment>(i)));
  };
  return {
    async get(name) {
      const out = await doc.send(new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: name } }));
      return out.Item ? withProtection(stripKeys<Environment>(out.Item)) : null;
    },
    list,
    async create(environment, audit) {
      try {
        await transactGroups(doc, [
          {
            items: [
              {
                Put: {
                  TableName: tables.config,
                  Item: { pk: PK, sk: environment.name, ...environment },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...audit.flatMap((a) => auditItems(tables.audit, a)),
            ],
            describe: `environment ${environment.name}`,
          },
        ]);
      } catch (e) {
        if (e instanceof ConflictError)
          throw new ConflictError(`environment ${environment.name} exists`, 'ALREADY_EXISTS');
        throw e;
      }
    },
    async update(environment, expectedVersion, audit) {
      await transactGroups(doc, [
        {
          items: [
            {
              Put: {
                TableName: tables.config,
                Item: { pk: PK, sk: environment.name, ...environment },
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              },
            },
            ...audit.flatMap((a) => auditItems(tables.audit, a)),
          ],
          describe: `environment ${environment.name}`,
        },
      ]);
    },
    async ensure(environments) {
      const existing = new Set((await list()).map((e) => e.name));
      const missing = environments.filter((e) => !existing.has(e.name));
      for (const e of missing) {
        try {
          await doc.send(
            new PutCommand({
              TableName: tables.config,
              Item: { pk: PK, sk: e.name, ...e },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (err) {
          // Another starter created it first: what we wanted.
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
    },
  };
}
