/**
 * The raw event store's records of one `POST /api/events` batch: each event as received, with the
 * outcome it was answered with (shared/store/raw-event-store.ts). A valid event is kept as
 * validated (a metric event's value as counted); a rejected one keeps the fields it sent that are
 * strings (cut to 256 characters) or a finite value, so the data-quality report can name its
 * channel and day whatever it was. Pure: the receiving time is passed in.
 */
import type { EventOutcome } from '../model/event';
import type { RawEventRecord } from '../store/raw-event-store';
import type { IngestPlan } from './ingest-plan';

const TEXT_FIELDS = [
  'type',
  'timestamp',
  'channel',
  'userId',
  'anonymousId',
  'appName',
  'experiment',
  'variant',
  'metric',
] as const;

const MAX_REJECTED_TEXT = 256;

function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw)
    ? (raw as Record<string, unknown>)
    : {};
}

export interface RawBatch {
  environment: string;
  /** ISO 8601: when the batch was received, by the platform's clock. */
  receivedAt: string;
}

export function rawRecords(
  events: readonly unknown[],
  slots: IngestPlan['slots'],
  outcomes: readonly EventOutcome[],
  batch: RawBatch,
): RawEventRecord[] {
  return slots.map((slot, index) => {
    const outcome = outcomes[index];
    const base = {
      id: slot.id,
      receivedAt: batch.receivedAt,
      environment: batch.environment,
      outcome: outcome.status,
      ...('reason' in outcome && { reason: outcome.reason }),
    };
    const e = slot.event;
    if (e) {
      return {
        ...e,
        ...base,
        ...(slot.value !== undefined && { value: slot.value }),
      } satisfies RawEventRecord;
    }
    const sent = asRecord(events[index]);
    const record: RawEventRecord = { ...base };
    for (const field of TEXT_FIELDS) {
      const v = sent[field];
      if (typeof v === 'string') record[field] = v.slice(0, MAX_REJECTED_TEXT);
    }
    if (typeof sent.value === 'number' && Number.isFinite(sent.value)) record.value = sent.value;
    return record;
  });
}
