/**
 * Exactly-once ingestion into DynamoDB Local, next to the raw BatchWriteItem item rate of the same
 * DynamoDB Local in the same run (the engine's ceiling on this machine), the DynamoDB item writes
 * per event (the bill on AWS), and the time to read one experiment's statistics as events grow.
 * Then the cost of checking each exposure against the platform's own assignment: the ingestion
 * plan, and plan plus store, with the check on and off, alternating batches in the same run.
 */

import { pathToFileURL } from 'node:url';
import { formatTable } from '../cli/format-table';
import { progressBar } from '../cli/progress';
import {
  BatchWriteItemCommand,
  DynamoDbClient,
  TransactWriteItemsCommand,
} from '../functions/aws/dynamodb-client';
import { marshallItem } from '../functions/aws/dynamodb-document';
import { createDynamoEventStore } from '../functions/stores/dynamo-event-store';
import { tableName } from '../functions/tables/tables';
import { createTables } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { experimentAssignment } from '../shared/experiments/assignment';
import {
  type PlanContext,
  type PreparedEvent,
  planIngestion,
  unitKey,
} from '../shared/experiments/ingest-plan';
import type { OmnilabEvent } from '../shared/model/event';
import type { Experiment } from '../shared/model/experiment';
import type { MetricDefinition } from '../shared/model/metric';
import { seededRandom } from './workload';

export interface IngestionBenchResult {
  rawItemsPerSecond: number;
  eventsPerSecond: number;
  ratioToRaw: number;
  itemWritesPerEvent: number;
  events: number;
  reads: { events: number; ms: number; cells: number }[];
  /** Exposure verification on and off, measured in the same run. */
  verification: VerificationBenchResult;
}

export interface VerificationBenchResult {
  /** Raw events per mode through plan and store; the plan alone runs over them `planRounds` times. */
  events: number;
  exposureShare: number;
  planRounds: number;
  planOffEventsPerSecond: number;
  planOnEventsPerSecond: number;
  ingestOffEventsPerSecond: number;
  ingestOnEventsPerSecond: number;
}

