/**
 * The SDK's queue of exposures and metric events: kept in storage, sent in batches within the
 * ingestion API's limits, retried with the same ids until the server answers, bounded in size.
 */
import {
  type EventBatchResponse,
  MAX_EVENT_BATCH_BYTES,
  MAX_EVENTS_PER_BATCH,
  type OmnilabEvent,
} from '../../shared/model/event';
import { backoff, parseRetryAfter } from './backoff';
import { unref } from './request';
import type { SafeStorage } from './safe-storage';
import type { FetchResponse, SdkError } from './types';

export interface EventQueueOptions {
  /** Sends one JSON body to the ingestion endpoint; may throw on a network failure. */
  post_: (body: string) => Promise<FetchResponse>;
  storage_: SafeStorage;
  storageKey_: string;
  batchSize_: number;
  flushIntervalMs_: number;
  maxQueueSize_: number;
  report_: (error: SdkError) => void;
}

// Room for the `{"events":[...]}` envelope and for a server that counts a little differently.
const BATCH_BYTE_BUDGET = MAX_EVENT_BATCH_BYTES - 1024;

function isEvent(e: unknown): e is OmnilabEvent {
  return typeof e === 'object' && e !== null && typeof (e as { id?: unknown }).id === 'string';
}

/**
 * Events wait here until the ingestion endpoint has them. A batch leaves the queue only when the
 * server answered it, so a retry resends the same ids and the server counts each event once; while
 * the endpoint is unreachable the queue is kept in storage, and beyond `maxQueueSize` the oldest
 * events are dropped and counted.
 */
export class EventQueue {
  sent = 0;
  dropped = 0;
  rejected = 0;
  private pending_: OmnilabEvent[] = [];
  private inflight_: OmnilabEvent[] = [];
  private failures_ = 0;
  private notBefore_ = 0;
  private blocked_ = false;
  private closed_ = false;
  private dirty_ = false;
  private unreportedDrops_ = 0;
  private soon_ = false;
  private draining_: Promise<void> | null = null;
  private readonly timer_: ReturnType<typeof setInterval>;
  private readonly restored_: Promise<void>;

  private readonly o_: EventQueueOptions;

  constructor(o: EventQueueOptions) {
    this.o_ = o;
    this.restored_ = this.restore_();
    this.timer_ = setInterval(() => this.tick_(), o.flushIntervalMs_);
    unref(this.timer_);
  }

  get size(): number {
    return this.pending_.length + this.inflight_.length;
  }

  push(event: OmnilabEvent): void {
    if (this.closed_) {
      this.o_.report_({ code: 'INVALID_ARGUMENT', message: 'closed: event not queued' });
      return;
    }
    this.pending_.push(event);
    this.dirty_ = true;
    this.trim_();
    if (this.pending_.length >= this.o_.batchSize_) this.flushSoon_();
  }

  /** Sends everything queued now, ignoring any backoff, and resolves when done or failed; never rejects. */
  async flush(): Promise<void> {
    await this.restored_;
    while (this.draining_) await this.draining_;
    this.draining_ = this.drain_().finally(() => {
      this.draining_ = null;
    });
    await this.draining_;
  }

  close(): void {
    if (this.closed_) return;
    this.closed_ = true;
    clearInterval(this.timer_);
    this.reportDrops_();
    void this.persist_();
  }

  private tick_(): void {
    this.reportDrops_();
    if (this.pending_.length > 0 && !this.blocked_ && !this.draining_ && Date.now() >= this.notBefore_) {
      void this.flush();
      return;
    }
    void this.persist_();
  }

  // Sending starts outside the caller's stack: push() runs on the customer's path.
  private flushSoon_(): void {
    if (this.soon_ || this.draining_ || this.blocked_ || Date.now() < this.notBefore_) return;
    this.soon_ = true;
    setTimeout(() => {
      this.soon_ = false;
      void this.flush();
    }, 0);
  }

  private trim_(): void {
    const excess = this.pending_.length + this.inflight_.length - this.o_.maxQueueSize_;
    if (excess <= 0) return;
    const n = Math.min(excess, this.pending_.length);
    this.pending_.splice(0, n);
    this.dropped += n;
    this.unreportedDrops_ += n;
  }

  private reportDrops_(): void {
    if (this.unreportedDrops_ === 0) return;
    const count = this.unreportedDrops_;
    this.unreportedDrops_ = 0;
    this.o_.report_({
      code: 'EVENTS_DROPPED',
      message: `queue full: ${count} events dropped`,
      count,
    });
  }

