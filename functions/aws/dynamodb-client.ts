/**
 * omnilab's own low-level DynamoDB client: the JSON protocol (POST, `X-Amz-Target:
 * DynamoDB_20120810.<Operation>`) over fetch, signed with SigV4, with a request timeout, a bound on
 * the answer's size, its CRC32 and shape checked (functions/aws/dynamodb-response.ts), redirects
 * never followed, and the AWS SDK's standard retries (functions/aws/retry-policy.ts). It replaces @aws-sdk/client-dynamodb
 * in every function bundle; commands are classes with an `input`, as the SDK's are, so a store
 * changes only its imports.
 */
import { randomUUID } from 'node:crypto';
import {
  AwsMalformedResponseError,
  AwsNetworkError,
  AwsResponseTooLargeError,
  AwsTimeoutError,
  type DynamoDbServiceError,
  serviceError,
} from './dynamodb-errors';
import { checkCrc32, parseAnswer } from './dynamodb-response';
import type {
  AttributeValue,
  BatchGetInput,
  BatchGetOutput,
  BatchWriteInput,
  BatchWriteOutput,
  CreateTableInput,
  CreateTableOutput,
  DeleteInput,
  DeleteTableInput,
  DeleteTableOutput,
  DescribeTableInput,
  DescribeTableOutput,
  DescribeTimeToLiveInput,
  DescribeTimeToLiveOutput,
  GetInput,
  GetOutput,
  Item,
  ListTablesInput,
  ListTablesOutput,
  PageOutput,
  PutInput,
  QueryInput,
  ScanInput,
  TransactGetInput,
  TransactGetOutput,
  TransactWriteInput,
  TransactWriteItem as TransactWriteItemOf,
  TransactWriteOutput,
  UpdateInput,
  UpdateTableInput,
  UpdateTableOutput,
  UpdateTimeToLiveInput,
  UpdateTimeToLiveOutput,
  WriteOutput,
} from './dynamodb-types';
import { MAX_RESPONSE_BYTES, readBody } from './response-body';
import { RetryPolicy } from './retry-policy';
import { type AwsCredentials, signRequest } from './sigv4';

export type { AttributeValue, Item } from './dynamodb-types';

/** Where credentials come from: the environment in Lambda, fixed ones for DynamoDB Local, a profile chain on a laptop. */
export type CredentialSource = () => Promise<AwsCredentials>;

/** A command: the operation's name and its input; `O` is what `send` answers. */
export abstract class DynamoDbCommand<I, O> {
  abstract readonly operation: string;
  /** Only carries the output type (never set). */
  declare readonly output?: O;
  constructor(readonly input: I) {}
}

export class GetItemCommand extends DynamoDbCommand<GetInput<Item>, GetOutput<Item>> {
  readonly operation = 'GetItem';
}
export class PutItemCommand extends DynamoDbCommand<PutInput<Item, AttributeValue>, WriteOutput<Item>> {
  readonly operation = 'PutItem';
}
export class UpdateItemCommand extends DynamoDbCommand<UpdateInput<Item, AttributeValue>, WriteOutput<Item>> {
  readonly operation = 'UpdateItem';
}
export class DeleteItemCommand extends DynamoDbCommand<DeleteInput<Item, AttributeValue>, WriteOutput<Item>> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends DynamoDbCommand<QueryInput<Item, AttributeValue>, PageOutput<Item>> {
  readonly operation = 'Query';
}
export class ScanCommand extends DynamoDbCommand<ScanInput<Item, AttributeValue>, PageOutput<Item>> {
  readonly operation = 'Scan';
}
export class BatchGetItemCommand extends DynamoDbCommand<BatchGetInput<Item>, BatchGetOutput<Item>> {
  readonly operation = 'BatchGetItem';
}
export class BatchWriteItemCommand extends DynamoDbCommand<BatchWriteInput<Item>, BatchWriteOutput<Item>> {
  readonly operation = 'BatchWriteItem';
}
export class TransactWriteItemsCommand extends DynamoDbCommand<
  TransactWriteInput<Item, AttributeValue>,
  TransactWriteOutput
> {
  readonly operation = 'TransactWriteItems';
}
export class TransactGetItemsCommand extends DynamoDbCommand<
  TransactGetInput<Item>,
  TransactGetOutput<Item>
