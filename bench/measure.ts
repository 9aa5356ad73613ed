/** Timing helpers shared by the benchmarks: warm up, run rounds, keep the median. */

export interface Measurement {
  nsPerOp: number;
  opsPerSecond: number;
  rounds: number;
}

export function measure(run: () => number, { rounds = 7, warmupRounds = 3 } = {}): Measurement {
  for (let i = 0; i < warmupRounds; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const ops = run();
    const ns = Number(process.hrtime.bigint() - start);
    samples.push(ns / ops);
  }
  samples.sort((a, b) => a - b);
  const nsPerOp = samples[Math.floor(samples.length / 2)];
  return { nsPerOp, opsPerSecond: 1e9 / nsPerOp, rounds };
}

export function formatTable(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]);
  const cells = rows.map((r) => keys.map((k) => String(r[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i].length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(widths[i])).join('  ');
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
