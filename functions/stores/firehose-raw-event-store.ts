/**
 * The raw event store on AWS: each record is one JSON line put on a Kinesis Data Firehose delivery
 * stream, which converts it to Parquet (the Glue table's schema) and writes it under
 * `events/` or `rejected/`, `environment=<env>/day=<YYYY-MM-DD>/` (dynamic partitioning), in the
 * lake bucket (infra/constructs/raw-event-lake.ts). `PutRecordBatch` over signed fetch
 * (functions/aws/aws-request.ts) rather than the Firehose client, which would add to the events
 * bundle what the audit anchor avoided. Events are packed as JSON lines into Firehose records of
 * at most 500 events and 1,000 KiB, which the stream deaggregates (JSON) before partitioning:
 * Firehose bills each record rounded up to 5 KB, and one event is a few hundred bytes. A call takes
 * 500 records and 4 MiB at most; records the service refuses in a call (throttling) are put again,
 * up to `attempts` times, then the append fails (the caller answers 503 and the sender retries the
 * whole batch: readers dedupe by id).
 */
import type { RawEventLocation, RawEventRecord, RawEventStore } from '../../shared/store/raw-event-store';
import { awsRequest, type CredentialSource, credentialsFromEnv } from '../aws/aws-request';

export interface FirehoseRawEventStoreOptions {
  stream: string;
  region: string;
  location: Extract<RawEventLocation, { kind: 's3' }>;
  credentials?: CredentialSource;
  /** Tests: a local stand-in for Firehose (http). */
  endpoint?: string;
  /** Calls per chunk before the append fails (default 3). */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RECORDS = 500;
const MAX_BYTES = 4 * 1024 * 1024 - 64 * 1024;
/** Firehose's deaggregation splits at most 500 JSON objects out of one record of at most 1,000 KiB. */
const EVENTS_PER_RECORD = 500;
const MAX_RECORD_BYTES = 1000 * 1024 - 1024;

/** Events as JSON lines, packed into Firehose records' data (base64) of at most 500 events and 1,000 KiB. */
export function firehoseRecords(records: readonly RawEventRecord[]): string[] {
  const out: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (lines.length > 0) out.push(Buffer.from(lines.join(''), 'utf8').toString('base64'));
    lines = [];
    bytes = 0;
  };
  for (const record of records) {
    const line = `${JSON.stringify(record)}\n`;
    const size = Buffer.byteLength(line, 'utf8');
    if (lines.length === EVENTS_PER_RECORD || bytes + size > MAX_RECORD_BYTES) flush();
    lines.push(line);
    bytes += size;
  }
  flush();
  return out;
}

/** The error Firehose's refusal or unavailability becomes: the events handler answers 503. */
export class RawEventsUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

interface PutRecordBatchAnswer {
  FailedPutCount?: number;
  RequestResponses?: { ErrorCode?: string; RecordId?: string }[];
}

/** Firehose records in calls of at most 500 records and 4 MiB of base64 data. */
export function firehoseChunks(records: readonly RawEventRecord[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const data of firehoseRecords(records)) {
    if (current.length > 0 && (current.length === MAX_RECORDS || bytes + data.length > MAX_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(data);
    bytes += data.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function createFirehoseRawEventStore(options: FirehoseRawEventStoreOptions): RawEventStore {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const local = options.endpoint ? new URL(options.endpoint) : undefined;

  async function put(data: readonly string[]): Promise<string[]> {
    const res = await awsRequest(
      {
        service: 'firehose',
        region: options.region,
        method: 'POST',
        host: local ? local.host : `firehose.${options.region}.amazonaws.com`,
        path: '/',
        ...(local ? { protocol: local.protocol === 'http:' ? 'http:' : 'https:' } : {}),
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Firehose_20150804.PutRecordBatch',
        },
        body: JSON.stringify({
          DeliveryStreamName: options.stream,
          Records: data.map((Data) => ({ Data })),
        }),
      },
      options.credentials ?? credentialsFromEnv(),
    );
    if (!res.ok) {
      // Throttled or unavailable: the whole call again.
      if (res.status === 429 || res.status >= 500) return [...data];
      throw new RawEventsUnavailableError(`Firehose PutRecordBatch answered ${res.status}`);
    }
    const answer = (await res.json()) as PutRecordBatchAnswer;
    if (!answer.FailedPutCount) return [];
    const responses = answer.RequestResponses ?? [];
    return data.filter((_, i) => responses[i]?.ErrorCode !== undefined);
  }

  return {
    async append(records) {
      for (const chunk of firehoseChunks(records)) {
        let pending: string[] = chunk;
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > attempts)
            throw new RawEventsUnavailableError(
              `Firehose refused ${pending.length} raw event records ${attempts} times`,
            );
          if (attempt > 1) await sleep(100 * 2 ** (attempt - 2));
          pending = await put(pending);
        }
      }
    },
    location: () => options.location,
  };
}
