/**
 * `createClient`, the SDK client: evaluates flags in process on the configuration in use (server,
 * storage, bootstrap), records one exposure per customer, experiment and channel, and queues metric
 * events; it never throws.
 */
import { type CompiledConfig, compile } from '../../shared/evaluation/compile';
import { evaluate } from '../../shared/evaluation/evaluate';
import { NOT_FOUND } from '../../shared/evaluation/results';
import type { ClientFeaturesDocument, Context, EvaluationResult } from '../../shared/model/client-features';
import { ConfigSync } from './config-sync';
import { eventId } from './event-id';
import { EventQueue } from './event-queue';
import { request } from './request';
import { SafeStorage } from './safe-storage';
import type {
  ClientOptions,
  ClientStats,
  ConfigSource,
  FetchLike,
  SdkContext,
  SdkError,
  Variant,
} from './types';

export const SDK_NAME = '@omnilab/sdk';
export const SDK_VERSION = '0.1.0';

const DEFAULT_REFRESH_MS = 15_000;
const DEFAULT_MAX_STALE_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface OmnilabClient {
  /** Resolves once a configuration is in use (server, storage or bootstrap), or the server could not give one; never rejects. */
  ready(): Promise<void>;
  isEnabled(name: string, context?: SdkContext | null, defaultValue?: boolean): boolean;
  getVariant(name: string, context?: SdkContext | null): Variant;
  /** Queues a metric event for experiments (a conversion is value 1). */
  track(metric: string, value?: number, context?: SdkContext | null): void;
  /** Sends every queued event now; resolves when done or failed, never rejects. */
  flush(): Promise<void>;
  /** Stops polling and sending, keeping queued events in storage; evaluation goes on from the last configuration. */
  close(): void;
}

/** What the OpenFeature providers and diagnostics use besides the public API. */
export interface OmnilabClientInternals extends OmnilabClient {
  /** The full evaluation result, with its OpenFeature reason and error code. */
  evaluate(name: string, context?: SdkContext | null): EvaluationResult;
  stats(): ClientStats;
}

function fetchOrGlobal(f: FetchLike | undefined): FetchLike | undefined {
  if (f) return f;
  const g = (globalThis as { fetch?: FetchLike }).fetch;
  // Called detached, a browser's fetch throws "Illegal invocation".
  return g ? (url, init) => g.call(globalThis, url, init) : undefined;
}

/** The default for a positive option, or the caller's value if it is a usable number. */
function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value >= 0 && !Number.isNaN(value) ? value : fallback;
}

/**
 * The context's string properties travel with events: an experiment randomised by household,
 * branch or terminal finds its unit there. At most 20, as the ingestion API accepts.
 */
function unitProperties(props: SdkContext['properties']): Record<string, string> | undefined {
  if (!props) return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const k in props) {
    const v = props[k];
    if (typeof v === 'string' && n++ < 20) out[k] = v;
  }
  return n ? out : undefined;
}

class Client implements OmnilabClientInternals {
  private config_: CompiledConfig | null = null;
  private bootstrapConfig_: CompiledConfig | null = null;
  private source_: ConfigSource = 'none';
  /** Names of the flags that run an experiment in the configuration in use. */
  private experiments_: ReadonlySet<string> = new Set();
  /** Most configurations run no experiment: then the hot path skips even the set lookup. */
  private hasExperiments_ = false;
  /** experiment → channel → customers already exposed. */
  private exposed_ = new Map<string, Map<string, Set<string>>>();
  private exposedCount_ = 0;
  private closed_ = false;
  private readonly channel_: string | undefined;
  private readonly appName_: string;
  private readonly environment_: string | undefined;
  /** Reused for every evaluation that needs the client's defaults merged in: no allocation per call. */
  private readonly scratch_: Context = {
    userId: undefined,
    sessionId: undefined,
    remoteAddress: undefined,
    environment: undefined,
    appName: undefined,
    currentTime: undefined,
    channel: undefined,
    properties: undefined,
  };
  private readonly versionOnly_: Record<string, string> = { appVersion: '' };
  private mergedFrom_: SdkContext['properties'] | undefined;
  private mergedVersion_: string | undefined;
  private merged_: Record<string, unknown> | undefined;
  private readonly defaults_: Context;
  private readonly sync_: ConfigSync;
  private readonly queue_: EventQueue | null;
  private readonly readyPromise_: Promise<void>;
  private readonly maxExposureKeys_: number;

  private readonly options_: ClientOptions;

