/**
 * `npm run test:faults -- --rounds 30`: the SIGKILL fault test of faults.test.ts, round after round,
 * unattended, each round in a fresh Vitest process with its own DynamoDB Local. Each round records
 * (OMNILAB_FAULT_RECORD) which accepted ids lack a stored item — DynamoDB Local's loss — and which
 * stored items are missing from the statistics — the store's; the summary counts both per round.
 * Records land in test-artifacts/fault-rounds/<start time>.jsonl.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface RoundRecord {
  events: number;
  acceptedOnce: number;
  sigkills: number;
  statsEqualAllEvents: boolean;
  acceptedWithoutItem: { id: string; killAfterMs: number | undefined }[];
  storedItemsMissingStatistics: string[];
  shortAgainstAllEvents: string[];
  acceptedTwice: string[];
}

function roundsArgument(argv: string[]): number {
  const at = argv.findIndex((a) => a === '--rounds' || a.startsWith('--rounds='));
  if (at < 0) return 10;
  const value = argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--rounds takes a positive whole number, not ${value}`);
  return n;
}

function main(): void {
  const rounds = roundsArgument(process.argv.slice(2));
  const dir = join(ROOT, 'test-artifacts', 'fault-rounds');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replaceAll(':', '-')}.jsonl`);
  const lines: string[] = [];
  let failed = 0;
  for (let round = 1; round <= rounds; round++) {
    const before = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
    const started = Date.now();
    const run = spawnSync(
      'npx',
      [
        'vitest',
        'run',
        '--config',
        'test/reliability/vitest.config.ts',
        'test/reliability/faults.test.ts',
        '-t',
        'loses nothing accepted',
      ],
      { cwd: ROOT, env: { ...process.env, OMNILAB_FAULT_RECORD: file }, encoding: 'utf8' },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const recorded = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    const record =
      recorded.length > before ? (JSON.parse(recorded[recorded.length - 1]) as RoundRecord) : undefined;
    if (run.status !== 0) failed++;
    const line = record
      ? `round ${round}: ${run.status === 0 ? 'pass' : 'FAIL'} in ${seconds} s, ${record.sigkills} SIGKILLs, ${record.acceptedOnce}/${record.events} accepted once; accepted without a stored item: ${record.acceptedWithoutItem.length}${record.acceptedWithoutItem.length ? ` (SIGKILL ${record.acceptedWithoutItem.map((l) => l.killAfterMs).join('/')} ms after the answer)` : ''}; stored items missing statistics: ${record.storedItemsMissingStatistics.length} cells; short against all events: ${record.shortAgainstAllEvents.length} cells; accepted twice: ${record.acceptedTwice.length}`
      : `round ${round}: ${run.status === 0 ? 'pass' : 'FAIL'} in ${seconds} s, no record (${(run.stderr || run.stdout).split('\n').slice(-15).join(' | ')})`;
    lines.push(line);
    console.log(line);
  }
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RoundRecord);
  const lostRounds = records.filter((r) => r.acceptedWithoutItem.length > 0 || r.acceptedTwice.length > 0);
  const storeRounds = records.filter((r) => r.storedItemsMissingStatistics.length > 0);
  console.log(
    `\n${rounds} rounds, ${failed} failed; ${records.reduce((n, r) => n + r.sigkills, 0)} SIGKILLs; rounds where DynamoDB Local lost acknowledged events: ${lostRounds.length} (${lostRounds.reduce((n, r) => n + r.acceptedWithoutItem.length, 0)} events without an item, ${lostRounds.reduce((n, r) => n + r.acceptedTwice.length, 0)} accepted twice after a loss); rounds where stored items missed statistics (the store): ${storeRounds.length}\nrecords: ${file}`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
