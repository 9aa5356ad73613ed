/**
 * The staged runtime remembers what it read within one request: the governed
 * `PUT /api/admin/flags/{name}/environments/{env}` on production reads the flag's item once (the
 * route's read and its staged write's version check share it), counted at the DynamoDB client; a
 * write staged wins over the remembered read; a new request reads again; and a writer between the
 * route's read and the commit still gets 409 (the commit's conditional writes are untouched).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DynamoDbCommand } from '../../functions/aws/dynamodb-client';
import { createDynamoClients, createRuntime, type Runtime } from '../../functions/runtime/composition-root';
import { stage } from '../../functions/services/staging';
import { createTables } from '../../local/create-tables';
import { type PlatformTokens, platformConfig, seedPlatformTokens } from '../../local/platform';
import { type LocalServer, startServer } from '../../local/server';
import type { Flag } from '../../shared/model/flag';

/**
 * One DynamoDB call: its operation and what it reads, the table and the partition (`config/flag`:
 * flags, `config/environment`...; a transaction names none).
 */
interface Call {
  operation: string;
  table: string;
}

let runtime: Runtime;
let server: LocalServer;
let tokens: PlatformTokens;
let url: string;
let prefix: string;
const calls: Call[] = [];
/** Runs inside the DynamoDB client once a matching call has answered (one test's concurrent writer). */
let afterCall: { match: (c: Call) => boolean; run: () => Promise<void> } | undefined;
let close: () => void;

function tableOf(command: DynamoDbCommand<unknown, unknown>): string {
  const input: {
    TableName?: string;
    Key?: { pk?: { S?: string } };
    ExpressionAttributeValues?: { ':pk'?: { S?: string } };
  } = command.input ?? {};
  if (typeof input.TableName !== 'string') return '';
  const partition = input.Key?.pk?.S ?? input.ExpressionAttributeValues?.[':pk']?.S;
  return `${input.TableName.slice(prefix.length)}${partition ? `/${partition}` : ''}`;
}

beforeAll(async () => {
  const config = platformConfig({
    endpoint: inject('dynamodbEndpoint'),
    env: { OMNILAB_CONFIG_CACHE_MS: '0', OMNILAB_TOKEN_CACHE_MS: '0' },
  });
  prefix = config.tablePrefix;
  const clients = createDynamoClients(config);
  clients.client.use(async (command, next) => {
    const call = { operation: command.operation, table: tableOf(command) };
    calls.push(call);
    const out = await next();
    const hook = afterCall;
    if (hook?.match(call)) {
      afterCall = undefined;
      await hook.run();
    }
    return out;
  });
  await createTables(clients.client, config.tablePrefix);
  runtime = createRuntime(config, clients);
  tokens = await seedPlatformTokens(runtime);
  server = await startServer({ runtime, port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${server.port}`;
  close = () => clients.client.destroy();
}, 60_000);

afterAll(async () => {
  await server?.close();
  close?.();
});

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: { authorization: tokens.admin, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createFlag(name: string): Promise<Flag> {
  const res = await call('POST', '/api/admin/flags', { name, squad: 'payments' });
  expect(res.status).toBe(201);
  return (await res.json()) as Flag;
}

/** The calls one request makes, by operation and table: `GetItem flags: 1`. */
async function counted(
  send: () => Promise<Response>,
): Promise<{ res: Response; by: Record<string, number> }> {
  calls.length = 0;
  const res = await send();
  const by: Record<string, number> = {};
  for (const c of calls) by[`${c.operation} ${c.table}`] = (by[`${c.operation} ${c.table}`] ?? 0) + 1;
  return { res, by };
}

describe('staged reads: one request reads an item once', () => {
  it('the governed PUT of a flag on production: the flag item read once, a change request held', async () => {
    const flag = await createFlag('staged-reads-count');
    const { res, by } = await counted(() =>
      call('PUT', `/api/admin/flags/${flag.name}/environments/production`, {
        version: flag.version,
        channels: { mobile: true },
      }),
    );
    console.log(JSON.stringify({ governedPutCalls: by, total: calls.length }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { changeRequest: { id: string; status: string } };
    expect(body.changeRequest.status).toBe('open');
    console.log(JSON.stringify({ governedPutCalls: by, total: calls.length }));
    // The route's read and its staged write's version check: one GetItem of the flag (two before).
    expect(by['GetItem config/flag']).toBe(1);
    expect(by['GetItem config/environment']).toBe(1);
    // The commit's own reads of the state (the effect on production) stay, at commit time.
    expect(by['Query config/flag']).toBe(1);
    expect(by['Query config/environment']).toBe(1);
    // Production serves nothing new: the stored flag is unchanged until someone approves.
    const stored = await runtime.flags.get(flag.name);
    expect(stored?.version).toBe(flag.version);
  });

  it('a write staged wins over the remembered read; a new staged runtime reads again', async () => {
    const flag = await createFlag('staged-reads-overlay');
    const staged = stage(runtime);
    calls.length = 0;
    const first = await staged.flags.get(flag.name);
    // What a route does to what it read is its own: a second read is as stored.
    if (first) first.description = 'changed by the route, not stored';
    const again = await staged.flags.get(flag.name);
    expect(again?.description).toBe('');
    expect(calls.filter((c) => c.operation === 'GetItem')).toHaveLength(1);

    const next: Flag = { ...flag, description: 'staged', version: flag.version + 1 };
    await staged.flags.write([{ flag: next, expectedVersion: flag.version }], []);
    expect(calls.filter((c) => c.operation === 'GetItem')).toHaveLength(1);
    expect((await staged.flags.get(flag.name))?.description).toBe('staged');
    expect((await staged.flags.list()).find((f) => f.name === flag.name)?.description).toBe('staged');

    // Another request (a new staged runtime) reads the store again: nothing was written.
    calls.length = 0;
    expect((await stage(runtime).flags.get(flag.name))?.version).toBe(flag.version);
    expect(calls.filter((c) => c.operation === 'GetItem')).toHaveLength(1);
  });

  it('a writer between the route’s read and the commit: 409, and its write stays', async () => {
    const flag = await createFlag('staged-reads-race');
    // Once the request has read the flag (the route's read, remembered for its write's version
    // check), another writer changes it, before the commit.
    let raced = false;
    afterCall = {
      match: (c) => c.operation === 'GetItem' && c.table === 'config/flag',
      run: async () => {
        raced = true;
        const other: Flag = { ...flag, description: 'the other writer', version: flag.version + 1 };
        await runtime.flags.write([{ flag: other, expectedVersion: flag.version }], []);
      },
    };
    // Development is not protected: the route's write commits at once, conditioned on the version.
    const res = await call('PUT', `/api/admin/flags/${flag.name}/environments/development`, {
      version: flag.version,
      enabled: false,
    });
    expect(raced).toBe(true);
    expect(res.status).toBe(409);
    const stored = await runtime.flags.get(flag.name);
    expect(stored).toMatchObject({ version: flag.version + 1, description: 'the other writer' });
    expect(stored?.environments.development.enabled).toBe(true);
  });
});