  private async restore_(): Promise<void> {
    const saved = await this.o_.storage_.read<unknown>(this.o_.storageKey_);
    if (!Array.isArray(saved)) return;
    const events = saved.filter(isEvent);
    if (events.length === 0) return;
    this.pending_ = events.concat(this.pending_);
    this.trim_();
    if (this.pending_.length >= this.o_.batchSize_) this.flushSoon_();
  }

  private async persist_(): Promise<void> {
    if (!this.dirty_ || !this.o_.storage_.available_) return;
    this.dirty_ = false;
    await this.o_.storage_.write(this.o_.storageKey_, this.inflight_.concat(this.pending_));
  }

  /** The next batch: as many of the oldest events as fit the endpoint's count and size limits. */
  private take_(): { batch: OmnilabEvent[]; body: string } {
    const parts: string[] = [];
    let bytes = 0;
    let i = 0;
    while (i < this.pending_.length && parts.length < MAX_EVENTS_PER_BATCH) {
      const json = JSON.stringify(this.pending_[i]);
      // Three bytes per UTF-16 unit bounds the UTF-8 size without encoding: an event without
      // properties is a few hundred bytes, so 500 of them stay far below the limit even so.
      const size = json.length * 3 + 1;
      if (bytes + size > BATCH_BYTE_BUDGET) {
        if (parts.length > 0) break;
        // One event that can never fit a batch would block the queue forever.
        this.pending_.splice(i, 1);
        this.rejected++;
        this.o_.report_({
          code: 'EVENTS_REJECTED',
          message: 'an event larger than a batch was dropped',
          count: 1,
        });
        continue;
      }
      parts.push(json);
      bytes += size;
      i++;
    }
    const batch = this.pending_.splice(0, i);
    return { batch, body: `{"events":[${parts.join(',')}]}` };
  }

  private requeue_(): void {
    this.pending_ = this.inflight_.concat(this.pending_);
    this.inflight_ = [];
    this.trim_();
  }

  private retryLater_(retryAfter: string | null): void {
    this.failures_++;
    const now = Date.now();
    this.notBefore_ =
      now + backoff(this.failures_, this.o_.flushIntervalMs_, parseRetryAfter(retryAfter, now));
    this.requeue_();
  }

  private async drain_(): Promise<void> {
    while (!this.blocked_ && this.pending_.length > 0) {
      const { batch, body } = this.take_();
      if (batch.length === 0) continue;
      this.inflight_ = batch;
      this.dirty_ = true;
      let res: FetchResponse;
      try {
        res = await this.o_.post_(body);
      } catch (cause) {
        this.retryLater_(null);
        this.o_.report_({ code: 'EVENTS_FAILED', message: `events: ${cause}`, cause });
        break;
      }
      const status = res.status;
      if (status >= 200 && status < 300) {
        await this.settle_(res, batch);
        this.failures_ = 0;
        this.notBefore_ = 0;
        continue;
      }
      if (status === 401 || status === 403) {
        this.blocked_ = true;
        this.requeue_();
        this.o_.report_({
          code: 'UNAUTHORIZED',
          status,
          message: `events: ${status}, sending stopped`,
        });
        break;
      }
      if (status === 404 || status === 408 || status === 429 || status >= 500) {
        this.retryLater_(res.headers.get('retry-after'));
        this.o_.report_({ code: 'EVENTS_FAILED', status, message: `events: ${status}` });
        break;
      }
      // Any other 4xx refuses the batch itself: sending it again cannot succeed.
      this.inflight_ = [];
      this.rejected += batch.length;
      this.o_.report_({
        code: 'EVENTS_REJECTED',
        status,
        count: batch.length,
        message: `events: ${status} ${await safeText(res)}`,
      });
    }
    await this.persist_();
  }

  private async settle_(res: FetchResponse, batch: OmnilabEvent[]): Promise<void> {
    this.inflight_ = [];
    let results: EventBatchResponse['results'] = [];
    try {
      const parsed = JSON.parse(await res.text()) as Partial<EventBatchResponse>;
      if (Array.isArray(parsed.results)) results = parsed.results;
    } catch {
      // A 2xx means the server took the batch; without per-event results all count as accepted.
    }
    let rejected = 0;
    let reason = '';
    for (const r of results) {
      if (r?.status !== 'rejected') continue;
      rejected++;
      if (!reason) reason = `${r.id}: ${r.reason}`;
    }
    this.sent += batch.length - rejected;
    if (rejected === 0) return;
    this.rejected += rejected;
    this.o_.report_({
      code: 'EVENTS_REJECTED',
      count: rejected,
      message: `events rejected: ${reason}`,
    });
  }
}

async function safeText(res: FetchResponse): Promise<string> {
  try {
    return (await res.text()).slice(0, 200);
  } catch {
    return '';
  }
}
