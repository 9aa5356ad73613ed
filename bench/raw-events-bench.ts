/**
 * `npm run bench -- raw-events`: what keeping every raw event costs ingestion. The events handler's
 * path (plan, exactly-once store into DynamoDB Local, outcomes) without the lake and with it (the
 * raw records built and appended to the local JSONL lake before the answer), batch by batch,
 * alternating the two modes in the same run with the same concurrent senders; and the raw append
 * alone. Firehose on AWS is not measured here (no AWS in this run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTable } from '../cli/format-table';
import { DynamoDbClient } from '../functions/aws/dynamodb-client';
import { keepRawEvents } from '../functions/services/raw-events';
import { createDynamoEventStore } from '../functions/stores/dynamo-event-store';
import { createLocalRawEventStore } from '../functions/stores/local-raw-event-store';
import { tableName } from '../functions/tables/tables';
import { createTables } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { experimentAssignment } from '../shared/experiments/assignment';
import { type PlanContext, planIngestion } from '../shared/experiments/ingest-plan';
import { rawRecords } from '../shared/experiments/raw-records';
import type { EventOutcome } from '../shared/model/event';
import type { RawEventRecord } from '../shared/store/raw-event-store';
import { CATALOGUE, CHANNELS, rawBenchEvents, VERIFY_EXPERIMENT, VERIFY_START } from './ingestion-bench';

export interface RawEventsBenchResult {
  events: number;
  concurrency: number;
  /** Plan + store + outcomes, without keeping raw events. */
  withoutLakeEventsPerSecond: number;
  /** The same, with the raw records built and appended to the local lake before the answer. */
  withLakeEventsPerSecond: number;
  /** 1 − with/without. */
  overhead: number;
  /** In the with-lake mode: the mean time one batch's raw write took, and its share of the mode's time. */
  rawWriteMsPerBatch: number;
  rawWriteShare: number;
  /** Building the records and appending them alone, events/s (one sender). */
  appendEventsPerSecond: number;
  /** Bytes per event in the JSONL lake. */
  bytesPerEvent: number;
}

const BATCH = 500;

export async function runRawEventsBench(
  options: { events?: number; concurrency?: number } = {},
): Promise<RawEventsBenchResult> {
  const total = options.events ?? 10_000;
  const concurrency = options.concurrency ?? 4;
  const db = await startDynamoDbLocal();
  const root = mkdtempSync(join(tmpdir(), 'omnilab-raw-bench-'));
  const client = new DynamoDbClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 10,
  });
  try {
    await createTables(client, 'rawbench-');
    const store = createDynamoEventStore(client, { table: tableName('rawbench-', 'events') });
    const lake = createLocalRawEventStore({ root: join(root, 'lake') });
    const ctx: PlanContext = {
      experiments: new Map([[VERIFY_EXPERIMENT.key, VERIFY_EXPERIMENT]]),
      catalogue: new Map(CATALOGUE.map((m) => [m.key, m])),
      channels: CHANNELS,
      now: VERIFY_START + total * 1000,
      environment: 'production',
      assign: experimentAssignment(VERIFY_EXPERIMENT),
    };
    const events = { off: rawBenchEvents(total, 'off', 11), on: rawBenchEvents(total, 'on', 11) };
    const receivedAt = new Date(ctx.now).toISOString();
    let rawMs = 0;
    let rawBatches = 0;
    // What the handler does per batch, the raw write included or not.
    const handle = async (batch: unknown[], keep: boolean) => {
      const plan = planIngestion(batch, ctx);
      const stored = await store.ingest(plan.accepted, CATALOGUE);
      const results: EventOutcome[] = plan.slots.map(
        (s) => s.outcome ?? { id: s.id, status: stored.get(s.id) ?? 'duplicate' },
      );
      if (keep) {
        const t = performance.now();
        await keepRawEvents(
          lake,
          rawRecords(batch, plan.slots, results, { environment: 'production', receivedAt }),
        );
        rawMs += performance.now() - t;
        rawBatches++;
      }
      return results;
    };
    // Warm both paths up (JIT, table, files) on a batch not counted.
    await handle(rawBenchEvents(BATCH, 'warm', 3), true);
    rawMs = 0;
    rawBatches = 0;
    const ms = { off: 0, on: 0 };
    const batches = Math.ceil(total / BATCH);
    for (let b = 0; b < batches; b += concurrency) {
      const order = (b / concurrency) % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
      for (const mode of order) {
        const t = performance.now();
        await Promise.all(
          Array.from({ length: Math.min(concurrency, batches - b) }, (_, k) => {
            const start = (b + k) * BATCH;
            return handle(events[mode].slice(start, start + BATCH), mode === 'on');
          }),
        );
        ms[mode] += performance.now() - t;
      }
    }
    // The raw write alone: records of already planned batches, appended one batch at a time.
    const appendLake = createLocalRawEventStore({ root: join(root, 'append') });
    const planned = Array.from({ length: batches }, (_, b) => {
      const batch = events.on.slice(b * BATCH, (b + 1) * BATCH);
      const plan = planIngestion(batch, ctx);
      return { batch, plan };
    });
    let bytes = 0;
    const t = performance.now();
    for (const { batch, plan } of planned) {
      const records: RawEventRecord[] = rawRecords(
        batch,
        plan.slots,
        plan.slots.map((s) => s.outcome ?? { id: s.id, status: 'accepted' }),
        { environment: 'production', receivedAt },
      );
      await appendLake.append(records);
      for (const r of records) bytes += JSON.stringify(r).length + 1;
    }
    const appendMs = performance.now() - t;
    const rate = (n: number, m: number) => n / (m / 1000);
    const without = rate(total, ms.off);
    const withLake = rate(total, ms.on);
    return {
      events: total,
      concurrency,
      withoutLakeEventsPerSecond: without,
      withLakeEventsPerSecond: withLake,
      overhead: 1 - withLake / without,
      // Concurrent batches overlap, so the share is of the summed batch times in the mode.
      rawWriteMsPerBatch: rawMs / rawBatches,
      rawWriteShare: rawMs / (ms.on * concurrency),
      appendEventsPerSecond: rate(total, appendMs),
      bytesPerEvent: bytes / total,
    };
  } finally {
    client.destroy();
    await db.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatRawEventsBench(r: RawEventsBenchResult): string {
  return [
    `Raw event store overhead on ingestion (${r.events} events per mode, ${r.concurrency} concurrent senders, modes alternating batch by batch):`,
    formatTable([
      { measure: 'plan + exactly-once store, events/s', value: r.withoutLakeEventsPerSecond.toFixed(0) },
      { measure: 'the same + raw records to the local lake', value: r.withLakeEventsPerSecond.toFixed(0) },
      { measure: 'throughput lost to the lake', value: `${(r.overhead * 100).toFixed(1)}%` },
      { measure: 'raw write per batch of 500 (with the lake), ms', value: r.rawWriteMsPerBatch.toFixed(2) },
      { measure: "raw write's share of a batch's time", value: `${(r.rawWriteShare * 100).toFixed(1)}%` },
      {
        measure: 'raw records built and appended alone, events/s',
        value: r.appendEventsPerSecond.toFixed(0),
      },
      { measure: 'JSONL bytes per event', value: r.bytesPerEvent.toFixed(0) },
    ]),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  runRawEventsBench({ events: Number(process.env.BENCH_EVENTS ?? 10_000) }).then((r) =>
    console.log(formatRawEventsBench(r)),
  );
}
