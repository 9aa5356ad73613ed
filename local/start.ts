/**
 * `npm start`: DynamoDB Local (data under .omnilab/), the tables, the seeded environments and
 * tokens, and every HTTP function of omnilab on http://localhost:4242. One runtime, built once from
 * the configuration, serves the HTTP functions, the scheduled function and the seeding.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createGuardrailCheckHandler } from '../functions/handlers/guardrail-check-handler';
import { createDynamoClients, createRuntime } from '../functions/runtime/composition-root';
import {
  type LocalConfig,
  loadConfig,
  loadLocalConfig,
  type OmnilabConfig,
} from '../functions/runtime/config';
import { errorFields, logger } from '../functions/runtime/logger';
import { createLogNotifier } from '../functions/services/notifier';
import { migrateTotals } from '../functions/stores/totals-migration';
import { createTables } from './create-tables';
import { type DynamoDbLocal, JAVA_MISSING, javaVersion, startDynamoDbLocal } from './dynamodb-local';
import { withLocalRestage } from './local-restage';
import { portInUseMessage } from './port-holder';
import { watchAncestors } from './process-watch';
import { generateLocalTokens, LOCAL_REVIEWER, type LocalTokens, seedLocal } from './seed';
import { type LocalServer, startServer } from './server';

const HELP = `Usage: npm start [-- --in-memory]

Starts omnilab on one machine: DynamoDB Local (data in .omnilab/, kept across restarts),
and every HTTP function on http://localhost:$PORT (default 4242).

  --in-memory   keep nothing: a throwaway run
  --help        this text

Environment: PORT, HOST (default 127.0.0.1: only this machine may connect; HOST=0.0.0.0 lets others in),
OMNILAB_CONSOLE_ORIGINS (default http://localhost:$PORT,http://127.0.0.1:$PORT: the browser origins that may call
admin routes; client, frontend and OFREP routes answer any origin), OMNILAB_STATE_DIR (default .omnilab), OMNILAB_ADMIN_TOKEN and OMNILAB_CLIENT_TOKEN (the platform-admin and the
development client token to accept), OMNILAB_CHANNELS (default mobile,web,branch,call_center,wechat,atm),
OMNILAB_SCHEDULE_MS (default 60000: how often the scheduled function checks guardrails and applies
due changes, as EventBridge does every minute on AWS).

It stops, DynamoDB Local with it, on Ctrl-C, SIGINT, SIGTERM or SIGHUP, and when the process that
started it ends (a closed terminal, a killed parent).`;

/** Local tokens survive restarts in a git-ignored file: they are printed at every start. */
function localTokens(
  given: { adminToken?: string; clientToken?: string; stateDir: string },
  persist: boolean,
): Required<LocalTokens> {
  const file = join(given.stateDir, 'local-tokens.json');
  let saved: Partial<LocalTokens> = {};
  if (persist && existsSync(file)) saved = JSON.parse(readFileSync(file, 'utf8'));
  const tokens = generateLocalTokens({
    ...saved,
    ...(given.adminToken ? { admin: given.adminToken } : {}),
    ...(given.clientToken ? { client: given.clientToken } : {}),
  });
  if (persist) {
    mkdirSync(given.stateDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  }
  return tokens;
}

/**
 * The secret tokens are keyed with, generated once into the state directory (OMNILAB_TOKEN_PEPPER
 * overrides it): tokens minted before a restart still authenticate after it.
 */
function localPepper(given: string | undefined, stateDir: string, persist: boolean): string {
  if (given) return given;
  const file = join(stateDir, 'token-pepper');
  if (persist && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const pepper = randomBytes(32).toString('hex');
  if (persist) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, `${pepper}\n`, { mode: 0o600 });
  }
  return pepper;
}

/** What `npm start` runs with: the environment's configuration, on DynamoDB Local, with its state directory. */
function localConfig(
  base: OmnilabConfig,
  local: LocalConfig,
  dynamodbEndpoint: string,
  inMemory: boolean,
): OmnilabConfig {
  const scratch = (name: string) => join(tmpdir(), `omnilab-${name}-${process.pid}-${Date.now()}`);
  return {
    ...base,
    dynamodbEndpoint,
    consoleOrigins: local.consoleOrigins,
    tokenPepper: localPepper(base.tokenPepper, local.stateDir, !inMemory),
    // The audit chain's head is anchored outside DynamoDB, so a rolled-back table shows.
    auditAnchorFile: inMemory
      ? `${scratch('audit-anchor')}.jsonl`
      : join(local.stateDir, 'audit-anchor.jsonl'),
    // Every raw event POST /api/events receives, under <state>/lake (docs/experiments.md).
    stateDir: inMemory ? scratch('state') : local.stateDir,
  };
}

