/**
 * `npm run bench`: every benchmark in one run, side by side. Prints the tables and writes the
 * figures as JSON under bench/results/ (git-ignored) for docs/performance.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatEvaluationBench, runEvaluationBench } from './evaluation-bench';
import { formatIngestionBench, runIngestionBench } from './ingestion-bench';
import { formatSdkBench, runSdkBench } from './sdk-bench';

interface Bench {
  name: string;
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
];

function usage(): string {
  return [
    'Usage: npm run bench [-- <name>...]',
    '',
    `Runs the benchmarks (${BENCHES.map((b) => b.name).join(', ')}), prints a table for each and`,
    'writes bench/results/latest.json. Name some to run only those.',
    'BENCH_EVENTS sets how many events the ingestion benchmark sends (default 20000).',
  ].join('\n');
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
  const results: Record<string, unknown> = {};
  for (const bench of selected) {
    const result = await bench.run();
    results[bench.name] = result;
    console.log(`${bench.format(result as never)}\n`);
  }
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), machine, results }, null, 2)}\n`,
  );
  console.log(`Wrote ${join('bench', 'results', 'latest.json')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
