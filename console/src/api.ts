/**
 * The console's only way out: the public admin API, with the signed-in token. The base URL is the
 * page's own origin unless `config.json` next to index.html names another (a CloudFront-hosted
 * console calling the API Gateway domain).
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

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

async function errorOf(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { code?: string; message?: string; field?: string };
    const message = body.field ? `${body.field}: ${body.message ?? ''}` : (body.message ?? res.statusText);
    return new ApiError(res.status, body.code ?? 'HTTP_ERROR', message, body.field);
  } catch {
    return new ApiError(res.status, 'HTTP_ERROR', `${res.status} ${res.statusText}`);
  }
}

export function createApi(baseUrl: string, token: string): Api {
  async function request(
    method: string,
    p: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...extra, authorization: token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw await errorOf(res);
    return res;
  }
  return {
    async get<T>(p: string) {
      return (await (await request('GET', p)).json()) as T;
    },
    async send<T>(
      method: 'POST' | 'PUT' | 'DELETE',
      p: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) {
      const res = await request(method, p, body, headers);
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async text(p: string) {
      return (await request('GET', p)).text();
    },
  };
}
