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

/**
 * Links an anonymous id (a device id, a WeChat OpenID or UnionID) to the customer id: kept raw with
 * outcome `stored` for identity stitching in analysis; it changes no live statistic.
 */
export interface IdentifyEvent extends EventBase {
  type: 'identify';
  /** The anonymous, device or WeChat id the events before login carried as their userId. */
  anonymousId: string;
}

export interface EventBatch {
  events: OmnilabEvent[];
}

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_EVENT_BATCH_BYTES = 1_000_000;

export type EventOutcome =
  | { id: string; status: 'accepted' }
  | { id: string; status: 'duplicate' }
  /** Valid, kept raw, counted in no statistic (a metric not in the catalogue yet; identify). */
  | { id: string; status: 'stored'; reason: string }
  | { id: string; status: 'rejected'; reason: string };

export interface EventBatchResponse {
  results: EventOutcome[];
}
