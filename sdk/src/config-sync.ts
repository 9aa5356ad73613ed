/**
 * The client's configuration from the server: restored from storage at start, polled with ETag (or
 * followed on a stream), stored when good, backed off on failures, and given up for the next in the
 * order of trust once older than `maxStaleMs`.
 */
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { backoff, parseRetryAfter } from './backoff';
import { request, unref } from './request';
import type { SafeStorage } from './safe-storage';
import type { ConfigSource, ConfigStream, FetchLike, SdkError } from './types';

export interface StoredConfig {
  /** Which server and environment the document came from: another's must never be served. */
  origin: string;
  etag: string | null;
  /** When the server last confirmed this document (200 or 304), ms since the epoch. */
  confirmedAt: number;
  document: ClientFeaturesDocument;
}

export interface ConfigSyncOptions {
  url_: string | undefined;
  origin_: string;
  headers_: Record<string, string>;
  fetch_: FetchLike | undefined;
  storage_: SafeStorage;
  storageKey_: string;
  refreshIntervalMs_: number;
  maxStaleMs_: number;
  requestTimeoutMs_: number;
  /** Puts a document in use; false if it does not compile (already reported). */
  install_: (document: ClientFeaturesDocument, source: ConfigSource) => boolean;
  /** Marks the configuration in use, restored from storage, as confirmed by the server. */
  promote_: () => void;
  /** Drops the configuration in use for the next in the order of trust (bootstrap, then none). */
  fallBack_: () => void;
  source_: () => ConfigSource;
  report_: (error: SdkError) => void;
  /** Followed while open, after a good poll; polling resumes when it ends. */
  stream_?: ConfigStream;
}

/**
 * Keeps the configuration in use as fresh as the server allows: polls with ETag, backs off on
 * 429, 5xx and network failures (never sooner than `Retry-After`), stops on 401 and 403, stores
 * every good document, and falls back when what it has is older than `maxStaleMs`.
 */
export class ConfigSync {
  private etag_: string | null = null;
  private confirmedAt_ = 0;
  private failures_ = 0;
  private stored_: StoredConfig | undefined;
  private stopped_ = false;
  private timer_: ReturnType<typeof setTimeout> | undefined;
  private closeStream_: (() => void) | undefined;
  private settle_!: () => void;
  /** Settles after the first answer (or failure) from the server, or at once without one. */
  readonly firstAttempt = new Promise<void>((resolve) => {
    this.settle_ = resolve;
  });

  constructor(private readonly o_: ConfigSyncOptions) {}

  async start(): Promise<void> {
    await this.restore_();
    if (!this.o_.url_) {
      this.settle_();
      return;
    }
    if (!this.o_.fetch_) {
      this.o_.report_({ code: 'NO_TRANSPORT', message: 'no fetch: pass one to createClient' });
      this.settle_();
      return;
    }
    await this.poll_();
  }

  stop(): void {
    this.stopped_ = true;
    clearTimeout(this.timer_);
    this.closeStream_?.();
    this.settle_();
  }

  private async restore_(): Promise<void> {
    const saved = await this.o_.storage_.read<StoredConfig>(this.o_.storageKey_);
    if (!saved || saved.origin !== this.o_.origin_ || typeof saved.confirmedAt !== 'number') return;
    if (Date.now() - saved.confirmedAt > this.o_.maxStaleMs_) return;
    // A server answer that arrived while storage was being read is fresher than storage.
    if (this.o_.source_() === 'server') return;
    if (!this.o_.install_(saved.document, 'storage')) return;
    this.stored_ = saved;
    this.etag_ = saved.etag;
    this.confirmedAt_ = saved.confirmedAt;
  }

  private schedule_(delayMs: number): void {
    if (this.stopped_ || this.o_.refreshIntervalMs_ <= 0) return;
    this.timer_ = setTimeout(() => void this.poll_(), delayMs);
    unref(this.timer_);
  }

  private async poll_(): Promise<void> {
    if (this.stopped_) return;
    if (this.closeStream_) {
      // An open stream confirms the configuration; the timer only waits for it to end.
      this.confirmedAt_ = Date.now();
      this.schedule_(this.o_.refreshIntervalMs_);
      return;
    }
    const delay = await this.fetchOnce_();
    this.settle_();
    this.checkStale_();
    if (delay !== null && this.failures_ === 0) this.openStream_();
    if (delay !== null) this.schedule_(delay);
  }

