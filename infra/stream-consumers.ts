/**
 * Functions fed by a table's DynamoDB stream (cache invalidation, the governance chain, event
 * roll-ups), as plain data like ROUTES. The table must declare a `stream` in tables.ts.
 */
import type { TableId } from '../functions/tables/tables';

export interface StreamConsumer {
  /** Stable name: the Lambda function and its log group are named after it. */
  function: string;
  /** The handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  table: TableId;
  /** Records per invocation. */
  batchSize: number;
}

export const STREAM_CONSUMERS: readonly StreamConsumer[] = [
  {
    // Anchors each new audit chain head in the Object Lock bucket (tamper evidence).
    function: 'audit-anchor',
    entry: 'functions/handlers/audit-anchor-handler.ts',
    table: 'audit',
    batchSize: 100,
  },
];
