/**
 * `npx tsx bench/backfill-bench.ts [events...]`: how long a local backfill takes. Writes a lake of
 * generated raw records (one exposure and nine metric events per customer, over two days' files, a
 * conversion, a mean and a quantile metric, with some resent duplicates) in the raw store's layout,
 * then times the one SQL text on DuckDB and the fold into exact cells and quantiles, for each size
 * (default 10^5 and 10^6 events). Nothing but the temporary lake is written.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTable } from '../cli/format-table';
import { LOCAL_SOURCE, runLocalBackfillQuery } from '../functions/services/backfill-duckdb';
import { foldBackfill, metricsToRead } from '../shared/experiments/backfill';
import { backfillSql } from '../shared/experiments/backfill-sql';
import type { Experiment } from '../shared/model/experiment';
import type { MetricDefinition } from '../shared/model/metric';

const CATALOGUE: MetricDefinition[] = [
  { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'EUR' },
  {
    key: 'login',
    name: 'P95 login',
    kind: 'quantile',
    quantile: 0.95,
    direction: 'lower-is-better',
    unit: 's',
  },
];

const EXPERIMENT: Experiment = {
  key: 'bench-exp',
  name: 'Bench',
  hypothesis: 'h',
  squad: 'sq',
  environment: 'production',
  trafficPercent: 100,
  channels: ['web', 'mobile'],
  unit: 'customer',
  variants: [
    { name: 'control', weight: 1 },
    { name: 'treatment', weight: 1 },
  ],
  primaryMetric: 'loan',
  secondaryMetrics: ['spend', 'login'],
  guardrails: [],
  status: 'running',
  startedAt: '2026-12-01T00:00:00Z',
  analysis: { sequential: false, alpha: 0.05, cuped: true },
};

export interface BackfillBenchRow {
  events: number;
  customers: number;
  lakeMb: number;
  queryMs: number;
  foldMs: number;
  rows: number;
}

async function writeLake(root: string, events: number): Promise<{ customers: number; bytes: number }> {
  const start = Date.parse('2026-12-01T08:00:00Z');
  let bytes = 0;
  const files = ['2026-12-01', '2026-12-02'].map((day) => {
    const dir = join(root, 'events', 'environment=production', `day=${day}`);
    mkdirSync(dir, { recursive: true });
    return { day, stream: createWriteStream(join(dir, 'part-bench.jsonl')), chunk: [] as string[] };
  });
  let written = 0;
  const flush = async (file: (typeof files)[number]) => {
    const text = file.chunk.join('');
    file.chunk = [];
    bytes += text.length;
    if (!file.stream.write(text)) await new Promise<void>((r) => file.stream.once('drain', () => r()));
  };
  for (let c = 0; written < events; c++) {
    const file = files[c % 2];
    const userId = `c${c}`;
    const channel = c % 3 === 0 ? 'web' : 'mobile';
    const receivedAt = `${file.day}T12:00:00.000Z`;
    const at = (k: number) => new Date(start + (c % 3600) * 1000 + k * 1000).toISOString();
    const base = { userId, channel, environment: 'production', receivedAt };
    const line = (o: object) => file.chunk.push(`${JSON.stringify({ ...base, ...o })}\n`);
    line({
      id: `x${c}`,
      type: 'exposure',
      timestamp: at(1),
      experiment: EXPERIMENT.key,
      variant: c % 2 ? 'treatment' : 'control',
      outcome: 'accepted',
    });
    written++;
    for (let k = 0; k < 9 && written < events; k++, written++) {
      const metric = CATALOGUE[k % 3].key;
      const value =
        metric === 'loan'
          ? (c + k) % 2
          : metric === 'spend'
            ? ((c * 7 + k) % 500) / 4
            : 1 + ((c * 13 + k) % 97) / 10;
      line({
        id: `m${c}-${k}`,
        type: 'metric',
        timestamp: at(k - 2),
        metric,
        value,
        outcome: k === 8 ? 'duplicate' : 'accepted',
      });
    }
    if (file.chunk.length >= 5000) await flush(file);
  }
  for (const f of files) await flush(f);
  await Promise.all(files.map((f) => new Promise<void>((r) => f.stream.end(() => r()))));
  return { customers: Math.ceil(written / 10), bytes };
}

export async function runBackfillBench(sizes: readonly number[]): Promise<BackfillBenchRow[]> {
  const out: BackfillBenchRow[] = [];
  const sql = backfillSql({
    source: LOCAL_SOURCE,
    environment: EXPERIMENT.environment,
    experiment: EXPERIMENT.key,
    unit: EXPERIMENT.unit,
    metrics: metricsToRead(CATALOGUE, new Map(CATALOGUE.map((m) => [m.key, m]))),
    stitch: false,
  });
  for (const events of sizes) {
    const root = mkdtempSync(join(tmpdir(), 'backfill-bench-'));
    try {
      const { customers, bytes } = await writeLake(root, events);
      const t0 = performance.now();
      const rows = await runLocalBackfillQuery(root, sql);
      const t1 = performance.now();
      const folded = foldBackfill(rows, EXPERIMENT, CATALOGUE, 0.05);
      const t2 = performance.now();
      if (folded.units !== customers) throw new Error(`read ${folded.units} units of ${customers}`);
      out.push({
        events,
        customers,
        lakeMb: bytes / 1e6,
        queryMs: t1 - t0,
        foldMs: t2 - t1,
        rows: rows.length,
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return out;
}

export function formatBackfillBench(rows: readonly BackfillBenchRow[]): string {
  return formatTable(
    rows.map((r) => ({
      events: r.events,
      customers: r.customers,
      'lake (MB)': r.lakeMb.toFixed(1),
      'DuckDB query (ms)': r.queryMs.toFixed(0),
      'fold (ms)': r.foldMs.toFixed(0),
      'rows answered': r.rows,
    })),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const rows = await runBackfillBench(sizes.length > 0 ? sizes : [100_000, 1_000_000]);
  console.log(formatBackfillBench(rows));
}
