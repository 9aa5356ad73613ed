/**
 * Retries as the AWS SDK's standard mode makes them (@smithy/core's retry module, read at version
 * 3.41): a throttling or transient error is retried up to `maxAttempts` in all, after
 * random() × min(base × 2^retries, 20 s) with base 1 s for throttling and 50 ms otherwise, while
 * a client-wide quota of 500 lasts (a throttling retry costs 5, any other 14; a success gives back
 * what its retries cost, or 1). Which errors are transient, and which of them throttling, is
 * functions/aws/transient-error.ts's one list (the SDK's, with DynamoDB's TransactionConflict and
 * any 5xx but 501 added); anything else, a 501 included, is thrown at once.
 */
import { classifyAwsError, isThrottlingAwsError } from './transient-error';

export type RetryKind = 'throttling' | 'transient' | 'none';

interface ErrorFields {
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown; totalRetryDelay?: unknown };
}

function fields(e: unknown): ErrorFields {
  return e && typeof e === 'object' ? e : {};
}

/**
 * How the retry policy sees an error: the one classification (functions/aws/transient-error.ts)
 * says whether it is transient, and of those the throttling ones wait from a longer base.
 */
export function retryKind(error: unknown): RetryKind {
  if (classifyAwsError(error) !== 'transient') return 'none';
  return isThrottlingAwsError(error) ? 'throttling' : 'transient';
}

const MAX_DELAY_MS = 20_000;
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const INITIAL_QUOTA = 500;
const COST = 14;
const THROTTLING_COST = 5;

export interface RetryPolicyOptions {
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

function record(error: unknown, attempts: number, totalRetryDelay: number): void {
  const e = fields(error);
  if (e.$metadata && typeof e.$metadata === 'object') {
    e.$metadata.attempts = attempts;
    e.$metadata.totalRetryDelay = totalRetryDelay;
  }
}

export class RetryPolicy {
  private quota = INITIAL_QUOTA;
  constructor(private readonly options: RetryPolicyOptions) {}

  /** The delay before retry number `retries` (0 for the first retry), as the SDK computes it. */
  delay(kind: Exclude<RetryKind, 'none'>, retries: number): number {
    const base = kind === 'throttling' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
    return Math.floor(this.options.random() * Math.min(base * 2 ** retries, MAX_DELAY_MS));
  }

  /** Runs `attempt` (given its 1-based number) until it succeeds or may not be retried. */
  async run<T>(attempt: (n: number) => Promise<T>): Promise<T> {
    let spent = 0;
    let waited = 0;
    for (let n = 1; ; n++) {
      try {
        const out = await attempt(n);
        this.quota = Math.min(INITIAL_QUOTA, this.quota + (spent > 0 ? spent : 1));
        return out;
      } catch (e) {
        const kind = retryKind(e);
        const cost = kind === 'throttling' ? THROTTLING_COST : COST;
        if (kind === 'none' || n >= this.options.maxAttempts || this.quota < cost) {
          record(e, n, waited);
          throw e;
        }
        this.quota -= cost;
        spent = cost;
        const ms = this.delay(kind, n - 1);
        waited += ms;
        await this.options.sleep(ms);
      }
    }
  }
}
