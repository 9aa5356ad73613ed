/** Backfilled statistics in the config table: one item per (experiment, metric), under `backfill#<experiment>`. */

import type { BackfilledMetric, BackfillStore } from '../../shared/store/backfill-store';
import { type DynamoDocumentClient, PutCommand } from '../aws/dynamodb-document';
import { queryAll, stripKeys } from './dynamo-support';

const partition = (experiment: string) => `backfill#${experiment}`;

/**
 * DynamoDB numbers keep magnitudes from 1e-130 up: a p-value far below that (a large effect on many
 * units) is stored as 0, which is what any reader rounds it to anyway.
 */
function storable(metric: BackfilledMetric): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(metric, (_key, v) => (typeof v === 'number' && v !== 0 && Math.abs(v) < 1e-100 ? 0 : v)),
  );
}

export function createDynamoBackfillStore(
  doc: DynamoDocumentClient,
  tables: { config: string },
): BackfillStore {
  return {
    async put(metrics) {
      // A handful of metrics per backfill: one put each (PutItem is what the function may do).
      for (const m of metrics)
        await doc.send(
          new PutCommand({
            TableName: tables.config,
            Item: { pk: partition(m.experiment), sk: m.metric, ...storable(m) },
          }),
        );
    },
    async list(experiment) {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition(experiment) },
      });
      return items.map((i) => stripKeys<BackfilledMetric>(i));
    },
  };
}
