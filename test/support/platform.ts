/**
 * A whole omnilab for one test file: its own tables in the shared DynamoDB Local, seeded tokens of
 * every kind, and the local HTTP server (the same handlers Lambda runs) on a free port.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDynamoClients, createRuntime, type Runtime } from '../../functions/lib/composition-root';
import { type ConfigVariable, loadConfig, setConfigEnv } from '../../functions/lib/config';
import { generateToken, hashToken } from '../../functions/lib/tokens';
import { createTables } from '../../local/create-tables';
import { seedLocal } from '../../local/seed';
import { type LocalServer, startServer } from '../../local/server';
import type { TokenRecord } from '../../shared/model/token';

export interface TestTokens {
  admin: string;
  client: string;
  frontend: string;
  productionClient: string;
  squadPayments: string;
  squadCards: string;
  productOwner: string;
  /** Risk and audit: reads, verifies and exports the audit chain, approves change requests. */
  auditor: string;
  /** A second platform admin, so four-eyes approvals have someone to come from. */
  secondAdmin: string;
}

export interface TestPlatform {
  url: string;
  tokens: TestTokens;
  runtime: Runtime;
  server: LocalServer;
  /** fetch against the platform with a token (raw, as Unleash SDKs send it). */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestPlatform(
  env: Partial<Record<ConfigVariable, string>> = {},
): Promise<TestPlatform> {
  setConfigEnv({
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    OMNILAB_TABLE_PREFIX: `t${randomBytes(4).toString('hex')}-`,
    OMNILAB_CONFIG_CACHE_MS: '0',
    OMNILAB_TOKEN_CACHE_MS: '0',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...env,
  });
  const config = loadConfig(process.env);
  const clients = createDynamoClients(config);
  await createTables(clients.client, config.tablePrefix);
  const runtime = createRuntime(config, clients);
  const tokens: TestTokens = {
    admin: generateToken('admin', 'platform-admin'),
    client: generateToken('client', 'development'),
    frontend: generateToken('frontend', 'development'),
    productionClient: generateToken('client', 'production'),
    squadPayments: generateToken('admin', 'payments'),
    squadCards: generateToken('admin', 'cards'),
    productOwner: generateToken('admin', 'product-owner'),
    auditor: generateToken('admin', 'auditor'),
    secondAdmin: generateToken('admin', 'platform-admin'),
  };
  await seedLocal(runtime, { admin: tokens.admin, client: tokens.client, frontend: tokens.frontend });
  const createdAt = new Date().toISOString();
  const extra: TokenRecord[] = [
    {
      hash: hashToken(tokens.productionClient),
      name: 'prod-client',
      kind: 'client',
      environment: 'production',
      createdAt,
    },
    {
      hash: hashToken(tokens.squadPayments),
      name: 'payments-squad',
      kind: 'admin',
      role: 'squad',
      squad: 'payments',
      createdAt,
    },
    {
      hash: hashToken(tokens.squadCards),
      name: 'cards-squad',
      kind: 'admin',
      role: 'squad',
      squad: 'cards',
      createdAt,
    },
    {
      hash: hashToken(tokens.productOwner),
      name: 'po-anna',
      kind: 'admin',
      role: 'product-owner',
      createdAt,
    },
    { hash: hashToken(tokens.auditor), name: 'risk-li', kind: 'admin', role: 'auditor', createdAt },
    {
      hash: hashToken(tokens.secondAdmin),
      name: 'admin-wang',
      kind: 'admin',
      role: 'platform-admin',
      createdAt,
    },
  ];
  await runtime.tokens.seed(extra);
  const server = await startServer({ runtime, port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    tokens,
    runtime,
    server,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = options.token;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      return fetch(`${url}${path}`, { method, headers, body });
    },
    close: () => server.close(),
  };
}

export async function bodyOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