  constructor(options: ClientOptions) {
    this.options_ = options;
    const report = this.report_;
    this.channel_ = options.channel;
    this.appName_ = options.appName || 'default';
    this.environment_ = options.environment;
    this.defaults_ = Object.freeze({
      channel: this.channel_,
      appName: this.appName_,
      environment: this.environment_,
    });
    const storage = new SafeStorage(options.storage, report);
    const url = options.url?.replace(/\/+$/, '');
    const fetchFn = fetchOrGlobal(options.fetch);
    const timeout = positive(options.requestTimeoutMs, DEFAULT_TIMEOUT_MS);
    const headers: Record<string, string> = {
      'unleash-appname': this.appName_,
      'unleash-sdk': `${SDK_NAME}:${SDK_VERSION}`,
    };
    if (options.clientKey) headers.Authorization = options.clientKey;
    const prefix = `omnilab:${this.environment_ ?? 'default'}:${this.appName_}:`;
    const ev = options.events ?? {};
    this.maxExposureKeys_ = positive(ev.maxExposureKeys, 100_000);

    this.sync_ = new ConfigSync({
      url_: url,
      origin_: `${url ?? ''}|${this.environment_ ?? ''}`,
      headers_: headers,
      fetch_: fetchFn,
      storage_: storage,
      storageKey_: `${prefix}config`,
      refreshIntervalMs_: positive(options.refreshIntervalMs, DEFAULT_REFRESH_MS),
      stream_: options.stream,
      maxStaleMs_: positive(options.maxStaleMs, DEFAULT_MAX_STALE_MS),
      requestTimeoutMs_: timeout,
      install_: (document, source) => {
        const compiled = this.compileReported_(document, source);
        if (compiled) this.use_(compiled, source);
        return compiled !== null;
      },
      promote_: () => this.use_(this.config_!, 'server'),
      fallBack_: () => {
        if (this.bootstrapConfig_) this.use_(this.bootstrapConfig_, 'bootstrap');
        else this.use_(null, 'none');
      },
      source_: () => this.source_,
      report_: report,
    });

    this.queue_ =
      url && fetchFn
        ? new EventQueue({
            post_: (body) =>
              request(
                fetchFn,
                `${url}/api/events`,
                { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body },
                timeout,
              ),
            storage_: storage,
            storageKey_: `${prefix}events`,
            batchSize_: Math.min(Math.max(1, positive(ev.batchSize, 100)), 500),
            flushIntervalMs_: Math.max(1, positive(ev.flushIntervalMs, 10_000)),
            maxQueueSize_: Math.max(1, positive(ev.maxQueueSize, 10_000)),
            report_: report,
          })
        : null;

    // After the queue exists: whether exposures are recorded depends on it.
    if (options.bootstrap) this.bootstrapConfig_ = this.compileReported_(options.bootstrap, 'bootstrap');
    if (this.bootstrapConfig_) this.use_(this.bootstrapConfig_, 'bootstrap');

    const started = this.sync_.start().catch((cause) => {
      report({ code: 'FETCH_FAILED', message: `${cause}`, cause });
    });
    this.readyPromise_ = Promise.race([started, this.sync_.firstAttempt]).then(() => undefined);
  }

  /** Reports to onError; a throwing onError is the caller's bug and must not reach the customer's path. */
  private readonly report_ = (error: SdkError): void => {
    try {
      this.options_.onError?.(error);
    } catch {
      // Deliberately swallowed: nowhere else to report it.
    }
  };

  private compileReported_(document: ClientFeaturesDocument, source: ConfigSource): CompiledConfig | null {
    try {
      // The client's options carry the compile options it takes (hiddenTargeting).
      return compile(document, this.options_);
    } catch (cause) {
      this.report_({
        code: 'INVALID_DOCUMENT',
        message: `${source}: ${cause}`,
        cause,
      });
      return null;
    }
  }

  private use_(config: CompiledConfig | null, source: ConfigSource): void {
    const experiments = new Set<string>();
    if (config)
      for (const f of config.features.values()) if (f.type === 'experiment') experiments.add(f.name);
    this.experiments_ = experiments;
    this.hasExperiments_ = experiments.size > 0 && this.queue_ !== null;
    this.config_ = config;
    this.source_ = source;
    try {
      this.options_.onUpdate?.(source);
    } catch {
      // The caller's listener must not break the sync loop.
    }
  }

  ready(): Promise<void> {
    return this.readyPromise_;
  }

  isEnabled(name: string, context?: SdkContext | null, defaultValue = false): boolean {
    const r = this.evaluate(name, context);
    return r.reason === 'ERROR' ? defaultValue : r.enabled;
  }

  getVariant(name: string, context?: SdkContext | null): Variant {
    return this.evaluate(name, context).variant;
  }

  evaluate(name: string, context?: SdkContext | null): EvaluationResult {
    const config = this.config_;
    if (config === null) return NOT_FOUND;
    const ctx = this.context_(context);
    const r = evaluate(config, name, ctx);
    if (this.hasExperiments_ && r.variant.enabled && this.experiments_.has(name))
      this.expose_(name, r.variant.name, ctx);
    return r;
  }

