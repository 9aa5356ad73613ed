/**
 * The SDK's HTTP call with a timeout (aborted where the runtime can abort), and timers that never keep
 * a Node process alive.
 */
import type { FetchInit, FetchLike, FetchResponse } from './types';

/**
 * One HTTP request that gives up after `timeoutMs`: aborted where AbortController exists, and
 * otherwise merely no longer waited for, so a hung connection never holds back ready() or a flush.
 */
export function request(
  fetchFn: FetchLike,
  url: string,
  init: FetchInit,
  timeoutMs: number,
): Promise<FetchResponse> {
  const Controller = (globalThis as { AbortController?: typeof AbortController }).AbortController;
  const controller = Controller ? new Controller() : undefined;
  if (controller) init.signal = controller.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort();
      reject(new Error(`timeout ${timeoutMs} ms`));
    }, timeoutMs);
    unref(timer);
  });
  return Promise.race([Promise.resolve().then(() => fetchFn(url, init)), timeout]).finally(() =>
    clearTimeout(timer),
  );
}

/** Keeps a Node process from staying alive for the SDK's timers alone. */
export function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}
