/**
 * The one event schema for every channel: what `POST /api/events` accepts, what the SDK sends.
 * Every event carries an id chosen by the sender, so a retry never counts twice.
 */

export interface EventBase {
  /** Unique per event, chosen by the sender (a UUID or similar); the ingestion key. */
  id: string;
  /** ISO 8601 time the event happened on the channel. */
  timestamp: string;
  /** The customer id, the same on every channel. */
  userId: string;
  channel: string;
  appName?: string;
  /** Extra context for the randomisation unit (household, branch, terminal) when an experiment uses one. */
  properties?: Record<string, string>;
}

/** A customer saw a variant of a running experiment. The experiment's key is its flag's name. */
export interface ExposureEvent extends EventBase {
  type: 'exposure';
  experiment: string;
  variant: string;
}

/** A customer-experience metric observed for a customer (a conversion is value 1). */
export interface MetricEvent extends EventBase {
  type: 'metric';
  metric: string;
  value: number;
}

export type OmnilabEvent = ExposureEvent | MetricEvent;

export interface EventBatch {
  events: OmnilabEvent[];
}

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_EVENT_BATCH_BYTES = 1_000_000;

export type EventOutcome =
  | { id: string; status: 'accepted' }
  | { id: string; status: 'duplicate' }
  | { id: string; status: 'rejected'; reason: string };

export interface EventBatchResponse {
  results: EventOutcome[];
}
