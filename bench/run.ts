/**
 * `npm run bench`: every benchmark in one run, side by side. Prints the tables and a summary of
 * every peer comparison, and writes the figures under bench/results/ (git-ignored) for
 * docs/performance.md: latest.json, latest.html (charts) and latest.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { type ApiBenchResult, formatApiBench, runApiBench } from './api-bench';
import { type BenchReport, writeCharts } from './chart';
import { type EvaluationBenchResult, formatEvaluationBench, runEvaluationBench } from './evaluation-bench';
import { formatIngestionBench, type IngestionBenchResult, runIngestionBench } from './ingestion-bench';
import { formatTable } from './measure';
import { formatPropagationBench, runPropagationBench } from './propagation-bench';
import { formatRawEventsBench, runRawEventsBench } from './raw-events-bench';
import { formatRegexBench, type RegexBenchResult, runRegexBench } from './regex-bench';
import {
  formatResultsBench,
  type ResultsBenchResult,
  resultsBenchSizes,
  runResultsBench,
} from './results-bench';
import { formatSdkBench, runSdkBench, type SdkBenchResult } from './sdk-bench';

interface Bench {
  name: keyof BenchReport['results'];
  run: () => Promise<unknown>;
  format: (result: never) => string;
}

const BENCHES: Bench[] = [
  { name: 'evaluation', run: runEvaluationBench, format: formatEvaluationBench },
  { name: 'sdk', run: () => runSdkBench(), format: formatSdkBench },
  {
    name: 'ingestion',
    run: () => runIngestionBench({ events: Number(process.env.BENCH_EVENTS ?? 20_000) }),
    format: formatIngestionBench,
  },
  {
    name: 'api',
    run: () => runApiBench({ durationSeconds: Number(process.env.BENCH_API_SECONDS ?? 10) }),
    format: formatApiBench,
  },
  {
    name: 'results',
    run: () => runResultsBench({ sizes: resultsBenchSizes(process.env.BENCH_RESULTS_EVENTS) }),
    format: formatResultsBench,
  },
  { name: 'regex', run: () => runRegexBench(), format: formatRegexBench },
  {
    name: 'raw-events',
    run: () => runRawEventsBench({ events: Number(process.env.BENCH_RAW_EVENTS ?? 10_000) }),
    format: formatRawEventsBench,
  },
  {
    name: 'propagation',
    run: () => runPropagationBench({ rounds: Number(process.env.BENCH_PROPAGATION_ROUNDS ?? 8) }),
    format: formatPropagationBench,
  },
];

function usage(): string {
  return [
    'Usage: npm run bench [-- <name>...]',
    '',
    `Runs the benchmarks (${BENCHES.map((b) => b.name).join(', ')}), prints a table for each and a`,
    'summary, and writes bench/results/latest.json, latest.html and latest.png. Name some to run only those.',
    'BENCH_EVENTS: events the ingestion benchmark sends (default 20000).',
    'BENCH_API_SECONDS: seconds per HTTP endpoint under load (default 10).',
    'BENCH_PROPAGATION_ROUNDS: flag changes the propagation benchmark times (default 8).',
    'BENCH_RAW_EVENTS: events per mode of the raw-events benchmark, with and without the lake (default 10000).',
    'BENCH_RESULTS_EVENTS: the largest size the results benchmark ingests (default 100000;',
    '  1000000 adds the 10^6 point, about half an hour on DynamoDB Local).',
  ].join('\n');
}

const x = (n: number) => `${n.toFixed(1)}x`;

/** Every comparison of the run on one table: what was measured, ours, the peer's, the ratio. */
export function summary(r: BenchReport['results']): string {
  const rows: Record<string, string>[] = [];
  const add = (measure: string, ours: string, peer: string, ratio: string) =>
    rows.push({ measure, omnilab: ours, peer, ratio });
  const e = r.evaluation as EvaluationBenchResult | undefined;
  if (e) {
    add(
      'core isEnabled, ns',
      e.omnilab.isEnabledNs.toFixed(0),
      `unleash-client ${e.unleashClient.isEnabledNs.toFixed(0)}`,
      x(e.ratio.isEnabled),
    );
    add(
      'core getVariant, ns',
      e.omnilab.getVariantNs.toFixed(0),
      `unleash-client ${e.unleashClient.getVariantNs.toFixed(0)}`,
      x(e.ratio.getVariant),
    );
  }
  const s = r.sdk as SdkBenchResult | undefined;
  if (s) {
    const t = s.throughput;
    for (const op of ['isEnabled', 'getVariant'] as const) {
      const k = `${op}Ns` as const;
      add(
        `SDK ${op}, ns`,
        t.omnilab[k].toFixed(0),
        `unleash-client ${t.unleashClient[k].toFixed(0)}`,
        x(t.unleashClient[k] / t.omnilab[k]),
      );
      add(
        `SDK ${op}, ns`,
        t.omnilab[k].toFixed(0),
        `GrowthBook ${t.growthbook[k].toFixed(0)}`,
        x(t.growthbook[k] / t.omnilab[k]),
      );
    }
    const kb = (n: number) => `${(n / 1000).toFixed(2)} kB`;
    add(
      'SDK bundle, gzipped',
      kb(s.bundle.omnilab.gzipped),
      `unleash-client ${kb(s.bundle.unleashClient.gzipped)}`,
      x(s.bundle.unleashClient.gzipped / s.bundle.omnilab.gzipped),
    );
    add(
      'SDK bundle, gzipped',
      kb(s.bundle.omnilab.gzipped),
      `GrowthBook ${kb(s.bundle.growthbook.gzipped)}`,
      x(s.bundle.growthbook.gzipped / s.bundle.omnilab.gzipped),
    );
    add(
      'SDK startup over node -e 0, ms',
      s.startupMs.omnilab.toFixed(1),
      `unleash-client ${s.startupMs.unleashClient.toFixed(1)}`,
      x(s.startupMs.unleashClient / s.startupMs.omnilab),
    );
    add(
      'SDK startup over node -e 0, ms',
      s.startupMs.omnilab.toFixed(1),
      `GrowthBook ${s.startupMs.growthbook.toFixed(1)}`,
      x(s.startupMs.growthbook / s.startupMs.omnilab),
    );
  }
  const i = r.ingestion as IngestionBenchResult | undefined;
  if (i) {
    add(
      'exactly-once ingestion, events/s',
      i.eventsPerSecond.toFixed(0),
      `raw BatchWriteItem ${i.rawItemsPerSecond.toFixed(0)} items/s`,
      `${(i.ratioToRaw * 100).toFixed(0)}%`,
    );
    add('item writes per event', i.itemWritesPerEvent.toFixed(2), '', '');
  }
  const a = r.api as ApiBenchResult | undefined;
  if (a) {
    const find = (p: (n: string) => boolean) => a.rows.find((row) => p(row.name));
    const full = find((n) => n === 'GET /api/client/features');
    const etag = find((n) => n.includes('If-None-Match'));
    if (full && etag)
      add(
        'client features + ETag (304), req/s',
        etag.requestsPerSecond.toFixed(0),
        `full read ${full.requestsPerSecond.toFixed(0)}`,
        x(etag.requestsPerSecond / full.requestsPerSecond),
      );
    for (const row of a.rows)
      add(
        `${row.name}: req/s, p99 ms`,
        `${row.requestsPerSecond.toFixed(0)}, ${row.p99Ms.toFixed(0)}`,
        '',
        '',
      );
    const events = a.rows.find((row) => row.eventsPerSecond !== undefined);
    if (events?.eventsPerSecond !== undefined && i)
      add(
        'events over HTTP, events/s',
        events.eventsPerSecond.toFixed(0),
        `store alone ${i.eventsPerSecond.toFixed(0)}`,
        `${((events.eventsPerSecond / i.eventsPerSecond) * 100).toFixed(0)}%`,
      );
  }
  const res = r.results as ResultsBenchResult | undefined;
  if (res) {
    const first = res.rows[0];
    for (const row of res.rows)
      add(
        `results read at ${row.events.toLocaleString('en')} events, ms`,
        row.totalMs.toFixed(1),
        first === row ? '' : `at ${first.events.toLocaleString('en')}: ${first.totalMs.toFixed(1)}`,
        first === row ? '' : x(row.totalMs / first.totalMs),
      );
  }
  const rx = r.regex as RegexBenchResult | undefined;
  if (rx) {
    const last = rx.growth.filter((g) => g.previousMs !== null).at(-1);
    if (last?.previousMs != null)
      add(
        `REGEX ^(a+)+$ on ${last.n} a's + "!", ms`,
        last.serverMs.toFixed(3),
        `previous engine ${last.previousMs.toFixed(0)}`,
        x(last.previousMs / last.serverMs),
      );
    add('REGEX worst of generated × adversarial, ms', rx.fuzz.maxServerMs.toFixed(1), '', '');
  }
  return ['Summary: every comparison of this run', formatTable(rows)].join('\n');
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return;
  }
  const unknown = args.filter((a) => !BENCHES.some((b) => b.name === a));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const selected = args.length > 0 ? BENCHES.filter((b) => args.includes(b.name)) : BENCHES;
  const machine = {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
  console.log(`Node ${machine.node} on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB\n`);
  const started = performance.now();
  const results: BenchReport['results'] = {};
  for (const bench of selected) {
    const t = performance.now();
    const result = await bench.run();
    (results as Record<string, unknown>)[bench.name] = result;
    console.log(`${bench.format(result as never)}\n(${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
  }
  console.log(`${summary(results)}\n`);
  const report: BenchReport = {
    at: new Date().toISOString(),
    machine,
    results,
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'latest.json'),
    `${JSON.stringify({ ...report, seconds: Math.round((performance.now() - started) / 1000) }, null, 2)}\n`,
  );
  const png = await writeCharts(report, join(dir, 'latest.html'), join(dir, 'latest.png'));
  console.log(
    `Wrote bench/results/latest.json, latest.html${png ? ' and latest.png' : ' (no Chromium at /usr/bin/chromium or CHROMIUM_PATH: no PNG)'} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
