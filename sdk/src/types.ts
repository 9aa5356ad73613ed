/**
 * The SDK's public types: the context, variants, the fetch and storage a runtime supplies, errors,
 * client options and stats, and the stream interface.
 */
import type { CompileOptions } from '../../shared/evaluation/compile';
import type { ClientFeaturesDocument, Payload } from '../../shared/model/client-features';

export type { ClientFeaturesDocument, Payload };

/**
 * The customer a flag is evaluated for. `channel` defaults to the client's; `appVersion` is
 * served to constraints as `properties.appVersion` (the Unleash convention, so a constraint on
 * `appVersion` written for any Unleash SDK matches). `environment`, `appName` and `currentTime`
 * default to the client's and to now.
 */
export interface SdkContext {
  userId?: string;
  sessionId?: string;
  channel?: string;
  appVersion?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  currentTime?: string | Date;
  properties?: Record<string, string | number | boolean | null | undefined>;
}

/** A variant as every Unleash SDK returns it. Shared and frozen: read it, never change it. */
export interface Variant {
  readonly name: string;
  readonly enabled: boolean;
  readonly feature_enabled: boolean;
  readonly payload?: Readonly<Payload>;
}

/** The part of a `fetch` Response the SDK reads, so `wx.request` or any other transport can stand in. */
export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

/**
 * Shaped like `localStorage` and React Native's AsyncStorage, so either can be passed as is;
 * methods may return promises.
 */
export interface StorageLike {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem?(key: string): void | Promise<void>;
}

export type SdkErrorCode =
  | 'FETCH_FAILED'
  | 'HTTP_STATUS'
  | 'UNAUTHORIZED'
  | 'INVALID_DOCUMENT'
  | 'STALE_CONFIG'
  | 'STORAGE_FAILED'
  | 'EVENTS_FAILED'
  | 'EVENTS_REJECTED'
  | 'EVENTS_DROPPED'
  | 'INVALID_ARGUMENT'
  | 'NO_TRANSPORT';

/** Every failure the SDK meets is reported as one of these, and never thrown at the caller. */
export interface SdkError {
  code: SdkErrorCode;
  message: string;
  status?: number;
  /** For EVENTS_DROPPED and EVENTS_REJECTED: how many events. */
  count?: number;
  cause?: unknown;
}

export type ConfigSource = 'server' | 'storage' | 'bootstrap' | 'none';

export interface ClientOptions {
  /** The omnilab base URL (`https://flags.bank.example`); without it the client runs on storage and bootstrap only. */
  url?: string;
  /** A client key: reads one environment's flags and sends its events. */
  clientKey?: string;
  /**
   * Needed with an app key (a client key made with `audience: 'app'`), whose documents carry
   * customer ids as salted hashes: `import { hiddenTargeting } from '@omnilab/sdk/hidden-targeting'`.
   * Without it such a document is refused (INVALID_DOCUMENT) and the client keeps what it had.
   */
  hiddenTargeting?: CompileOptions['hiddenTargeting'];
  appName: string;
  /** The channel this client runs on (`mobile`, `web`, `branch`, `wechat`…), the default for every context. */
  channel?: string;
  environment?: string;
  /** An Unleash client-features document to serve until the server or storage has a configuration. */
  bootstrap?: ClientFeaturesDocument;
  /** Milliseconds between polls; 0 fetches once and never polls. Default 15 000. */
  refreshIntervalMs?: number;
  /** How long a configuration not confirmed by the server is trusted, in ms. Default 7 days. */
  maxStaleMs?: number;
  storage?: StorageLike;
  fetch?: FetchLike;
  onError?: (error: SdkError) => void;
  /** Called after the configuration in use changes, with where it came from. */
  onUpdate?: (source: ConfigSource) => void;
  /** A stream the configuration follows while it is open (`sseStream()` from `@omnilab/sdk/streaming`); polling resumes when it ends. */
  stream?: ConfigStream;
  /** Per-request timeout in ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** Event delivery tuning. */
  events?: {
    /** Send when this many events are queued (at most 500, the endpoint's limit). Default 100. */
    batchSize?: number;
    /** Send what is queued at least this often, in ms. Default 10 000. */
    flushIntervalMs?: number;
    /** Queue bound; beyond it the oldest events are dropped and counted. Default 10 000. */
    maxQueueSize?: number;
    /** How many (customer, experiment, channel) exposures are remembered for deduplication. Default 100 000. */
    maxExposureKeys?: number;
  };
}

export interface ClientStats {
  source: ConfigSource;
  queued: number;
  sent: number;
  dropped: number;
  rejected: number;
}

/** What a configuration stream is handed (`@omnilab/sdk/streaming`); names unmangled: another entry reads them. */
export interface StreamTarget {
  url: string;
  headers: Record<string, string>;
  /** The revision the client holds (its ETag without quotes), for `Last-Event-ID`. */
  lastEventId: string | null;
  document: ClientFeaturesDocument | null;
  /** A new document from the stream, and its revision as an ETag. */
  onDocument(document: ClientFeaturesDocument, etag: string | null): void;
  /** The stream is over (refused, unsupported or failing): the client polls again. */
  onEnd(): void;
}

export interface ConfigStream {
  /** Opens the stream; the function returned closes it. */
  open(target: StreamTarget): () => void;
}
