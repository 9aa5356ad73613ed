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
  /** Adds the counts to the hour's totals. */
  record(environment: string, hour: string, counts: ClientMetricsCount[]): Promise<void>;
  listByFlag(environment: string, flag: string): Promise<ClientMetricsRow[]>;
  register(environment: string, registration: ClientRegistration, seenAt: string): Promise<void>;
  listApplications(environment: string): Promise<ClientRegistrationRow[]>;
}