export const CATALOGUE: MetricDefinition[] = [
  {
    key: 'loan_application_submitted',
    name: 'Loan',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  { key: 'csat_score', name: 'CSAT', kind: 'mean', direction: 'higher-is-better', unit: 'points' },
  {
    key: 'complaint_filed',
    name: 'Complaints',
    kind: 'count',
    direction: 'lower-is-better',
    unit: 'complaints',
  },
];
export const CHANNELS = ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'];

/** Customers who are exposed once to experiment `bench`, then act a few times on any channel. */
export function* benchEvents(total: number, seed: number): Generator<PreparedEvent> {
  const rnd = seededRandom(seed);
  let n = 0;
  for (let c = 0; n < total; c++) {
    const unit = unitKey('production', 'customer', `customer-${seed}-${c}`);
    const at = 1_700_000_000_000 + c * 1000;
    const variant = rnd() < 0.5 ? 'control' : 'treatment';
    yield {
      id: `x-${seed}-${c}`,
      units: [unit],
      exposure: { id: `x-${seed}-${c}`, experiment: 'bench', variant, channel: CHANNELS[c % 6], at },
    };
    n++;
    const more = Math.floor(rnd() * 4);
    for (let i = 0; i < more && n < total; i++, n++) {
      const metric = CATALOGUE[Math.floor(rnd() * CATALOGUE.length)];
      const value = metric.kind === 'mean' ? BigInt(10000 * (1 + Math.floor(rnd() * 5))) : 10000n;
      yield {
        id: `m-${seed}-${c}-${i}`,
        units: [unit],
        metric: { id: `m-${seed}-${c}-${i}`, metric: metric.key, value, at: at + 10 + i },
      };
    }
  }
}

export const VERIFY_START = 1_700_000_000_000;
export const VERIFY_EXPERIMENT: Experiment = {
  key: 'bench-verify',
  name: 'Verification benchmark',
  hypothesis: 'Checking assignment costs little',
  squad: 'bench',
  environment: 'production',
  trafficPercent: 100,
  channels: CHANNELS,
  unit: 'customer',
  variants: [
    { name: 'control', weight: 1 },
    { name: 'treatment', weight: 1 },
  ],
  primaryMetric: 'loan_application_submitted',
  secondaryMetrics: [],
  guardrails: [],
  status: 'running',
  startedAt: new Date(VERIFY_START - 1000).toISOString(),
  analysis: { sequential: true, alpha: 0.05, cuped: false },
};

/** Raw events as channels send them: each customer exposed once (with the platform's variant), then acting. */
export function rawBenchEvents(total: number, prefix: string, seed: number): OmnilabEvent[] {
  const rnd = seededRandom(seed);
  const assign = experimentAssignment(VERIFY_EXPERIMENT);
  const out: OmnilabEvent[] = [];
  for (let c = 0; out.length < total; c++) {
    const userId = `${prefix}-customer-${c}`;
    const channel = CHANNELS[c % 6];
    const at = VERIFY_START + c * 1000;
    out.push({
      id: `${prefix}-x-${c}`,
      type: 'exposure',
      timestamp: new Date(at).toISOString(),
      userId,
      channel,
      experiment: VERIFY_EXPERIMENT.key,
      variant: assign(VERIFY_EXPERIMENT.key, { userId, channel }) ?? 'control',
    });
    const more = Math.floor(rnd() * 4);
    for (let i = 0; i < more && out.length < total; i++) {
      const metric = CATALOGUE[Math.floor(rnd() * CATALOGUE.length)];
      out.push({
        id: `${prefix}-m-${c}-${i}`,
        type: 'metric',
        timestamp: new Date(at + 10 + i).toISOString(),
        userId,
        channel: CHANNELS[Math.floor(rnd() * 6)],
        metric: metric.key,
        value: metric.kind === 'mean' ? 1 + Math.floor(rnd() * 5) : 1,
      });
    }
  }
  return out;
}

async function verificationBench(
  store: ReturnType<typeof createDynamoEventStore>,
  total: number,
  concurrency: number,
): Promise<VerificationBenchResult> {
  const base: PlanContext = {
    experiments: new Map([[VERIFY_EXPERIMENT.key, VERIFY_EXPERIMENT]]),
    catalogue: new Map(CATALOGUE.map((m) => [m.key, m])),
    channels: CHANNELS,
    now: VERIFY_START + total * 1000,
    environment: 'production',
  };
  const modes = {
    off: base,
    // As the events handler builds it: the served flags compiled once per cache period.
    on: { ...base, assign: experimentAssignment(VERIFY_EXPERIMENT) },
  };
  const events = { off: rawBenchEvents(total, 'off', 7), on: rawBenchEvents(total, 'on', 7) };
  const exposureShare = events.on.filter((e) => e.type === 'exposure').length / total;

  // The plan alone (pure CPU), alternating modes so that neither gets a warmer machine.
  const planRounds = 5;
  const planMs = { off: 0, on: 0 };
  for (let r = 0; r < planRounds + 1; r++) {
    for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const t = performance.now();
      for (let i = 0; i < total; i += 500) {
        const plan = planIngestion(events[mode].slice(i, i + 500), modes[mode]);
        if (plan.decided.length > 0)
          throw new Error(`benchmark events refused: ${JSON.stringify(plan.decided[0])}`);
      }
      // The first round warms the JIT up and is not counted.
      if (r > 0) planMs[mode] += performance.now() - t;
    }
  }

  // Plan and store, batch by batch, alternating modes, with the same concurrent senders.
  const ingestMs = { off: 0, on: 0 };
  const batches = Math.ceil(total / 500);
  const step = concurrency;
  for (let b = 0; b < batches; b += step) {
    for (const mode of (b / step) % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const t = performance.now();
      await Promise.all(
        Array.from({ length: Math.min(step, batches - b) }, async (_, k) => {
          const start = (b + k) * 500;
          const plan = planIngestion(events[mode].slice(start, start + 500), modes[mode]);
          await store.ingest(plan.accepted, CATALOGUE);
        }),
      );
      ingestMs[mode] += performance.now() - t;
    }
  }
  const rate = (n: number, ms: number) => n / (ms / 1000);
  return {
    events: total,
    exposureShare,
    planRounds,
    planOffEventsPerSecond: rate(total * planRounds, planMs.off),
    planOnEventsPerSecond: rate(total * planRounds, planMs.on),
    ingestOffEventsPerSecond: rate(total, ingestMs.off),
    ingestOnEventsPerSecond: rate(total, ingestMs.on),
  };
}

