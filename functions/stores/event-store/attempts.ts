/**
 * The event store's attempt loop and concurrency pool: rounds run until nothing is left, a round
 * that resolves nothing counts against the attempts, and after a failed round a short randomised
 * pause grows while no round makes progress.
 */

import { TransactionCanceledException } from '../../aws/dynamodb-errors';
import { classifyAwsError } from '../../aws/transient-error';

/**
 * Whether a failed DynamoDB call may succeed if tried again: a cancelled transaction (a condition
 * or a concurrent writer: the next round reads again), a transient error, or no answer at all.
 */
export function isRetryable(e: unknown): boolean {
  return e instanceof TransactionCanceledException || classifyAwsError(e) !== 'permanent';
}

/** Runs the tasks, at most `atOnce` at a time; results in the tasks' order. */
export async function runAll<T>(tasks: (() => Promise<T>)[], atOnce: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, tasks.length) }, worker));
  return results;
}

export interface RoundsOptions {
  maxAttempts: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface RoundResult {
  /** The round resolved something (resets the count of stalled rounds). */
  progressed: boolean;
  /** The round failed in part: the next one waits a little first. */
  failed: boolean;
}

/**
 * Runs `round` while `remaining()` is above zero. Only a round that failed without resolving
 * anything counts against the attempts: a round that commits part of the work and defers the rest
 * is progress, however many rounds the work takes. `exhausted` is thrown when the attempts run out.
 */
export async function runRounds(
  options: RoundsOptions,
  remaining: () => number,
  round: () => Promise<RoundResult>,
  exhausted: (left: number) => Error,
): Promise<void> {
  let stalled = 0;
  let failed = false;
  while (remaining() > 0) {
    if (stalled >= options.maxAttempts) throw exhausted(remaining());
    // After a failed round: a short pause while others make progress, growing while none does.
    if (failed) await options.sleep(Math.min(2000, 25 * 2 ** stalled) * (0.5 + options.random()));
    const result = await round();
    failed = result.failed;
    stalled = result.progressed ? 0 : stalled + 1;
  }
}