  /**
   * The caller's context as the evaluator reads it, with the client's channel, appName and
   * environment where the caller gave none, and appVersion as `properties.appVersion`. A context
   * that needs nothing is passed through; otherwise the fields are copied into one reused object.
   */
  private context_(c: SdkContext | null | undefined): Context {
    if (c === undefined || c === null) return this.defaults_;
    if (
      c.appVersion === undefined &&
      (c.channel !== undefined || this.channel_ === undefined) &&
      (c.appName !== undefined || this.appName_ === undefined) &&
      (c.environment !== undefined || this.environment_ === undefined)
    )
      return c;
    const s = this.scratch_;
    s.userId = c.userId;
    s.sessionId = c.sessionId;
    s.remoteAddress = c.remoteAddress;
    s.currentTime = c.currentTime;
    s.channel = c.channel ?? this.channel_;
    s.appName = c.appName ?? this.appName_;
    s.environment = c.environment ?? this.environment_;
    s.properties =
      c.appVersion === undefined ? c.properties : this.withAppVersion_(c.properties, c.appVersion);
    return s;
  }

  private withAppVersion_(props: SdkContext['properties'], appVersion: string): Context['properties'] {
    if (props === undefined || props === null) {
      this.versionOnly_.appVersion = appVersion;
      return this.versionOnly_;
    }
    if (props.appVersion !== undefined) return props;
    // One remembered merge: callers that reuse a properties object merge it once.
    if (props === this.mergedFrom_ && appVersion === this.mergedVersion_)
      return this.merged_ as Context['properties'];
    const merged: Record<string, unknown> = {};
    for (const k in props) merged[k] = props[k];
    merged.appVersion = appVersion;
    this.mergedFrom_ = props;
    this.mergedVersion_ = appVersion;
    this.merged_ = merged;
    return merged as Context['properties'];
  }

  /** One exposure per customer, experiment and channel; the check costs three map lookups. */
  private expose_(experiment: string, variant: string, ctx: Context): void {
    if (this.queue_ === null) return;
    const userId = ctx.userId || ctx.sessionId;
    const channel = ctx.channel;
    if (!userId || !channel) return;
    let byChannel = this.exposed_.get(experiment);
    if (byChannel === undefined) {
      byChannel = new Map();
      this.exposed_.set(experiment, byChannel);
    }
    let users = byChannel.get(channel);
    if (users === undefined) {
      users = new Set();
      byChannel.set(channel, users);
    }
    if (users.has(userId)) return;
    // Bounded memory on a server that sees millions of customers: forgetting means at worst a
    // second exposure for a customer, which the analysis counts by customer, not by event.
    if (this.exposedCount_ >= this.maxExposureKeys_) {
      this.exposed_.clear();
      this.exposedCount_ = 0;
      users = new Set();
      byChannel = new Map([[channel, users]]);
      this.exposed_.set(experiment, byChannel);
    }
    users.add(userId);
    this.exposedCount_++;
    this.queue_.push({
      type: 'exposure',
      id: eventId(),
      timestamp: new Date().toISOString(),
      userId,
      channel,
      appName: this.appName_,
      properties: unitProperties(ctx.properties),
      experiment,
      variant,
    });
  }

  track(metric: string, value = 1, context?: SdkContext | null): void {
    if (typeof metric !== 'string' || metric === '') {
      this.report_({ code: 'INVALID_ARGUMENT', message: 'track: no metric' });
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.report_({ code: 'INVALID_ARGUMENT', message: `track ${metric}: value not finite` });
      return;
    }
    const userId = context?.userId || context?.sessionId;
    const channel = context?.channel ?? this.channel_;
    if (!userId || !channel) {
      this.report_({
        code: 'INVALID_ARGUMENT',
        message: `track ${metric}: no userId or channel`,
      });
      return;
    }
    if (this.queue_ === null) {
      this.report_({ code: 'NO_TRANSPORT', message: `track ${metric}: no url` });
      return;
    }
    this.queue_.push({
      type: 'metric',
      id: eventId(),
      timestamp: new Date().toISOString(),
      userId,
      channel,
      appName: this.appName_,
      properties: unitProperties(context?.properties),
      metric,
      value,
    });
  }

  async flush(): Promise<void> {
    try {
      await this.queue_?.flush();
    } catch (cause) {
      this.report_({ code: 'EVENTS_FAILED', message: `${cause}`, cause });
    }
  }

  close(): void {
    if (this.closed_) return;
    this.closed_ = true;
    this.sync_.stop();
    this.queue_?.close();
  }

  stats(): ClientStats {
    const q = this.queue_;
    return {
      source: this.source_,
      queued: q?.size ?? 0,
      sent: q?.sent ?? 0,
      dropped: q?.dropped ?? 0,
      rejected: q?.rejected ?? 0,
    };
  }
}

/**
 * Creates a client. It never throws, not even on bad options: every failure goes to `onError`,
 * and evaluation falls back along the order of trust (server, storage, bootstrap, the caller's default).
 */
export function createClient(options: ClientOptions): OmnilabClient {
  return new Client(options ?? ({} as ClientOptions));
}