async function rawRate(
  client: DynamoDbClient,
  table: string,
  items: number,
  concurrency: number,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < items) {
      const base = next;
      next += 25;
      const batch = Array.from({ length: Math.min(25, items - base) }, (_, i) => ({
        PutRequest: { Item: marshallItem({ pk: `RAW#${base + i}`, sk: 'x', payload: 'y'.repeat(100) }) },
      }));
      let request: Record<string, typeof batch> | undefined = { [table]: batch };
      while (request && Object.keys(request).length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return items / ((performance.now() - start) / 1000);
}

export async function runIngestionBench(
  options: { events?: number; concurrency?: number } = {},
): Promise<IngestionBenchResult> {
  const total = options.events ?? 20_000;
  const concurrency = options.concurrency ?? 4;
  const db = await startDynamoDbLocal();
  const client = new DynamoDbClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 10,
  });
  let itemWrites = 0;
  // Count what DynamoDB bills for: every item a transaction writes.
  client.use(async (command, next) => {
    if (command instanceof TransactWriteItemsCommand) itemWrites += command.input.TransactItems.length;
    return next();
  });
  try {
    await createTables(client, 'bench-');
    const table = tableName('bench-', 'events');
    const rawItemsPerSecond = await rawRate(client, table, 10_000, concurrency);
    const store = createDynamoEventStore(client, { table });
    const reads: IngestionBenchResult['reads'] = [];
    const measureRead = async (events: number) => {
      const samples: number[] = [];
      let cells = (await store.readCells('bench')).size;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        cells = (await store.readCells('bench')).size;
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      reads.push({ events, ms: samples[2], cells });
    };
    const all = [...benchEvents(total, 1)];
    // The first 1,000 events alone, to read the statistics at that size.
    await store.ingest(all.slice(0, 1000), CATALOGUE);
    let done = 1000;
    await measureRead(done);
    const rest = all.slice(1000);
    const batches: PreparedEvent[][] = [];
    for (let i = 0; i < rest.length; i += 500) batches.push(rest.slice(i, i + 500));
    const checkpoints = [10_000, 100_000, 1_000_000].filter((c) => c < total);
    const bar = progressBar(batches.length, 'Ingesting');
    const writesBefore = itemWrites;
    let ingestMs = 0;
    let next = 0;
    // Concurrent senders, as several Lambda instances would be; paused at each checkpoint to read.
    while (next < batches.length) {
      const target = checkpoints.find((c) => c > done) ?? total;
      const end = Math.min(batches.length, Math.ceil((target - 1000) / 500));
      const t = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < end) {
            const batch = batches[next++];
            await store.ingest(batch, CATALOGUE);
            done += batch.length;
            bar.tick();
          }
        }),
      );
      ingestMs += performance.now() - t;
      await measureRead(done);
    }
    bar.done();
    const mainWrites = itemWrites - writesBefore;
    const verification = await verificationBench(store, Math.min(total, 10_000), concurrency);
    const restEvents = rest.length;
    const eventsPerSecond = restEvents / (ingestMs / 1000);
    return {
      rawItemsPerSecond,
      eventsPerSecond,
      ratioToRaw: eventsPerSecond / rawItemsPerSecond,
      itemWritesPerEvent: mainWrites / restEvents,
      events: done,
      reads,
      verification,
    };
  } finally {
    client.destroy();
    await db.stop();
  }
}

export function formatIngestionBench(r: IngestionBenchResult): string {
  return [
    `Exactly-once ingestion into DynamoDB Local (${r.events} events):`,
    formatTable([
      { measure: 'raw BatchWriteItem, items/s', value: r.rawItemsPerSecond.toFixed(0) },
      { measure: 'exactly-once ingestion, events/s', value: r.eventsPerSecond.toFixed(0) },
      { measure: 'ingestion / raw item rate', value: `${(r.ratioToRaw * 100).toFixed(0)}%` },
      { measure: 'DynamoDB item writes per event', value: r.itemWritesPerEvent.toFixed(2) },
    ]),
    "Reading one experiment's statistics:",
    formatTable(
      r.reads.map((x) => ({ events: x.events, 'read ms (median of 5)': x.ms.toFixed(1), cells: x.cells })),
    ),
    `Exposure verification (${r.verification.events} raw events per mode, ${(r.verification.exposureShare * 100).toFixed(0)}% exposures), on and off in the same run:`,
    formatTable([
      {
        measure: `ingestion plan alone, events/s (${r.verification.planRounds} rounds)`,
        off: r.verification.planOffEventsPerSecond.toFixed(0),
        on: r.verification.planOnEventsPerSecond.toFixed(0),
      },
      {
        measure: 'plan + exactly-once store, events/s',
        off: r.verification.ingestOffEventsPerSecond.toFixed(0),
        on: r.verification.ingestOnEventsPerSecond.toFixed(0),
      },
    ]),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const events = Number(process.argv.find((a) => a.startsWith('--events='))?.split('=')[1] ?? 20_000);
  runIngestionBench({ events }).then((r) => console.log(formatIngestionBench(r)));
}