  private openStream_(): void {
    const stream = this.o_.stream_;
    if (!stream || this.closeStream_ || this.stopped_) return;
    let open = true;
    const close = stream.open({
      url: `${this.o_.url_}/api/client/streaming`,
      headers: this.o_.headers_,
      lastEventId: this.etag_ ? this.etag_.replace(/^W\/|"/g, '') : null,
      document: this.stored_?.document ?? null,
      onDocument: (document, etag) => {
        if (open) void this.streamed_(document, etag);
      },
      onEnd: () => {
        open = false;
        this.closeStream_ = undefined;
      },
    });
    if (open) this.closeStream_ = close;
  }

  private async streamed_(document: ClientFeaturesDocument, etag: string | null): Promise<void> {
    this.confirmedAt_ = Date.now();
    if (etag && etag === this.etag_) return;
    if (!this.o_.install_(document, 'server')) return;
    this.etag_ = etag;
    this.stored_ = { origin: this.o_.origin_, etag, confirmedAt: this.confirmedAt_, document };
    await this.o_.storage_.write(this.o_.storageKey_, this.stored_);
  }

  /** One poll; the delay before the next, or null to stop polling. */
  private async fetchOnce_(): Promise<number | null> {
    const headers = { ...this.o_.headers_ };
    if (this.etag_) headers['If-None-Match'] = this.etag_;
    let res: Awaited<ReturnType<FetchLike>>;
    try {
      res = await request(
        this.o_.fetch_!,
        `${this.o_.url_}/api/client/features`,
        { method: 'GET', headers },
        this.o_.requestTimeoutMs_,
      );
    } catch (cause) {
      return this.failed_({ code: 'FETCH_FAILED', message: `flags: ${cause}`, cause });
    }
    if (this.stopped_) return null;
    const status = res.status;
    if (status === 304) return this.confirmed_();
    if (status === 200) return this.received_(res);
    if (status === 401 || status === 403) {
      this.o_.report_({
        code: 'UNAUTHORIZED',
        status,
        message: `flags: ${status}, polling stopped`,
      });
      return null;
    }
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'), Date.now());
    return this.failed_(
      { code: 'HTTP_STATUS', status, message: `fetching flags answered ${status}` },
      retryAfter,
    );
  }

  private failed_(error: SdkError, retryAfterMs?: number): number {
    this.failures_++;
    this.o_.report_(error);
    return backoff(this.failures_, this.o_.refreshIntervalMs_, retryAfterMs);
  }

  private confirmed_(): number {
    this.failures_ = 0;
    this.confirmedAt_ = Date.now();
    if (this.o_.source_() === 'storage') this.o_.promote_();
    // Only staleness across restarts needs the stored time, so it is rewritten rarely, not per poll.
    const saved = this.stored_;
    if (saved && this.confirmedAt_ - saved.confirmedAt > Math.min(this.o_.maxStaleMs_ / 100, 60_000)) {
      saved.confirmedAt = this.confirmedAt_;
      void this.o_.storage_.write(this.o_.storageKey_, saved);
    }
    return this.o_.refreshIntervalMs_;
  }

  private async received_(res: Awaited<ReturnType<FetchLike>>): Promise<number> {
    let document: ClientFeaturesDocument;
    try {
      document = JSON.parse(await res.text());
    } catch (cause) {
      return this.failed_({ code: 'INVALID_DOCUMENT', message: `flags: ${cause}`, cause });
    }
    if (!this.o_.install_(document, 'server')) {
      this.failures_++;
      return backoff(this.failures_, this.o_.refreshIntervalMs_, undefined);
    }
    this.failures_ = 0;
    this.etag_ = res.headers.get('etag');
    this.confirmedAt_ = Date.now();
    this.stored_ = { origin: this.o_.origin_, etag: this.etag_, confirmedAt: this.confirmedAt_, document };
    await this.o_.storage_.write(this.o_.storageKey_, this.stored_);
    return this.o_.refreshIntervalMs_;
  }

  private checkStale_(): void {
    const source = this.o_.source_();
    if (source !== 'server' && source !== 'storage') return;
    const age = Date.now() - this.confirmedAt_;
    if (age <= this.o_.maxStaleMs_) return;
    // Without the document, a 304 could not restore it: ask for the whole of it next time.
    this.etag_ = null;
    this.o_.fallBack_();
    this.o_.report_({
      code: 'STALE_CONFIG',
      message: `flags unconfirmed for ${age} ms`,
    });
  }
}
