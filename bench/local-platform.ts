/**
 * The local platform (DynamoDB tables, tokens of every kind, the HTTP server that runs the Lambda
 * handlers) outside Vitest, for the benchmarks and the reliability suite: in this process, or in a
 * child process so that its memory and CPU are measured alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createDynamoClients, createRuntime, type Runtime } from '../functions/lib/composition-root';
import { loadConfig, setConfigEnv } from '../functions/lib/config';
import { generateToken, hashToken } from '../functions/lib/tokens';
import { createTables } from '../local/create-tables';
import { seedLocal } from '../local/seed';
import { startServer } from '../local/server';
import type { TokenRecord } from '../shared/model/token';

export interface PlatformTokens {
  admin: string;
  squadPayments: string;
  squadCards: string;
  productOwner: string;
  auditor: string;
  client: string;
  productionClient: string;
  frontend: string;
  productionFrontend: string;
}

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

export async function seedPlatform(runtime: Runtime): Promise<PlatformTokens> {
  const tokens: PlatformTokens = {
    admin: generateToken('admin', 'platform-admin'),
    squadPayments: generateToken('admin', 'payments'),
    squadCards: generateToken('admin', 'cards'),
    productOwner: generateToken('admin', 'product-owner'),
    auditor: generateToken('admin', 'auditor'),
    client: generateToken('client', 'development'),
    productionClient: generateToken('client', 'production'),
    frontend: generateToken('frontend', 'development'),
    productionFrontend: generateToken('frontend', 'production'),
  };
  await seedLocal(runtime, { admin: tokens.admin, client: tokens.client, frontend: tokens.frontend });
  const createdAt = runtime.now().toISOString();
  const record = (secret: string, name: string, rest: Omit<TokenRecord, 'hash' | 'name' | 'createdAt'>) =>
    ({ hash: hashToken(secret), name, createdAt, ...rest }) as TokenRecord;
  await runtime.tokens.seed([
    record(tokens.squadPayments, 'payments-squad', { kind: 'admin', role: 'squad', squad: 'payments' }),
    record(tokens.squadCards, 'cards-squad', { kind: 'admin', role: 'squad', squad: 'cards' }),
    record(tokens.productOwner, 'po', { kind: 'admin', role: 'product-owner' }),
    record(tokens.auditor, 'risk-auditor', { kind: 'admin', role: 'auditor' }),
    record(tokens.productionClient, 'prod-client', { kind: 'client', environment: 'production' }),
    record(tokens.productionFrontend, 'prod-frontend', { kind: 'frontend', environment: 'production' }),
  ]);
  return tokens;
}

/** Handlers build their runtime from the environment on import: configure it before the server starts. */
export async function startPlatform(options: PlatformOptions): Promise<InProcessPlatform> {
  setConfigEnv({
    OMNILAB_DYNAMODB_ENDPOINT: options.endpoint,
    OMNILAB_TABLE_PREFIX: options.tablePrefix,
    OMNILAB_CONFIG_CACHE_MS: String(options.configCacheMs ?? 1000),
    OMNILAB_TOKEN_CACHE_MS: String(options.tokenCacheMs ?? 5000),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const config = loadConfig(process.env);
  const clients = createDynamoClients(config);
  await createTables(clients.client, config.tablePrefix);
  const runtime = createRuntime(config, clients);
  const tokens = await seedPlatform(runtime);
  const server = await startServer({ runtime, port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${server.port}`,
    tokens,
    runtime,
    close: async () => {
      await server.close();
      clients.client.destroy();
    },
  };
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