> {
  readonly operation = 'TransactGetItems';
}
export class CreateTableCommand extends DynamoDbCommand<CreateTableInput, CreateTableOutput> {
  readonly operation = 'CreateTable';
}
export class DescribeTableCommand extends DynamoDbCommand<DescribeTableInput, DescribeTableOutput> {
  readonly operation = 'DescribeTable';
}
export class UpdateTableCommand extends DynamoDbCommand<UpdateTableInput, UpdateTableOutput> {
  readonly operation = 'UpdateTable';
}
export class DeleteTableCommand extends DynamoDbCommand<DeleteTableInput, DeleteTableOutput> {
  readonly operation = 'DeleteTable';
}
export class ListTablesCommand extends DynamoDbCommand<ListTablesInput, ListTablesOutput> {
  readonly operation = 'ListTables';
}
export class UpdateTimeToLiveCommand extends DynamoDbCommand<UpdateTimeToLiveInput, UpdateTimeToLiveOutput> {
  readonly operation = 'UpdateTimeToLive';
}
export class DescribeTimeToLiveCommand extends DynamoDbCommand<
  DescribeTimeToLiveInput,
  DescribeTimeToLiveOutput
> {
  readonly operation = 'DescribeTimeToLive';
}

/**
 * Runs around every `send`, outside the retries (as an SDK middleware at its initialize step):
 * tests count, delay or fail commands here; `next` sends the command.
 */
export type SendHook = (
  command: DynamoDbCommand<unknown, unknown>,
  next: () => Promise<unknown>,
) => Promise<unknown>;

