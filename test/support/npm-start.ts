/** Runs `npm start` as a user would, and stops it as Ctrl-C does (SIGINT to the process group). */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from '../../local/dynamodb-local';

export interface RunningPlatform {
  url: string;
  port: number;
  output: () => string;
  dynamodbPort: number;
  tokens: { admin: string; client: string; frontend: string };
  stop(): Promise<number | null>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OMNILAB_') && !k.startsWith('VITEST')) env[k] = v;
  return { ...env, ...extra };
}

export async function npmStart(args: string[], env: Record<string, string> = {}): Promise<RunningPlatform> {
  const port = await freePort();
  const child: ChildProcess = spawn('npm', ['start', '--', ...args], {
    cwd: process.cwd(),
    env: cleanEnv({ PORT: String(port), ...env }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Ctrl-C stops everything')) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGKILL');
      throw new Error(`npm start did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = (label: string) => new RegExp(`${label}[^\\n]*?\\s(\\S+)\\n`).exec(out)![1];
  return {
    url: `http://localhost:${port}`,
    port,
    output: () => out,
    dynamodbPort: Number(/DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]),
    tokens: { admin: token('admin token'), client: token('client token'), frontend: token('frontend token') },
    async stop() {
      process.kill(-child.pid!, 'SIGINT');
      return exited;
    },
  };
}

/** True when a DynamoDB Local JVM listening on this port is still alive. */
export function javaAlive(port: number): boolean {
  const out = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar -port ${port} `], { encoding: 'utf8' });
  return out.stdout.trim() !== '';
}
