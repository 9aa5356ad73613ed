/** Experiments and the metric catalogue in DynamoDB: a config-table partition each, versioned writes with their audit entries. */

import type {
  ExperimentStore,
  MetricStore,
  StoredExperiment,
  StoredMetric,
} from '../../shared/store/experiment-store';
import { type DynamoDocumentClient, GetCommand } from '../aws/dynamodb-document';
import { configRevisionBump } from './dynamo-config-revision';
import { flagPutItem } from './dynamo-flag-store';
import { auditItems, queryAll, stripKeys, type TransactItem, transactGroups } from './dynamo-support';

function versioned(
  table: string,
  pk: string,
  sk: string,
  item: object,
  expectedVersion: number | null,
): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { pk, sk, ...item },
      ...(expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
    },
  };
}

export function createDynamoExperimentStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): ExperimentStore {
  const PK = 'experiment';
  return {
    async get(key) {
      const out = await doc.send(new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: key } }));
      return out.Item ? stripKeys<StoredExperiment>(out.Item) : null;
    },
    async list() {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
      });
      return items.map((i) => stripKeys<StoredExperiment>(i));
    },
    async write(experiment, expectedVersion, flags, audit) {
      // The experiment and the flags it drives change together, or not at all.
      const items = [
        versioned(tables.config, PK, experiment.key, experiment, expectedVersion),
        ...flags.map((f) => flagPutItem(tables.config, f)),
        ...audit.flatMap((a) => auditItems(tables.audit, a)),
      ];
      await transactGroups(
        doc,
        [{ items, describe: `experiment ${experiment.key}` }],
        flags.length > 0 ? { eachCommit: configRevisionBump(tables.config) } : {},
      );
    },
  };
}

export function createDynamoMetricStore(
  doc: DynamoDocumentClient,
  tables: { config: string; audit: string },
): MetricStore {
  const PK = 'metric';
  return {
    async get(key) {
      const out = await doc.send(new GetCommand({ TableName: tables.config, Key: { pk: PK, sk: key } }));
      return out.Item ? stripKeys<StoredMetric>(out.Item) : null;
    },
    async list() {
      const items = await queryAll<Record<string, unknown>>(doc, {
        TableName: tables.config,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
      });
      return items.map((i) => stripKeys<StoredMetric>(i));
    },
    async write(metric, expectedVersion, audit) {
      const items = [
        versioned(tables.config, PK, metric.key, metric, expectedVersion),
        ...audit.flatMap((a) => auditItems(tables.audit, a)),
      ];
      await transactGroups(doc, [{ items, describe: `metric ${metric.key}` }]);
    },
  };
}
