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

export { formatTable } from '../cli/format-table';
