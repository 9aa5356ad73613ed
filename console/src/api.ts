/**
 * The console's only way out: the public admin API, with the signed-in token. The base URL is the
 * page's own origin unless `config.json` next to index.html names another (a CloudFront-hosted
 * console calling the API Gateway domain). The client, its ApiError and its retries are the
 * CLI's too (admin-api/admin-api-client.ts).
 */
import { createAdminClient } from '../../admin-api/admin-api-client';

export { ApiError } from '../../admin-api/admin-api-client';

export interface ApiResult<T> {
  status: number;
  body: T;
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResult<T>>;
  /** The raw text of a GET (CSV exports). */
  text(path: string): Promise<string>;
}

export interface ConsoleConfig {
  apiBaseUrl: string;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  try {
    const res = await fetch('./config.json', { cache: 'no-store' });
    if (!res.ok) return { apiBaseUrl: '' };
    const body = (await res.json()) as Partial<ConsoleConfig>;
    return { apiBaseUrl: typeof body.apiBaseUrl === 'string' ? body.apiBaseUrl.replace(/\/$/, '') : '' };
  } catch {
    return { apiBaseUrl: '' };
  }
}

/** Path segments come from flag names and keys, which may hold characters a URL reserves. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''),
    '',
  );
}

/**
 * Reads (GET) are retried on a 503 or 429 as the CLI's requests are; writes are not: the person
 * who clicked sees the error and decides (a create sent twice would create twice).
 */
export function createApi(baseUrl: string, token: string): Api {
  const client = createAdminClient({ baseUrl, token, repeatable: (method) => method === 'GET' });
  return {
    async get<T>(p: string) {
      return (await (await client.request('GET', p)).json()) as T;
    },
    async send<T>(
      method: 'POST' | 'PUT' | 'DELETE',
      p: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) {
      const res = await client.request(method, p, body, headers);
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async text(p: string) {
      return (await client.request('GET', p)).text();
    },
  };
}
