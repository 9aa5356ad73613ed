/**
 * The CLI's client of omnilab's admin API, with errors that say what to do: the shared admin
 * client (admin-api/admin-api-client.ts), every request retried on a 503 or 429 (every write the
 * CLI makes is safe to repeat).
 */
import { ApiError, createAdminClient, type ErrorAnswer } from '../admin-api/admin-api-client';

export { ApiError } from '../admin-api/admin-api-client';

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  /** Like get, but null for a 404. */
  find<T>(path: string): Promise<T | null>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
}

/** The API's message, after the request it answered, with how to fix a missing or weak token. */
function cliMessage(answer: ErrorAnswer): string {
  const hint =
    answer.status === 401
      ? ' (pass an admin token with --token, OMNILAB_TOKEN or OMNILAB_ADMIN_TOKEN; `npm start` prints the local one)'
      : answer.status === 403
        ? ' (this token lacks the right: use a platform-admin token or the owning squad’s)'
        : '';
  return `${answer.method} ${answer.path}: ${answer.body?.message ?? answer.statusText}${hint}`;
}

export function createApiClient(options: {
  url: string;
  token: string;
  fetch?: typeof fetch;
  /** Retries of a 503 or 429 (every write the CLI makes is safe to repeat). */
  retries?: number;
}): ApiClient {
  const base = options.url.replace(/\/+$/, '');
  const client = createAdminClient({
    baseUrl: base,
    token: options.token,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    message: cliMessage,
    unreachable: (url, cause) =>
      new ApiError(
        0,
        'UNREACHABLE',
        `cannot reach omnilab at ${url} (${cause instanceof Error ? cause.message : String(cause)}): is it running? Start it with \`npm start\`, or pass --url`,
      ),
  });
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await (await client.request(method, path, body)).text();
    return (text ? JSON.parse(text) : {}) as T;
  }
  return {
    get: (path) => call('GET', path),
    async find(path) {
      try {
        return await call('GET', path);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
  };
}
