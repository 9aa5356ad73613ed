/**
 * Context field definitions and tag types in the config table: `pk` `context-field` or `tag-type`,
 * `sk` the name. Small, few, read whole.
 */

import type { ContextFieldDefinition, TagTypeDefinition } from '../../shared/model/unleash-definitions';
import type { DefinitionStore } from '../../shared/store/definition-store';
import type { DynamoDocumentClient } from '../aws/dynamodb-document';
import { auditItems, queryAll, stripKeys, transactGroups } from './dynamo-support';

export function createDynamoDefinitionStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): DefinitionStore {
  const list = async <T extends { name: string }>(pk: string): Promise<T[]> => {
    const items = await queryAll<Record<string, unknown>>(doc, {
      TableName: tables.config,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });
    return items.map((i) => stripKeys<T>(i)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  return {
    listContextFields: () => list<ContextFieldDefinition>('context-field'),
    listTagTypes: () => list<TagTypeDefinition>('tag-type'),
    async write(writes, audit) {
      const groups = writes.map((w, i) => ({
        items: [
          {
            Put: {
              TableName: tables.config,
              Item: { pk: w.kind, sk: w.definition.name, ...w.definition },
              ...(w.expectedVersion === null
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'version = :v',
                    ExpressionAttributeValues: { ':v': w.expectedVersion },
                  }),
            },
          },
          ...audit
            .filter((a) =>
              a.target.type === w.kind
                ? a.target.id === w.definition.name
                : i === 0 && a.target.type !== 'context-field' && a.target.type !== 'tag-type',
            )
            .flatMap((a) => auditItems(tables.audit, a)),
        ],
        describe: `${w.kind} ${w.definition.name}`,
      }));
      await transactGroups(doc, groups);
    },
  };
}
