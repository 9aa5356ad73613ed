/** A small client for omnilab's admin API, with errors that say what to do. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  /** Like get, but null for a 404. */
  find<T>(path: string): Promise<T | null>;
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createApiClient(options: {
  url: string;
  token: string;
  fetch?: typeof fetch;
  /** Retries of a 503 or 429 (every write the CLI makes is safe to repeat). */
  retries?: number;
}): ApiClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.url.replace(/\/+$/, '');
  const retries = options.retries ?? 5;
  async function call<T>(method: string, path: string, body?: unknown, attempt = 0): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          authorization: options.token,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(
        0,
        'UNREACHABLE',
        `cannot reach omnilab at ${base} (${(e as Error).message}): is it running? Start it with \`npm start\`, or pass --url`,
      );
    }
    if ((res.status === 503 || res.status === 429) && attempt < retries) {
      await res.text();
      const after = Number(res.headers.get('retry-after'));
      await sleep((Number.isFinite(after) && after > 0 ? after * 1000 : 500) * 2 ** attempt);
      return call(method, path, body, attempt + 1);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (res.ok) return json as T;
    const message = typeof json.message === 'string' ? json.message : res.statusText;
    const hint =
      res.status === 401
        ? ' (pass an admin token with --token, OMNILAB_TOKEN or OMNILAB_ADMIN_TOKEN; `npm start` prints the local one)'
        : res.status === 403
          ? ' (this token lacks the right: use a platform-admin token or the owning squad’s)'
          : '';
    throw new ApiError(res.status, String(json.code ?? res.status), `${method} ${path}: ${message}${hint}`);
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
