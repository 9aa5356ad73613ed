/**
 * The configuration, read from an environment record: `loadConfig(env)` is pure over the record it
 * is given. The Lambda entries (through getRuntime), `npm start` and the operator scripts hand it
 * process.env; tests and benchmarks build a record or a config of their own and never write
 * process.env to configure a runtime.
 */
import { DEFAULT_CHANNELS } from '../../shared/model/channels';
import { DEFAULT_SENSITIVE_FIELDS } from '../../shared/model/hide-targeting';

export interface OmnilabConfig {
  /** Prefix of every table name: one deployment (or one test file) per prefix. */
  tablePrefix: string;
  /** Set for DynamoDB Local; unset on AWS. */
  dynamodbEndpoint: string | undefined;
  region: string;
  channels: string[];
  /** How long a Lambda instance reuses the flags it read; 0 reads them on every request. */
  configCacheMs: number;
  /** How long a verified token is trusted before it is looked up again (revocation delay). */
  tokenCacheMs: number;
  /** Bodies above this are refused with 413, except where a route allows more (imports). */
  maxBodyBytes: number;
  metricsRetentionDays: number;
  /** The SNS topic guardrail roll-backs are published to; unset locally (the log and the console). */
  alertTopicArn: string | undefined;
  /** How long a declared emergency change may wait for its retrospective review (hours). */
  emergencyReviewHours: number;
  /**
   * Origins of the web console: the only ones whose browser pages may call admin routes (CORS).
   * Client, frontend and OFREP routes answer every origin.
   */
  consoleOrigins: string[];
  /** Strict-Transport-Security max-age of API answers, in seconds; 0 (locally, over http) sends none. */
  hstsMaxAgeSeconds: number;
  /** The secret tokens are keyed with (functions/services/tokens.ts); locally in .omnilab/token-pepper. */
  tokenPepper: string | undefined;
  /** On AWS: the Secrets Manager secret holding the token pepper. */
  tokenPepperSecretArn: string | undefined;
  /** Locally: the file the audit chain's heads are anchored in (`npm start`: .omnilab/audit-anchor.jsonl). */
  auditAnchorFile: string | undefined;
  /** On AWS: the Object Lock bucket the audit chain's heads are anchored in. */
  auditAnchorBucket: string | undefined;
  /**
   * The context fields whose targeting values app keys are served hashed (OMNILAB_SENSITIVE_FIELDS,
   * comma-separated; default userId, customerId, accountNumber).
   */
  sensitiveFields: string[];
  /**
   * Locally: the directory whose `lake/` keeps every raw event (OMNILAB_STATE_DIR; `npm start`
   * sets it to its state directory). With neither it nor a raw event stream, no raw event is kept.
   */
  stateDir: string | undefined;
  /** On AWS: where raw events go (Kinesis Data Firehose) and are queried from (Glue, Athena). */
  rawEvents: RawEventsConfig | undefined;
  /** The data-quality report counts an event late when received more than this many hours after its timestamp. */
  lateAfterHours: number;
  /**
   * On AWS, admin-governance only: the deployed name of each function a change request's edit is
   * restaged by (functions/services/route-owners.ts), from OMNILAB_RESTAGE_FUNCTIONS
   * (`admin-flags=<name>,admin-segments=<name>,…`, set by CDK); empty elsewhere.
   */
  restageFunctions: Record<string, string>;
  /** OMNILAB_LAMBDA_ENDPOINT: Lambda's Invoke API elsewhere than AWS's (a test's stand-in); unset on AWS. */
  lambdaEndpoint: string | undefined;
}

export interface RawEventsConfig {
  /** OMNILAB_RAW_EVENTS_STREAM: the Firehose delivery stream records are put on. */
  stream: string;
  /** OMNILAB_RAW_EVENTS_BUCKET: the lake bucket (events/ and rejected/). */
  bucket: string;
  /** OMNILAB_RAW_EVENTS_DATABASE: the Glue database with the tables `events` and `rejected`. */
  database: string;
  /** OMNILAB_ATHENA_WORKGROUP: the workgroup the data-quality queries run in. */
  workgroup: string;
}

