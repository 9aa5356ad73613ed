/**
 * The one client of omnilab's admin API, for the CLI (Node) and the console (browser): fetch with
 * the token, one error class (status, code, message, field) and one retry policy for 503 and 429.
 * It uses nothing but fetch, so both platforms import it; each caller words its errors its own
 * way (the CLI says how to fix things, the console shows the field).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field the problem is at, when the API named one (a 400). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The API's error body: `{ code, message, field? }`. */
export interface ErrorBody {
  code?: string;
  message?: string;
  field?: string;
}

/** What an error answer said: what a caller words its ApiError's message from. */
export interface ErrorAnswer {
  method: string;
  path: string;
  status: number;
  statusText: string;
  /** Absent when the answer had no JSON body. */
  body?: ErrorBody;
}

/** The answers that mean "not now": the API is busy (503) or asks to slow down (429). */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([503, 429]);

/** How many times a 503 or 429 is sent again before its error is given. */
export const RETRIES = 5;

const BASE_DELAY_MS = 500;

/**
 * The wait before retry `attempt` (0 for the first): the answer's Retry-After seconds when it
 * gives them, else 500 ms, doubled on each attempt.
 */
export function retryDelayMs(retryAfter: string | null, attempt: number): number {
  const after = Number(retryAfter);
  return (Number.isFinite(after) && after > 0 ? after * 1000 : BASE_DELAY_MS) * 2 ** attempt;
}

/** The console's wording: the field, then the API's message; the status when there was no body. */
export function fieldMessage(answer: ErrorAnswer): string {
  const { body } = answer;
  if (!body) return `${answer.status} ${answer.statusText}`;
  return body.field ? `${body.field}: ${body.message ?? ''}` : (body.message ?? answer.statusText);
}

export interface AdminClientOptions {
  /** The API's origin (and path prefix), without a trailing slash. */
  baseUrl: string;
  token: string;
  /** The platform's fetch, unless given (tests). */
  fetch?: typeof fetch;
  /** Retries of a 503 or 429; `RETRIES` unless given. */
  retries?: number;
  /** The methods safe to send again after a 503 or 429; every method unless given. */
  repeatable?: (method: string) => boolean;
  /** Headers every request carries. */
  headers?: Record<string, string>;
  /** ApiError's message for an error answer; `fieldMessage` unless given. */
  message?: (answer: ErrorAnswer) => string;
  /** The error for an API that cannot be reached; fetch's own unless given. */
  unreachable?: (baseUrl: string, cause: unknown) => Error;
  sleep?: (ms: number) => Promise<void>;
}

export interface AdminClient {
  /** One request: the answer when it is a 2xx, else an ApiError (after the retries of a 503 or 429). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function errorBodyOf(res: Response): Promise<ErrorBody | undefined> {
  try {
    const parsed: unknown = JSON.parse(await res.text());
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const text = (k: string) => {
      const v: unknown = Reflect.get(parsed, k);
      return typeof v === 'string' ? v : undefined;
    };
    const code = text('code');
    const message = text('message');
    const field = text('field');
    return {
      ...(code !== undefined ? { code } : {}),
      ...(message !== undefined ? { message } : {}),
      ...(field !== undefined ? { field } : {}),
    };
  } catch {
    return undefined;
  }
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const retries = options.retries ?? RETRIES;
  const repeatable = options.repeatable ?? (() => true);
  const message = options.message ?? fieldMessage;
  const sleep = options.sleep ?? wait;
  return {
    async request(method, path, body, headers = {}) {
      const all: Record<string, string> = { ...options.headers, ...headers, authorization: options.token };
      if (body !== undefined) all['content-type'] = 'application/json';
      for (let attempt = 0; ; attempt++) {
        let res: Response;
        try {
          res = await (options.fetch ?? globalThis.fetch)(`${options.baseUrl}${path}`, {
            method,
            headers: all,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        } catch (e) {
          throw options.unreachable ? options.unreachable(options.baseUrl, e) : e;
        }
        if (res.ok) return res;
        if (RETRY_STATUSES.has(res.status) && attempt < retries && repeatable(method)) {
          await res.text();
          await sleep(retryDelayMs(res.headers.get('retry-after'), attempt));
          continue;
        }
        const errorBody = await errorBodyOf(res);
        const answer: ErrorAnswer = {
          method,
          path,
          status: res.status,
          statusText: res.statusText,
          ...(errorBody ? { body: errorBody } : {}),
        };
        throw new ApiError(res.status, errorBody?.code ?? 'HTTP_ERROR', message(answer), errorBody?.field);
      }
    },
  };
}
