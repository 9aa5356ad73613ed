/**
 * The raw event store locally: JSON lines under `<stateDir>/lake/`, in Hive-style partitions
 * (`events/environment=<env>/day=<YYYY-MM-DD>/<file>.jsonl`, rejected records under `rejected/`),
 * which DuckDB reads with `hive_partitioning`. One file per partition per store instance (a process
 * appends to its own files only); appends to a file are queued, so a batch's lines never interleave
 * with another's. Append-only: nothing is rewritten or deleted.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type RawEventStore, rawEventPartition } from '../../shared/store/raw-event-store';

export interface LocalRawEventStoreOptions {
  /** The lake's root: `<stateDir>/lake`. */
  root: string;
  /** Names this instance's files (default: the process id and the time it started). */
  fileName?: string;
}

/** `<stateDir>/lake`: where the local raw event store keeps its partitions. */
export function localLakeRoot(stateDir: string): string {
  return join(stateDir, 'lake');
}

export function createLocalRawEventStore(options: LocalRawEventStoreOptions): RawEventStore {
  const fileName = options.fileName ?? `part-${process.pid}-${Date.now().toString(36)}.jsonl`;
  const created = new Set<string>();
  const queues = new Map<string, Promise<void>>();

  async function write(dir: string, lines: string): Promise<void> {
    if (!created.has(dir)) {
      await mkdir(dir, { recursive: true });
      created.add(dir);
    }
    await appendFile(join(dir, fileName), lines, 'utf8');
  }

  function enqueue(dir: string, lines: string): Promise<void> {
    const previous = queues.get(dir) ?? Promise.resolve();
    // A failed append fails its own batch only; the next one still runs.
    const next = previous.catch(() => undefined).then(() => write(dir, lines));
    queues.set(dir, next);
    return next;
  }

  return {
    async append(records) {
      const byDir = new Map<string, string[]>();
      for (const record of records) {
        const { kind, environment, day } = rawEventPartition(record);
        const dir = join(options.root, kind, `environment=${encodeURIComponent(environment)}`, `day=${day}`);
        let lines = byDir.get(dir);
        if (!lines) {
          lines = [];
          byDir.set(dir, lines);
        }
        lines.push(`${JSON.stringify(record)}\n`);
      }
      await Promise.all([...byDir].map(([dir, lines]) => enqueue(dir, lines.join(''))));
    },
    location: () => ({ kind: 'local', root: options.root }),
  };
}