/** Free or not, tried the way the server will listen; EADDRINUSE is the only "in use". */
function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EADDRINUSE' ? resolvePort(false) : reject(e),
    );
    probe.listen(port, host, () => probe.close(() => resolvePort(true)));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  const unknown = args.filter((a) => a !== '--in-memory');
  if (unknown.length > 0) {
    console.error(`unknown option ${unknown[0]}\n\n${HELP}`);
    process.exit(2);
  }
  const inMemory = args.includes('--in-memory');
  const version = javaVersion();
  if (version === null || version < 17) {
    console.error(JAVA_MISSING);
    process.exit(1);
  }
  const local = loadLocalConfig(process.env);

  let dynamo: DynamoDbLocal | undefined;
  let server: LocalServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let unwatch: (() => void) | undefined;
  const stop = async (code: number, why = '') => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstopping omnilab${why ? ` (${why})` : ''}…`);
    unwatch?.();
    if (timer) clearInterval(timer);
    // Whatever hangs, the ports are given back within seconds: DynamoDB Local gets SIGKILL after 5 s.
    setTimeout(() => process.exit(code), 8000).unref();
    await server?.close().catch(() => undefined);
    await dynamo?.stop();
    process.exit(code);
  };
  // Before anything starts: a signal during start-up must stop what has started, too. SIGHUP is
  // what a closed terminal or a terminal multiplexer sends; SIGTERM what a service manager sends.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => void stop(0, signal));
  // And when whatever started `npm start` ends without a signal reaching it.
  unwatch = watchAncestors((pid) => void stop(0, `the process that started it, pid ${pid}, ended`));

  if (!(await portFree(local.port, local.host))) {
    console.error(portInUseMessage(local.port));
    process.exit(1);
  }

  try {
    dynamo = await startDynamoDbLocal(inMemory ? {} : { dbPath: join(local.stateDir, 'dynamodb') });
    if (stopping) return void (await dynamo.stop());
    // The AWS SDK warns that its releases from 2027 need Node 22; omnilab pins one that runs on 20.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const config = localConfig(loadConfig(process.env), local, dynamo.endpoint, inMemory);
    const clients = createDynamoClients(config);
    await createTables(clients.client, config.tablePrefix);
    const runtime = withLocalRestage(createRuntime(config, clients));
    // Statistics stored before the running totals existed get theirs (once; a mark ends it after).
    await migrateTotals(
      clients.client,
      runtime.tables.events,
      (await runtime.experiments.list()).map((e) => e.key),
    );
    const tokens = localTokens(local, !inMemory);
    await seedLocal(runtime, tokens);
    try {
      server = await startServer({ runtime, port: local.port, host: local.host });
    } catch (e) {
      // Taken meanwhile: the same one line as before DynamoDB Local started.
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(portInUseMessage(local.port));
      throw e;
    }
    // The scheduled function, as EventBridge runs it on AWS; alerts go to the log and the console.
    const scheduled = createGuardrailCheckHandler(runtime, createLogNotifier());
    let running = false;
    timer = setInterval(() => {
      if (running) return;
      running = true;
      scheduled()
        .catch((e) =>
          logger.error('the scheduled run failed: it runs again next time', {
            job: 'guardrail-check',
            error: errorFields(e),
          }),
        )
        .finally(() => {
          running = false;
        });
    }, local.scheduleMs);
    const url = server.url;
    console.log(`omnilab is running${inMemory ? ' (in memory: nothing is kept)' : ` (data in ${local.stateDir}/)`}

  console        ${url}/
  admin API      ${url}/api/admin/flags
  Unleash API    ${url}/api/            (client API: /api/client/features, frontend API: /api/frontend)
  OFREP          ${url}/ofrep/v1/evaluate/flags
  OpenAPI        ${url}/api/openapi.json
  DynamoDB Local ${dynamo.endpoint}

  listening on   ${server.address}:${server.port}${server.address === '127.0.0.1' ? ' only (HOST=0.0.0.0 to let other machines in)' : ''}; DynamoDB Local on ${dynamo.host}
  admin routes   answer browsers from ${local.consoleOrigins.join(', ')} only (OMNILAB_CONSOLE_ORIGINS)

  admin token (platform admin)        ${tokens.admin}
  reviewer token (approves)           ${tokens.reviewer}
  client token (development)          ${tokens.client}
  frontend token (development)        ${tokens.frontend}
  production client token             ${tokens.productionClient}
  (the reviewer, ${LOCAL_REVIEWER}, is a second person: it approves the change requests the admin opens)

Ctrl-C stops everything (so do SIGTERM and SIGHUP, and the end of the process that started it).`);
  } catch (e) {
    console.error(`omnilab did not start: ${(e as Error).message}`);
    await stop(1);
  }
}

void main();
