/**
 * The local platform (local/platform.ts: DynamoDB tables, tokens of every kind, the HTTP server
 * whose entries run over one runtime) for the benchmarks and the reliability suite, with Lambda's
 * cache periods by default: in this process, or in a child process so that its memory and CPU are
 * measured alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Runtime } from '../functions/runtime/composition-root';
import { type PlatformTokens, startLocalPlatform } from '../local/platform';

export type { PlatformTokens };

export interface PlatformOptions {
  endpoint: string;
  tablePrefix: string;
  /** 0 reads flags and tokens on every request; the default is what Lambda runs with. */
  configCacheMs?: number;
  tokenCacheMs?: number;
}

export interface InProcessPlatform {
  url: string;
  tokens: PlatformTokens;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions): Promise<InProcessPlatform> {
  const platform = await startLocalPlatform({
    endpoint: options.endpoint,
    tablePrefix: options.tablePrefix,
    env: {
      OMNILAB_CONFIG_CACHE_MS: String(options.configCacheMs ?? 1000),
      OMNILAB_TOKEN_CACHE_MS: String(options.tokenCacheMs ?? 5000),
    },
  });
  return { url: platform.url, tokens: platform.tokens, runtime: platform.runtime, close: platform.close };
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

export interface PlatformProcess {
  url: string;
  tokens: PlatformTokens;
  pid: number;
  memory(): Promise<MemorySample>;
  stop(): Promise<void>;
}

type FromChild =
  | { ready: { url: string; tokens: PlatformTokens } }
  | { memory: MemorySample }
  | { error: string };

/** The platform alone in a child process, driven over IPC: its memory is the server's, not the load's. */
export async function startPlatformProcess(options: PlatformOptions): Promise<PlatformProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'platform-server.ts')],
    {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, OMNILAB_PLATFORM_OPTIONS: JSON.stringify(options) },
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const ready = await new Promise<{ url: string; tokens: PlatformTokens }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the platform process exited with ${code}`)));
    child.on('message', (m: FromChild) => {
      if ('ready' in m) resolve(m.ready);
      if ('error' in m) reject(new Error(m.error));
    });
  });
  return {
    ...ready,
    pid: child.pid!,
    memory: () =>
      new Promise((resolve) => {
        const onMessage = (m: FromChild) => {
          if (!('memory' in m)) return;
          child.off('message', onMessage);
          resolve(m.memory);
        };
        child.on('message', onMessage);
        child.send('memory');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
