/**
 * The time to read an experiment's results (its statistics from DynamoDB, then the whole analysis:
 * lifts, intervals, chance to win, SRM, guardrails, per-channel breakdown, verdict) as its events
 * grow. Every event goes through the real exactly-once store into DynamoDB Local, so each size is
 * measured, not extrapolated. 10^6 events take about half an hour here: opt in with
 * BENCH_RESULTS_EVENTS=1000000.
 */
import { pathToFileURL } from 'node:url';
import { progressBar } from '../cli/progress';
import { type AttributeValue, DynamoDbClient, QueryCommand } from '../functions/aws/dynamodb-client';
import { createDynamoEventStore } from '../functions/stores/dynamo-event-store';
import { tableName } from '../functions/tables/tables';
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

/** The same events spread over more days: the results read stays flat, the history grows. */
export interface ResultsDaysRow {
  days: number;
  events: number;
  /** readCells + buildResults: the running totals only. */
  resultsMs: number;
  resultsItems: number;
  /** readDailyCells: every day's items, which only the history reads. */
  historyReadMs: number;
  historyItems: number;
}

export interface ResultsBenchResult {
  shards: number;
  rows: ResultsReadRow[];
  days?: ResultsDaysRow[];
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

const DAY_MS = 86_400_000;

async function countItems(client: DynamoDbClient, experiment: string, prefix: string): Promise<number> {
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await client.send(
      new QueryCommand({
        TableName: tableName('bench-results-', 'events'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': { S: `STATS#${experiment}` }, ':p': { S: prefix } },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return count;
}

/**
 * `events` events of one experiment spread over each number of days (customer c on day c mod
 * days), sent newest day first so most arrive out of order: the time and items of the results
 * read and of the history read.
 */
async function daysBench(
  client: DynamoDbClient,
  store: ReturnType<typeof createDynamoEventStore>,
  daysList: number[],
  events: number,
): Promise<ResultsDaysRow[]> {
  const rows: ResultsDaysRow[] = [];
  for (const [index, days] of daysList.entries()) {
    const key = `bench-days-${days}`;
    const experiment = { ...EXPERIMENT, key };
    // Each size its own customers and event ids (the seed is part of both).
    const all = [...benchEvents(events, 3 + index)].map((e) => {
      const c = Number((e.exposure?.id ?? e.metric?.id ?? '').split('-')[2]);
      const shift = (c % days) * DAY_MS;
      return e.exposure
        ? { ...e, exposure: { ...e.exposure, experiment: key, at: e.exposure.at + shift } }
        : { ...e, metric: e.metric ? { ...e.metric, at: e.metric.at + shift } : undefined };
    });
    // Newest day first, and each customer's events in reverse: late arrivals everywhere.
    all.sort((a, b) => (b.exposure?.at ?? b.metric?.at ?? 0) - (a.exposure?.at ?? a.metric?.at ?? 0));
    for (let i = 0; i < all.length; i += 500) await store.ingest(all.slice(i, i + 500), CATALOGUE);
    const results: number[] = [];
    const history: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const cells = await store.readCells(key);
      buildResults({ experiment, catalogue: CATALOGUE, cells });
      const t1 = performance.now();
      await store.readDailyCells(key);
      const t2 = performance.now();
      results.push(t1 - t0);
      history.push(t2 - t1);
    }
    rows.push({
      days,
      events,
      resultsMs: median(results),
      resultsItems: await countItems(client, key, 'TOTAL#'),
      historyReadMs: median(history),
      historyItems: await countItems(client, key, 'CELL#'),
    });
  }
  return rows;
}

export async function runResultsBench(
  options: { sizes?: number[]; concurrency?: number; days?: number[]; daysEvents?: number } = {},
): Promise<ResultsBenchResult> {
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const concurrency = options.concurrency ?? 4;
  const shards = 16;
  const db = await startDynamoDbLocal();
  const client = new DynamoDbClient({
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
    const days = await daysBench(client, store, options.days ?? [1, 30, 180], options.daysEvents ?? 20_000);
    return { shards, rows, days };
  } finally {
    client.destroy();
    await db.stop();
  }
}

export function formatResultsBench(r: ResultsBenchResult): string {
  const days = r.days ?? [];
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
    ...(days.length > 0
      ? [
          `The same ${days[0].events} events over more days, sent newest day first (median of 7):`,
          formatTable(
            days.map((x) => ({
              days: x.days,
              'results ms (read + analysis)': x.resultsMs.toFixed(1),
              'results items': x.resultsItems,
              'history read ms': x.historyReadMs.toFixed(1),
              'history items': x.historyItems,
            })),
          ),
        ]
      : []),
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
