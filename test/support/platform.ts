/**
 * A whole omnilab for one test file: its own tables in the shared DynamoDB Local, seeded tokens of
 * every kind, and the local HTTP server (the same entries Lambda runs, built over one runtime) on a
 * free port: local/platform.ts, with the test defaults (flags and tokens read on every request).
 */
import { inject } from 'vitest';
import type { Runtime } from '../../functions/runtime/composition-root';
import { type PlatformTokens, startLocalPlatform } from '../../local/platform';
import type { LocalServer } from '../../local/server';

export type TestTokens = PlatformTokens;

export interface TestPlatform {
  url: string;
  tokens: TestTokens;
  runtime: Runtime;
  server: LocalServer;
  /** fetch against the platform with a token (raw, as Unleash SDKs send it). */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/**
 * `env`: configuration variables over the test defaults (OMNILAB_STATE_DIR, OMNILAB_CONSOLE_ORIGINS,
 * …), given to this platform's runtime alone; process.env is not written.
 */
export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const platform = await startLocalPlatform({
    endpoint: inject('dynamodbEndpoint'),
    env: { OMNILAB_CONFIG_CACHE_MS: '0', OMNILAB_TOKEN_CACHE_MS: '0', ...env },
  });
  const { url } = platform;
  return {
    url,
    tokens: platform.tokens,
    runtime: platform.runtime,
    server: platform.server,
    call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = options.token;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      return fetch(`${url}${path}`, { method, headers, body });
    },
    close: () => platform.close(),
  };
}

export async function bodyOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