export interface DynamoDbClientOptions {
  region: string;
  /** DynamoDB Local (or a test proxy); `https://dynamodb.<region>.amazonaws.com` when absent. */
  endpoint?: string;
  /** A source, or fixed credentials (DynamoDB Local takes any). */
  credentials: CredentialSource | AwsCredentials;
  /** Attempts per call, the first included (the SDK's standard mode: 3). */
  maxAttempts?: number;
  /** Milliseconds an attempt may take, its answer's body read, before it counts as a timeout. */
  timeoutMs?: number;
  /** The largest answer read, in bytes (functions/aws/response-body.ts: 32 MiB). */
  maxResponseBytes?: number;
  /** The fetch to send with (tests inject failures here). */
  fetch?: typeof fetch;
  /** Waits between attempts (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Every attempt's answer in DynamoDB's JSON: binary values arrive base64, leave as Uint8Array. */
function reviveBinary(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.map((v: string) => new Uint8Array(Buffer.from(v, 'base64')));
  return value;
}

function encodeBinary(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

/** A Query or Scan's start or last key, as sent (undefined when there is none). */
function keyOf(value: unknown, field: 'ExclusiveStartKey' | 'LastEvaluatedKey'): string | undefined {
  if (!value || typeof value !== 'object' || !(field in value)) return undefined;
  const key: unknown = Reflect.get(value, field);
  return key === undefined ? undefined : JSON.stringify(key, encodeBinary);
}

/** Node's network code behind fetch's `TypeError: fetch failed` (undici's socket close is a reset). */
function networkCode(e: unknown): string | undefined {
  let cause: unknown = e;
  for (let depth = 0; depth < 4 && cause && typeof cause === 'object'; depth++) {
    const code = 'code' in cause ? cause.code : undefined;
    if (typeof code === 'string') return code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code;
    cause = 'cause' in cause ? cause.cause : undefined;
  }
  return undefined;
}

/**
 * An attempt with no answer after this long is abandoned (the SDK waits without limit): API Gateway
 * gives up on an HTTP call at 29 s, so a longer wait could answer nobody. A loaded DynamoDB Local
 * takes seconds for a 100-item transaction; a timed-out transaction retried carries the same
 * ClientRequestToken, so it applies once.
 */
const DEFAULT_TIMEOUT_MS = 25_000;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export class DynamoDbClient {
  readonly region: string;
  readonly endpoint: URL;
  readonly credentials: CredentialSource;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly fetch: typeof fetch;
  private readonly retries: RetryPolicy;
  private readonly hooks: SendHook[] = [];

  constructor(options: DynamoDbClientOptions) {
    this.region = options.region;
    this.endpoint = new URL(options.endpoint ?? `https://dynamodb.${options.region}.amazonaws.com`);
    const given = options.credentials;
    this.credentials = typeof given === 'function' ? given : async () => given;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.retries = new RetryPolicy({
      maxAttempts: options.maxAttempts ?? 3,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: options.random ?? Math.random,
    });
  }

  /** Adds a hook around every later `send` (the last added runs outermost). */
  use(hook: SendHook): void {
    this.hooks.push(hook);
  }

  send<I, O>(command: DynamoDbCommand<I, O>): Promise<O> {
    let next = () => this.sendNow(command);
    for (const hook of this.hooks) {
      const inner = next;
      // What a hook's `next` resolves to is this command's output: the hooks only pass it on.
      next = () => hook(command, inner) as Promise<O>;
    }
    return next();
  }

  private async sendNow<I, O>(command: DynamoDbCommand<I, O>): Promise<O> {
    // A transaction carries one token across its attempts, so a resent commit applies once.
    const input =
      command instanceof TransactWriteItemsCommand && !command.input.ClientRequestToken
        ? { ...command.input, ClientRequestToken: randomUUID() }
        : command.input;
    const body = JSON.stringify(input, encodeBinary);
    const out = await this.retries.run((attempt) => this.attempt<O>(command.operation, body, attempt));
    // DynamoDB's next page always starts past the start key: an answer that gives it back would
    // have a paging loop (functions/stores/dynamo-support.ts) ask for the same page forever.
    const start = keyOf(input, 'ExclusiveStartKey');
    if (start !== undefined && start === keyOf(out, 'LastEvaluatedKey'))
      throw new AwsMalformedResponseError('its LastEvaluatedKey is the ExclusiveStartKey', 200);
    return out;
  }

  /** Nothing to release: fetch pools its connections process-wide. Kept for the SDK's call sites. */
  destroy(): void {}

  private async attempt<O>(operation: string, body: string, attempt: number): Promise<O> {
    const signed = signRequest(
      {
        method: 'POST',
        host: this.endpoint.host,
        path: this.endpoint.pathname,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'amz-sdk-request': `attempt=${attempt}`,
        },
        body,
      },
      { service: 'dynamodb', region: this.region, credentials: await this.credentials() },
    );
    delete signed.host;
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await this.fetch(this.endpoint, {
        method: 'POST',
        // Uncompressed, so x-amz-crc32 is the CRC32 of the bytes read (and no gzip bomb).
        headers: { ...signed, 'accept-encoding': 'identity' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        // Never followed: a redirect would carry the signed headers (a session token) elsewhere.
        redirect: 'manual',
      });
      bytes = await readBody(response, this.maxResponseBytes);
    } catch (e) {
      if (e instanceof AwsResponseTooLargeError) throw e;
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
        throw new AwsTimeoutError(this.timeoutMs);
      const code = networkCode(e);
      throw new AwsNetworkError(
        `DynamoDB ${operation} got no answer: ${e instanceof Error ? e.message : String(e)}${code ? ` (${code})` : ''}`,
        code,
        e,
      );
    }
    checkCrc32(bytes, response.headers, response.status);
    if (response.status >= 300 && response.status < 400)
      throw new AwsMalformedResponseError('a redirect, not followed', response.status);
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      throw new AwsMalformedResponseError('not UTF-8', response.status);
    }
    const parsed = parseAnswer(text, response.status, response.ok, reviveBinary);
    // Checked by parseAnswer: a JSON object whose items are maps of attribute values.
    if (response.ok) return parsed as O;
    const error: DynamoDbServiceError = serviceError(response.status, parsed, response.headers);
    throw error;
  }
}

/** The low-level shapes under the SDK's names, for code that (un)marshals itself (the event store). */
export type TransactWriteItem = TransactWriteItemOf<Item, AttributeValue>;
export type QueryCommandOutput = PageOutput<Item>;
export type ScanCommandOutput = PageOutput<Item>;
export type BatchGetItemCommandOutput = BatchGetOutput<Item>;
export type GetItemCommandOutput = GetOutput<Item>;
