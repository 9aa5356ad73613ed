/**
 * Which DynamoDB actions each function may perform, on which tables: the only source of the
 * functions' IAM policies. Keyed by the `function` name of ROUTES (and of the schedules, stream
 * consumers and the authorizer); the stack refuses to synthesize a function that has no entry, so a
 * new route cannot ship without someone deciding what it may touch.
 *
 * Read off the stores each handler reaches (functions/stores/): a transaction needs the action of
 * each item it holds (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), not a transaction right.
 */
import type { TableId } from '../functions/tables/tables';

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

export type TableAccess = Readonly<Partial<Record<TableId, readonly TableAction[]>>>;

/** Every authenticated handler looks its caller's token up (functions/http/http-handler.ts). */
const AUTHENTICATES = ['GetItem'] as const;

export const FUNCTION_ACCESS: Readonly<Record<string, TableAccess>> = {
  'admin-flags': {
    tokens: AUTHENTICATES,
    // Flags are read, listed and written (conditional put, in a transaction with their audit entries);
    // environments are listed to apply a new flag to each.
    config: ['GetItem', 'Query', 'PutItem'],
    // Every audit write reads the hash chain's head first; a flag's audit copies are checked
    // against their chain entries (BatchGetItem).
    audit: ['GetItem', 'Query', 'PutItem', 'BatchGetItem'],
    metrics: ['Query'],
  },
  'admin-environments': {
    tokens: AUTHENTICATES,
    // An import writes flags and segments, as well as the environment itself.
    config: ['GetItem', 'Query', 'PutItem'],
    // Every audit write reads the hash chain's head first; an environment's audit copies are
    // checked against their chain entries (BatchGetItem).
    audit: ['GetItem', 'Query', 'PutItem', 'BatchGetItem'],
    metrics: ['Query'],
  },
  'admin-segments': {
    tokens: AUTHENTICATES,
    // UpdateItem: the segment id counter.
    config: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
    audit: ['GetItem', 'PutItem'],
  },
  'admin-tokens': {
    // Scan lists the tokens (a handful); DeleteItem revokes one. GET /api/admin/me reads nothing more.
    tokens: ['GetItem', 'Scan', 'PutItem', 'DeleteItem'],
    config: ['GetItem'],
    audit: ['GetItem', 'PutItem'],
  },
  'client-api': {
    tokens: AUTHENTICATES,
    config: ['Query'],
    // Metrics are counted with ADD updates, each in a transaction with its batch's marker (put),
    // read back first (Query) so a resent batch counts once; registrations are put.
    metrics: ['Query', 'UpdateItem', 'PutItem'],
  },
  // Delta and streaming: the served document only (a stream reads it every poll interval).
  'client-streaming': {
    tokens: AUTHENTICATES,
    config: ['Query'],
  },
  'frontend-api': {
    tokens: AUTHENTICATES,
    config: ['Query'],
    metrics: ['Query', 'UpdateItem', 'PutItem'],
  },
  ofrep: {
    tokens: AUTHENTICATES,
    config: ['Query'],
  },
  'admin-experiments': {
    tokens: AUTHENTICATES,
    // Experiments and metrics live in config; saving an experiment rewrites its flags in the same
    // transaction, with the audit entries.
    // A backfill puts its statistics in config too; it reads the raw events through Athena (below),
    // never the statistic cells (results and planning power are experiment-history's).
    config: ['GetItem', 'Query', 'PutItem'],
    audit: ['GetItem', 'PutItem'],
  },
  events: {
    tokens: AUTHENTICATES,
    // The experiment and metric catalogues, and the flags and segments assignment is checked against.
    config: ['Query'],
    // Ingestion reads unit states (BatchGetItem) and a unit's earlier events (Query), then commits
    // events and states (conditional puts) and statistic cells (ADD updates) in transactions.
    events: ['BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
  },
  // Read-only analysis: results, their history by day, a metric's planning power.
  'experiment-history': {
    tokens: AUTHENTICATES,
    // The experiment, the metric (GetItem), the catalogues and the stored backfills (Query).
    config: ['GetItem', 'Query'],
    // The statistic cells (totals, per day) and the assignment mismatches.
    events: ['Query'],
  },
  'admin-governance': {
    tokens: AUTHENTICATES,
    // Change requests and notifications live in config; applying one replays the change there.
    config: ['GetItem', 'Query', 'PutItem'],
    // Verification and export read the chain; every write appends to it.
    audit: ['GetItem', 'Query', 'PutItem'],
  },
  'guardrail-check': {
    // Running experiments, their flags, due change requests and rollout plans.
    config: ['GetItem', 'Query', 'PutItem'],
    audit: ['GetItem', 'PutItem'],
    // The statistic cells of each running experiment; once, the totals migration (each catalogued
    // experiment's missing totals put if absent, then its mark: totals-migration.ts).
    events: ['Query', 'GetItem', 'PutItem'],
    // Release plans' safeguards read the impact metrics SDKs report.
    metrics: ['Query'],
  },
  // Release templates and plans: the plan records and their audit entries; never a flag.
  'admin-releases': {
    tokens: AUTHENTICATES,
    config: ['GetItem', 'Query', 'PutItem'],
    audit: ['GetItem', 'PutItem'],
  },
  // Reads the raw event store (the lake bucket through Athena: infra/constructs/raw-event-lake.ts)
  // and the environment it reports on.
  'data-quality': {
    tokens: AUTHENTICATES,
    // The environment reported on must exist (a 404 otherwise, as on every route naming one).
    config: ['GetItem'],
  },
  // Public and static: it never reaches a table.
  openapi: {},
  // Reads the audit table's stream only (granted by the stream mapping) and puts heads in S3.
  'audit-anchor': {},
  'token-authorizer': {
    tokens: ['GetItem'],
  },
};

/** Functions that check tokens read the token pepper: Secrets Manager GetSecretValue on its secret. */
export function readsTokenPepper(access: TableAccess | undefined): boolean {
  return access?.tokens?.includes('GetItem') ?? false;
}

/**
 * The audit anchor bucket (Object Lock): the stream consumer puts chain heads, verification lists
 * them. No other function has any right on it.
 */
export const AUDIT_ANCHOR_ACCESS: Readonly<Record<string, 'read' | 'write'>> = {
  'admin-governance': 'read',
  'audit-anchor': 'write',
};

/**
 * The raw event lake (infra/constructs/raw-event-lake.ts): the events function puts records on its
 * Firehose stream; data quality and backfill (admin-experiments) query it with Athena. No other
 * function has any right on the stream, the bucket, the Glue tables or the workgroup.
 */
export const RAW_EVENT_LAKE_ACCESS: Readonly<Record<string, 'write' | 'query'>> = {
  events: 'write',
  'data-quality': 'query',
  'admin-experiments': 'query',
};
