/** Yes/no/variant counts that SDKs report, kept per flag, app, channel and hour. */
export interface ClientMetricsCount {
  flag: string;
  appName: string;
  channel: string;
  yes: number;
  no: number;
  variants: Record<string, number>;
}

export interface ClientMetricsRow extends ClientMetricsCount {
  environment: string;
  /** ISO start of the hour the counts fall in. */
  hour: string;
}

/** A flag was evaluated (some yes or no counted) in an environment in an hour, by any app or channel. */
export type ClientMetricsSeen = Pick<ClientMetricsRow, 'environment' | 'flag' | 'hour'>;

export interface ClientRegistration {
  appName: string;
  instanceId: string;
  sdkVersion?: string;
  strategies?: string[];
  started?: string;
  interval?: number;
  channel: string;
}

export interface ClientRegistrationRow extends ClientRegistration {
  environment: string;
  seenAt: string;
}

export interface ClientMetricsStore {
  /**
   * Adds a batch's counts to the hour's totals, once: `batch` names the batch (the same for a
   * retry), and `counts` are everything the batch holds so far. Only what goes beyond what the
   * store already counted for this batch is added, so a resent batch adds nothing and a batch the
   * SDK resends with more counts in it (unleash-client keeps a failed bucket and adds to it) adds
   * only the new ones, whatever part of the first attempt was stored.
   */
  record(environment: string, hour: string, batch: string, counts: ClientMetricsCount[]): Promise<void>;
  listByFlag(environment: string, flag: string): Promise<ClientMetricsRow[]>;
  /**
   * Every hour each flag was evaluated in the environment, in one read: what flags' lifecycles and
   * the cleanup report need, without a read per flag.
   */
  listSeen(environment: string): Promise<ClientMetricsSeen[]>;
  register(environment: string, registration: ClientRegistration, seenAt: string): Promise<void>;
  listApplications(environment: string): Promise<ClientRegistrationRow[]>;
}
