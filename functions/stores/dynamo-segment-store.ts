/** Segments in DynamoDB: one config-table partition, an id counter, versioned writes with their audit entries. */

import type { SegmentDefinition } from '../../shared/model/flag';
import type { SegmentStore } from '../../shared/store/segment-store';
import { type DynamoDocumentClient, GetCommand, UpdateCommand } from '../aws/dynamodb-document';
import { configRevisionBump } from './dynamo-config-revision';
import { auditItems, queryAll, stripKeys, transactGroups } from './dynamo-support';

const PK = 'segment';

export function createDynamoSegmentStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): SegmentStore {
  return {
    async get(id) {
      const out = await doc.send(
        new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: String(id) } }),
      );
      return out.Item ? stripKeys<SegmentDefinition>(out.Item) : null;
    },
    async list() {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
      });
      return items.map((i) => stripKeys<SegmentDefinition>(i)).sort((a, b) => a.id - b.id);
    },
    async nextId() {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tables.config,
          Key: { pk: 'counter', sk: 'segment-id' },
          UpdateExpression: 'ADD #v :one',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.value);
    },
    async write(writes, audit) {
      const groups = writes.map((w, i) => ({
        items: [
          {
            Put: {
              TableName: tables.config,
              Item: { pk: PK, sk: String(w.segment.id), ...w.segment },
              ...(w.expectedVersion === null
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : {
                    ConditionExpression: 'version = :v',
                    ExpressionAttributeValues: { ':v': w.expectedVersion },
                  }),
            },
          },
          ...audit
            .filter((a) => (a.target.type === 'segment' ? a.target.id === String(w.segment.id) : i === 0))
            .flatMap((a) => auditItems(tables.audit, a)),
        ],
        describe: `segment ${w.segment.id}`,
      }));
      await transactGroups(doc, groups, { eachCommit: configRevisionBump(tables.config) });
    },
  };
}
