/**
 * The raw event store: every event `POST /api/events` receives, kept append-only with its outcome,
 * partitioned by environment and the UTC day it was received (the layout of
 * /work/coord/raw-events.md, documented in docs/experiments.md). Beside the exactly-once statistics,
 * for analysis after the fact (metrics defined later, quantiles, identity stitching) and for the
 * data-quality report. A record may be written more than once (a retried batch): readers take, per
 * (environment, id), the first record by `receivedAt` whose outcome is accepted or stored.
 */

export type RawEventOutcome = 'accepted' | 'duplicate' | 'stored' | 'rejected';

export interface RawEventRecord {
  /** The event's id as sent (`#<index>` when it had none: a rejected event). */
  id: string;
  /** 'exposure' | 'metric' | 'identify' when valid; a rejected event's type as sent, if a string. */
  type?: string;
  /** ISO 8601 as sent (event time); absent only on a rejected event that had none. */
  timestamp?: string;
  /** ISO 8601, the platform's clock when the batch was received. */
  receivedAt: string;
  environment: string;
  channel?: string;
  /** The customer id (for identify: the customer id the anonymous id links to). */
  userId?: string;
  /** Identify only: the anonymous, device or WeChat OpenID/UnionID the customer id links to. */
  anonymousId?: string;
  appName?: string;
  experiment?: string;
  variant?: string;
  metric?: string;
  /** As counted: a count metric's event without a value counts 1. */
  value?: number;
  properties?: Record<string, string>;
  outcome: RawEventOutcome;
  /** Why, for stored and rejected records. */
  reason?: string;
}

/** Where readers (DuckDB locally, Athena on AWS) find the records. */
export type RawEventLocation =
  | {
      kind: 'local';
      /** `<root>/events/environment=<env>/day=<YYYY-MM-DD>/*.jsonl` and `<root>/rejected/…`. */
      root: string;
    }
  | {
      kind: 's3';
      bucket: string;
      /** `events/`: accepted, duplicate and stored records, `environment=<env>/day=<YYYY-MM-DD>/` below it. */
      prefix: string;
      /** `rejected/`: the rejected records, in the same partitions. */
      rejectedPrefix: string;
      database: string;
      /** The Glue table over `prefix`. */
      table: string;
      /** The Glue table over `rejectedPrefix`. */
      rejectedTable: string;
      /** The Athena workgroup queries run in (its result location and limits). */
      workgroup: string;
    };

export interface RawEventStore {
  /** Appends the records; resolves once they are durable (or rejects, and then may have written some). */
  append(records: readonly RawEventRecord[]): Promise<void>;
  location(): RawEventLocation;
}

/** A record's partition: which prefix (rejected ones apart), its environment, its received day. */
export function rawEventPartition(record: RawEventRecord): {
  kind: 'events' | 'rejected';
  environment: string;
  day: string;
} {
  return {
    kind: record.outcome === 'rejected' ? 'rejected' : 'events',
    environment: record.environment,
    day: record.receivedAt.slice(0, 10),
  };
}
