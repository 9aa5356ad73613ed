/**
 * The time to read an experiment's results (its statistics from DynamoDB, then the whole analysis:
 * lifts, intervals, chance to win, SRM, guardrails, per-channel breakdown, verdict) as its events
 * grow. Every event goes through the real exactly-once store into DynamoDB Local, so each size is
 * measured, not extrapolated. 10^6 events take about half an hour here: opt in with
 * BENCH_RESULTS_EVENTS=1000000.
 */
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { progressBar } from '../cli/progress';
import { createDynamoEventStore } from '../functions/stores/dynamo-event-store';
import { tableName } from '../infra/tables';
import { createTables } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { buildResults } from '../shared/experiments/results';
import type { Experiment } from '../shared/model/experiment';
import { benchEvents, CATALOGUE } from './ingestion-bench';
import { formatTable } from './measure';

export interface ResultsReadRow {
  events: number;
  /** readCells: the statistic items of every variant × channel × shard. */
  readMs: number;
  /** buildResults on those cells. */
  analysisMs: number;
  totalMs: number;
  cells: number;
  units: number;
}

export interface ResultsBenchResult {
  shards: number;
  rows: ResultsReadRow[];
}

const EXPERIMENT: Experiment = {
  key: 'bench',
  name: 'Bench',
  hypothesis: 'Reading results costs the same at any volume',
  squad: 'payments',
  environment: 'production',
  trafficPercent: 100,
  channels: ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'],
  unit: 'customer',
  variants: [
    { name: 'control', weight: 1 },
    { name: 'treatment', weight: 1 },
  ],
  primaryMetric: 'loan_application_submitted',
  secondaryMetrics: ['csat_score'],
  guardrails: [{ metric: 'complaint_filed', tolerance: 0.1 }],
  status: 'running',
  analysis: { sequential: true, alpha: 0.05, cuped: true },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function runResultsBench(
  options: { sizes?: number[]; concurrency?: number } = {},
): Promise<ResultsBenchResult> {
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const concurrency = options.concurrency ?? 4;
  const shards = 16;
  const db = await startDynamoDbLocal();
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 10,
  });
  try {
    await createTables(client, 'bench-results-');
    const store = createDynamoEventStore(client, { table: tableName('bench-results-', 'events'), shards });
    const rows: ResultsReadRow[] = [];
    const total = Math.max(...sizes);
    // Generated lazily: 10^6 prepared events held at once would weigh on the measurement.
    const source = benchEvents(total, 2);
    let done = 0;
    const bar = progressBar(Math.ceil(total / 500), 'Ingesting for the results benchmark');
    for (const size of [...sizes].sort((a, b) => a - b)) {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (done < size) {
            const batch = [];
            for (let i = 0; i < 500 && done < size; i++, done++) {
              const next = source.next();
              if (next.done) break;
              batch.push(next.value);
            }
            await store.ingest(batch, CATALOGUE);
            bar.tick();
          }
        }),
      );
      const read: number[] = [];
      const analysis: number[] = [];
      // Warm: the first reads pay for JIT and connections, which no steady reader does.
      let cells = await store.readCells(EXPERIMENT.key);
      for (let i = 0; i < 5; i++) buildResults({ experiment: EXPERIMENT, catalogue: CATALOGUE, cells });
      for (let i = 0; i < 4; i++) cells = await store.readCells(EXPERIMENT.key);
      let units = 0;
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        cells = await store.readCells(EXPERIMENT.key);
        const t1 = performance.now();
        const results = buildResults({ experiment: EXPERIMENT, catalogue: CATALOGUE, cells });
        const t2 = performance.now();
        read.push(t1 - t0);
        analysis.push(t2 - t1);
        units = results.srm.units.reduce((s, n) => s + n, 0);
      }
      rows.push({
        events: size,
        readMs: median(read),
        analysisMs: median(analysis),
        totalMs: median(read) + median(analysis),
        cells: cells.size,
        units,
      });
    }
    bar.done();
    return { shards, rows };
  } finally {
    client.destroy();
    await db.stop();
  }
}

export function formatResultsBench(r: ResultsBenchResult): string {
  return [
    `Reading an experiment's results (2 variants × 6 channels × ${r.shards} shards, 3 metrics, CUPED, sequential), median of 7:`,
    formatTable(
      r.rows.map((x) => ({
        events: x.events,
        units: x.units,
        'read statistics ms': x.readMs.toFixed(1),
        'analysis ms': x.analysisMs.toFixed(1),
        'total ms': x.totalMs.toFixed(1),
        cells: x.cells,
      })),
    ),
  ].join('\n');
}

export function resultsBenchSizes(env: string | undefined): number[] {
  const max = Number(env ?? 100_000);
  return [1_000, 10_000, 100_000, 1_000_000].filter((s) => s <= max);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  runResultsBench({ sizes: resultsBenchSizes(process.env.BENCH_RESULTS_EVENTS) }).then((r) =>
    console.log(formatResultsBench(r)),
  );
}
