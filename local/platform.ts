/**
 * One whole omnilab on a DynamoDB Local that is already running, for tests and benchmarks alike:
 * its tables under a prefix, the runtime built once from an explicit configuration (never from
 * process.env), tokens of every kind seeded, and the local HTTP server, whose entries are each built
 * with `create(runtime)` over that same runtime, on a free port of 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { createDynamoClients, createRuntime, type Runtime } from '../functions/runtime/composition-root';
import { loadConfig, type OmnilabConfig } from '../functions/runtime/config';
import { generateToken, hashToken } from '../functions/services/tokens';
import type { TokenRecord } from '../shared/model/token';
import { createTables } from './create-tables';
import { withLocalRestage } from './local-restage';
import { seedLocal } from './seed';
import { type LocalServer, startServer } from './server';

export interface PlatformTokens {
  admin: string;
  client: string;
  frontend: string;
  productionClient: string;
  productionFrontend: string;
  squadPayments: string;
  squadCards: string;
  productOwner: string;
  /** Risk and audit: reads, verifies and exports the audit chain, approves change requests. */
  auditor: string;
  /** A second platform admin, so four-eyes approvals have someone to come from. */
  secondAdmin: string;
}

export interface LocalPlatformOptions {
  /** The DynamoDB Local to create the tables in. */
  endpoint: string;
  /** Default: a fresh random prefix, so platforms never share tables. */
  tablePrefix?: string;
  /**
   * Configuration variables (OMNILAB_CONFIG_CACHE_MS, OMNILAB_STATE_DIR, …) read as Lambda reads
   * its environment, over omnilab's defaults; process.env is neither read nor written.
   */
  env?: Record<string, string | undefined>;
}

export interface LocalPlatform {
  url: string;
  tokens: PlatformTokens;
  /** The one runtime the server's entries run over. */
  runtime: Runtime;
  server: LocalServer;
  close(): Promise<void>;
}

/** The configuration a platform runs with: `env` over the defaults, on `endpoint`, under `tablePrefix`. */
export function platformConfig(options: LocalPlatformOptions): OmnilabConfig {
  return loadConfig({
    ...options.env,
    OMNILAB_DYNAMODB_ENDPOINT: options.endpoint,
    OMNILAB_TABLE_PREFIX: options.tablePrefix ?? `t${randomBytes(4).toString('hex')}-`,
  });
}

/** Seeds the environments and one token of every kind; returns their secrets. */
export async function seedPlatformTokens(runtime: Runtime): Promise<PlatformTokens> {
  const tokens: PlatformTokens = {
    admin: generateToken('admin', 'platform-admin'),
    client: generateToken('client', 'development'),
    frontend: generateToken('frontend', 'development'),
    productionClient: generateToken('client', 'production'),
    productionFrontend: generateToken('frontend', 'production'),
    squadPayments: generateToken('admin', 'payments'),
    squadCards: generateToken('admin', 'cards'),
    productOwner: generateToken('admin', 'product-owner'),
    auditor: generateToken('admin', 'auditor'),
    secondAdmin: generateToken('admin', 'platform-admin'),
  };
  await seedLocal(runtime, { admin: tokens.admin, client: tokens.client, frontend: tokens.frontend });
  const createdAt = runtime.now().toISOString();
  const record = (secret: string, name: string, rest: Omit<TokenRecord, 'hash' | 'name' | 'createdAt'>) =>
    ({ hash: hashToken(secret), name, createdAt, ...rest }) as TokenRecord;
  await runtime.tokens.seed([
    record(tokens.productionClient, 'prod-client', { kind: 'client', environment: 'production' }),
    record(tokens.productionFrontend, 'prod-frontend', { kind: 'frontend', environment: 'production' }),
    record(tokens.squadPayments, 'payments-squad', { kind: 'admin', role: 'squad', squad: 'payments' }),
    record(tokens.squadCards, 'cards-squad', { kind: 'admin', role: 'squad', squad: 'cards' }),
    record(tokens.productOwner, 'po-anna', { kind: 'admin', role: 'product-owner' }),
    record(tokens.auditor, 'risk-li', { kind: 'admin', role: 'auditor' }),
    record(tokens.secondAdmin, 'admin-wang', { kind: 'admin', role: 'platform-admin' }),
  ]);
  return tokens;
}

export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const config = platformConfig(options);
  const clients = createDynamoClients(config);
  await createTables(clients.client, config.tablePrefix);
  const runtime = withLocalRestage(createRuntime(config, clients));
  const tokens = await seedPlatformTokens(runtime);
  const server = await startServer({ runtime, port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${server.port}`,
    tokens,
    runtime,
    server,
    close: async () => {
      await server.close();
      clients.client.destroy();
    },
  };
}
