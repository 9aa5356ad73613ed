/**
 * The DynamoDB tables, as plain data: the CDK stack and the local platform both build their tables
 * from this list, so the two never drift. Keys and access patterns: docs/data-model.md.
 */

export type AttributeType = 'S' | 'N';

export interface KeyDefinition {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
}

export interface TableDefinition {
  /** Stable id; the deployed name is `<prefix><suffix>`. */
  id: 'config' | 'tokens' | 'audit' | 'metrics' | 'events';
  suffix: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  globalIndexes: IndexDefinition[];
  /** Epoch-seconds attribute after which DynamoDB deletes the item. */
  ttlAttribute?: string;
  stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

const pk: KeyDefinition = { name: 'pk', type: 'S' };
const sk: KeyDefinition = { name: 'sk', type: 'S' };

export const TABLES: readonly TableDefinition[] = [
  {
    // Flags, segments, environments and counters: small, read whole on every document build.
    id: 'config',
    suffix: 'config',
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
    // Later issues hang cache invalidation and the governance chain on this stream.
    stream: 'NEW_AND_OLD_IMAGES',
  },
  {
    id: 'tokens',
    suffix: 'tokens',
    partitionKey: { name: 'hash', type: 'S' },
    globalIndexes: [],
  },
  {
    // Each entry is stored once per stream it belongs to (its target, each environment it touches).
    id: 'audit',
    suffix: 'audit',
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
    stream: 'NEW_IMAGE',
  },
  {
    id: 'metrics',
    suffix: 'metrics',
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
  },
  {
    // Experiment data: each unit's events (the dedupe keys) and state, and the sharded statistics.
    // Written only in transactions; read by key and by one partition per experiment.
    id: 'events',
    suffix: 'events',
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
  },
];

export type TableId = TableDefinition['id'];

export function tableName(prefix: string, id: TableId): string {
  const table = TABLES.find((t) => t.id === id);
  if (!table) throw new Error(`unknown table ${id}`);
  return `${prefix}${table.suffix}`;
}

export type TableNames = Record<TableId, string>;

export function tableNames(prefix: string): TableNames {
  return {
    config: tableName(prefix, 'config'),
    tokens: tableName(prefix, 'tokens'),
    audit: tableName(prefix, 'audit'),
    metrics: tableName(prefix, 'metrics'),
    events: tableName(prefix, 'events'),
  };
}
