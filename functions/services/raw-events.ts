/**
 * Keeping a batch's raw events (shared/store/raw-event-store.ts) after its outcomes are known and
 * before the answer. The append is tried twice; if it still fails the request answers 503 and the
 * sender sends the whole batch again. The statistics are committed by then, so the events the
 * first attempt accepted are answered `duplicate` the second time and kept raw with that outcome,
 * with every field as sent: readers take an id's first accepted or stored record, and an id with
 * none but a duplicate one from its first duplicate (docs/experiments.md, "Raw events"), so no
 * accepted event is lost. Records written twice (an append that failed half-way) are deduped by id.
 */
import { ServiceUnavailableError } from '../../shared/model/errors';
import type { RawEventRecord, RawEventStore } from '../../shared/store/raw-event-store';
import { errorFields, logger } from '../runtime/logger';

export const RAW_APPEND_ATTEMPTS = 2;

export async function keepRawEvents(
  store: RawEventStore,
  records: readonly RawEventRecord[],
  options: { sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  if (records.length === 0) return;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      await store.append(records);
      return;
    } catch (e) {
      if (attempt >= RAW_APPEND_ATTEMPTS) {
        logger.error('the raw event store refused the batch: answered 503', {
          records: records.length,
          error: errorFields(e),
        });
        throw new ServiceUnavailableError(
          'events: the raw event store is unavailable; send the batch again (nothing is counted twice)',
          1,
        );
      }
      await sleep(200);
    }
  }
}
