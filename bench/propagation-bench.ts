/**
 * Propagation: how long after a flag change is committed (the admin write answered) a connected SDK
 * evaluates the new state: the official Unleash SDK (unleash-client) streaming
 * (`/api/client/streaming`) against polling every second and every 15 s (its default), and the
 * omnilab SDK streaming (`@omnilab/sdk/streaming`) against polling every second, all connected at
 * once to one local omnilab (`npm start`'s 1 s served-document cache) in one run.
 * `npm run bench -- propagation`, or `npx tsx bench/propagation-bench.ts`; BENCH_PROPAGATION_ROUNDS.
 */
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { createClient } from '../sdk/src/index';
import { sseStream } from '../sdk/src/stream';
import { startPlatform } from './local-platform';
import { formatTable } from './measure';

export interface PropagationRow {
  client: string;
  samples: number;
  minMs: number;
  medianMs: number;
  maxMs: number;
}

export interface PropagationBenchResult {
  rounds: number;
  /** The admin write's own time (request to answer), median. */
  writeMedianMs: number;
  rows: PropagationRow[];
}

const FLAG = 'propagation-banner';
const CONTEXT = { properties: { channel: 'mobile' } };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)];
};

export async function runPropagationBench(
  options: { rounds?: number } = {},
): Promise<PropagationBenchResult> {
  const rounds = options.rounds ?? 8;
  const db = await startDynamoDbLocal();
  const platform = await startPlatform({ endpoint: db.endpoint, tablePrefix: 'bench-propagation-' });
  interface Connected {
    name: string;
    isEnabled: () => boolean;
    onChange: (listener: () => void) => () => void;
    close: () => void;
    seen: number[];
  }
  const clients: Connected[] = [];
  try {
    const admin = { authorization: platform.tokens.admin, 'content-type': 'application/json' };
    const created = await fetch(`${platform.url}/api/admin/flags`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        name: FLAG,
        squad: 'lending',
        environments: { development: { enabled: true, channels: { mobile: true }, strategies: [] } },
      }),
    });
    if (created.status !== 201) throw new Error(`creating the flag: ${created.status}`);
    const make = (name: string, mode: Partial<ConstructorParameters<typeof Unleash>[0]>) => {
      const unleash = new Unleash({
        url: `${platform.url}/api/`,
        appName: `propagation-${name}`,
        customHeaders: { Authorization: platform.tokens.client },
        disableMetrics: true,
        storageProvider: new InMemStorageProvider(),
        skipInstanceCountWarning: true,
        ...mode,
      });
      unleash.on('error', () => undefined);
      clients.push({
        name: `unleash-client, ${name}`,
        isEnabled: () => unleash.isEnabled(FLAG, CONTEXT),
        onChange: (listener) => {
          unleash.on('changed', listener);
          return () => unleash.off('changed', listener);
        },
        close: () => unleash.destroy(),
        seen: [],
      });
      return new Promise<void>((resolve) => unleash.once('synchronized', () => resolve()));
    };
    const omnilab = (name: string, streaming: boolean, refreshIntervalMs: number) => {
      const listeners = new Set<() => void>();
      const client = createClient({
        url: platform.url,
        clientKey: platform.tokens.client,
        appName: `propagation-omnilab-${name}`,
        channel: 'mobile',
        refreshIntervalMs,
        ...(streaming ? { stream: sseStream() } : {}),
        onUpdate: () => {
          for (const l of listeners) l();
        },
      });
      clients.push({
        name: `omnilab SDK, ${name}`,
        isEnabled: () => client.isEnabled(FLAG),
        onChange: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        close: () => client.close(),
        seen: [],
      });
      return client.ready();
    };
    await Promise.all([
      make('streaming (SSE)', { experimentalMode: { type: 'streaming' } }),
      make('polling every 1 s', { refreshInterval: 1000 }),
      make('polling every 15 s (SDK default)', { refreshInterval: 15_000 }),
      omnilab('streaming (sseStream)', true, 60_000),
      omnilab('polling every 1 s', false, 1000),
    ]);
    const writes: number[] = [];
    let enabled = true;
    for (let round = 0; round < rounds; round++) {
      enabled = !enabled;
      const want = enabled;
      const seen = clients.map(
        (c) =>
          new Promise<number>((resolve) => {
            const check = () => {
              if (c.isEnabled() !== want) return;
              off();
              resolve(Date.now());
            };
            const off = c.onChange(check);
          }),
      );
      const flag = (await (
        await fetch(`${platform.url}/api/admin/flags/${FLAG}`, { headers: admin })
      ).json()) as { version: number };
      const started = Date.now();
      const res = await fetch(`${platform.url}/api/admin/flags/${FLAG}/environments/development`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({ version: flag.version, enabled: want }),
      });
      const committed = Date.now();
      if (res.status !== 200) throw new Error(`toggling the flag: ${res.status}`);
      writes.push(committed - started);
      const at = await Promise.all(seen);
      at.forEach((t, i) => {
        clients[i].seen.push(Math.max(0, t - committed));
      });
      // Let the slow poller's phase drift against the writes between rounds.
      await new Promise((r) => setTimeout(r, 300 + ((round * 2333) % 1700)));
    }
    return {
      rounds,
      writeMedianMs: median(writes),
      rows: clients.map((c) => ({
        client: c.name,
        samples: c.seen.length,
        minMs: Math.min(...c.seen),
        medianMs: median(c.seen),
        maxMs: Math.max(...c.seen),
      })),
    };
  } finally {
    for (const c of clients) c.close();
    await platform.close();
    await db.stop();
  }
}

export function formatPropagationBench(r: PropagationBenchResult): string {
  return [
    `PROPAGATION: ms from a committed change to a connected SDK evaluating it (${r.rounds} changes; the write itself took ${r.writeMedianMs} ms, median)`,
    formatTable(
      r.rows.map((row) => ({
        client: row.client,
        changes: row.samples,
        'min ms': row.minMs,
        'median ms': row.medianMs,
        'max ms': row.maxMs,
      })),
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.env.BENCH_PROPAGATION_ROUNDS ?? 8);
  console.log(formatPropagationBench(await runPropagationBench({ rounds })));
}