export interface LocalConfig {
  port: number;
  /** The address `npm start` listens on: 127.0.0.1 unless HOST widens it (HOST=0.0.0.0). */
  host: string;
  /** OMNILAB_CONSOLE_ORIGINS when set; else the console `npm start` serves, on its port. */
  consoleOrigins: string[];
  /** Where `npm start` keeps DynamoDB Local's data and the local tokens. */
  stateDir: string;
  adminToken: string | undefined;
  clientToken: string | undefined;
  /** How often `npm start` runs the scheduled function (guardrails, scheduled changes). */
  scheduleMs: number;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a whole number of 0 or more, got "${raw}"`);
  return n;
}

/** A comma-separated list, trimmed; undefined when it names nothing. */
function list(raw: string | undefined): string[] | undefined {
  const items = raw
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return items && items.length > 0 ? items : undefined;
}

export function loadConfig(env: Env): OmnilabConfig {
  const channels = env.OMNILAB_CHANNELS?.split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return {
    tablePrefix: env.OMNILAB_TABLE_PREFIX ?? 'omnilab-',
    dynamodbEndpoint: env.OMNILAB_DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'eu-west-1',
    channels: channels && channels.length > 0 ? channels : [...DEFAULT_CHANNELS],
    configCacheMs: integer(env, 'OMNILAB_CONFIG_CACHE_MS', 1000),
    tokenCacheMs: integer(env, 'OMNILAB_TOKEN_CACHE_MS', 5000),
    maxBodyBytes: integer(env, 'OMNILAB_MAX_BODY_BYTES', 256 * 1024),
    metricsRetentionDays: integer(env, 'OMNILAB_METRICS_RETENTION_DAYS', 30),
    alertTopicArn: env.OMNILAB_ALERT_TOPIC_ARN || undefined,
    emergencyReviewHours: integer(env, 'OMNILAB_EMERGENCY_REVIEW_HOURS', 24),
    consoleOrigins: origins(env) ?? localConsoleOrigins(4242),
    hstsMaxAgeSeconds: integer(env, 'OMNILAB_HSTS_MAX_AGE_SECONDS', 0),
    tokenPepper: env.OMNILAB_TOKEN_PEPPER || undefined,
    tokenPepperSecretArn: env.OMNILAB_TOKEN_PEPPER_SECRET_ARN || undefined,
    auditAnchorFile: env.OMNILAB_AUDIT_ANCHOR_FILE || undefined,
    auditAnchorBucket: env.OMNILAB_AUDIT_ANCHOR_BUCKET || undefined,
    sensitiveFields: list(env.OMNILAB_SENSITIVE_FIELDS) ?? [...DEFAULT_SENSITIVE_FIELDS],
    stateDir: env.OMNILAB_STATE_DIR || undefined,
    rawEvents: env.OMNILAB_RAW_EVENTS_STREAM
      ? {
          stream: env.OMNILAB_RAW_EVENTS_STREAM,
          bucket: env.OMNILAB_RAW_EVENTS_BUCKET ?? '',
          database: env.OMNILAB_RAW_EVENTS_DATABASE ?? '',
          workgroup: env.OMNILAB_ATHENA_WORKGROUP ?? 'primary',
        }
      : undefined,
    lateAfterHours: integer(env, 'OMNILAB_LATE_AFTER_HOURS', 24),
    restageFunctions: functionNames(env.OMNILAB_RESTAGE_FUNCTIONS),
    lambdaEndpoint: env.OMNILAB_LAMBDA_ENDPOINT || undefined,
  };
}

/** OMNILAB_RESTAGE_FUNCTIONS: comma-separated `function=deployed-name` pairs. */
function functionNames(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list(raw) ?? []) {
    const [name, deployed, ...rest] = pair.split('=').map((p) => p.trim());
    if (!name || !deployed || rest.length > 0)
      throw new Error(`OMNILAB_RESTAGE_FUNCTIONS must list function=deployed-name pairs, got "${pair}"`);
    out[name] = deployed;
  }
  return out;
}

/** OMNILAB_CONSOLE_ORIGINS: comma-separated origins (`https://console.example.com`), no paths. */
function origins(env: Env): string[] | undefined {
  const list = env.OMNILAB_CONSOLE_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  if (!list || list.length === 0) return undefined;
  for (const o of list) {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== o)
      throw new Error(
        `OMNILAB_CONSOLE_ORIGINS must list origins like https://console.example.com, got "${o}"`,
      );
  }
  return list;
}

/** The console `npm start` serves, by both names a browser may use for this machine. */
export function localConsoleOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}

export function loadLocalConfig(env: Env): LocalConfig {
  const port = integer(env, 'PORT', 4242);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    consoleOrigins: origins(env) ?? localConsoleOrigins(port),
    stateDir: env.OMNILAB_STATE_DIR || '.omnilab',
    adminToken: env.OMNILAB_ADMIN_TOKEN || undefined,
    clientToken: env.OMNILAB_CLIENT_TOKEN || undefined,
    scheduleMs: integer(env, 'OMNILAB_SCHEDULE_MS', 60_000),
  };
}

/** How the functions log and count (functions/runtime/logger.ts, functions/runtime/metrics.ts). */
export interface TelemetryConfig {
  /** OMNILAB_LOG_LEVEL: DEBUG, INFO (default), WARN, ERROR or SILENT. */
  logLevel: LogLevel;
  /**
   * OMNILAB_METRICS=off leaves the business counters out of the log (CloudWatch EMF lines); on by
   * default, on AWS and under `npm start` alike.
   */
  metricsEnabled: boolean;
  /** The deployment's table prefix (OMNILAB_TABLE_PREFIX): the `deployment` dimension of every counter, one per stage. */
  deployment: string;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];

/** Never throws: the logger is built when a bundle loads, and a typo must not stop the function. */
export function loadTelemetryConfig(env: Env = process.env): TelemetryConfig {
  const level = env.OMNILAB_LOG_LEVEL?.trim().toUpperCase();
  return {
    logLevel: LOG_LEVELS.find((l) => l === level) ?? 'INFO',
    metricsEnabled: env.OMNILAB_METRICS?.trim().toLowerCase() !== 'off',
    deployment: env.OMNILAB_TABLE_PREFIX || 'omnilab-',
  };
}
