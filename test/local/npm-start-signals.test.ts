/**
 * `npm start` stopped the way a service manager, a terminal multiplexer or a dying parent stops it:
 * SIGTERM and SIGHUP to npm's own process (not its group), SIGHUP to the platform's node process,
 * SIGKILL to npm. Each time the HTTP port and DynamoDB Local's port are free again within 10 s and
 * no process is left. A port already taken is answered in one line naming its holder. The first
 * start also runs the README's four-eyes round trip with the tokens the banner prints.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it, type TestContext } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { javaAlive } from '../support/npm-start';

interface Started {
  npm: ChildProcess;
  port: number;
  dynamodbPort: number;
  /** The node process running local/start.ts (under npm, sh and tsx). */
  platformPid: number;
  output: () => string;
  exited: Promise<void>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('OMNILAB_') && !k.startsWith('VITEST')) env[k] = v;
  return { ...env, ...extra };
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function descendants(pid: number): number[] {
  const direct = childrenOf(pid);
  return direct.flatMap((c) => [c, ...descendants(c)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead; only its parent has not read its status yet.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Kills the process group of a start when the test that made it ends, whatever it left (the stop
 * signals tests run at once, so each cleans up only its own).
 */
function killAtEnd(ctx: TestContext, npm: ChildProcess): void {
  ctx.onTestFinished(() => {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // Already gone: what the test wanted.
    }
  });
}

/** `npm start` exactly as a user types it (its console build skipped: it is not what is tested). */
async function npmStart(ctx: TestContext, port?: number): Promise<Started> {
  const p = port ?? (await freePort());
  const npm = spawn('npm', ['start', '--ignore-scripts', '--', '--in-memory'], {
    env: cleanEnv({ PORT: String(p) }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  npm.stdout?.on('data', (d) => {
    out += String(d);
  });
  npm.stderr?.on('data', (d) => {
    out += String(d);
  });
  killAtEnd(ctx, npm);
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Ctrl-C stops everything') && npm.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const s: Started = {
    npm,
    port: p,
    dynamodbPort: Number(/DynamoDB Local http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0),
    platformPid: descendants(npm.pid!).find((pid) => /loader\.mjs local\/start\.ts/.test(cmdline(pid))) ?? 0,
    output: () => out,
    exited,
  };
  return s;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Sends the signal, then the milliseconds until both ports are free and no process of the start is
 * left, or Infinity after 10 s.
 */
async function msUntilGone(s: Started, pid: number, signal: NodeJS.Signals): Promise<number> {
  const pids = [s.platformPid, ...descendants(s.platformPid)];
  expect(pids.length).toBeGreaterThan(1);
  process.kill(pid, signal);
  const t0 = Date.now();
  while (Date.now() - t0 < 10_000) {
    const portsFree = (await portFree(s.port)) && (await portFree(s.dynamodbPort));
    if (portsFree && !pids.some(alive) && !javaAlive(s.dynamodbPort)) {
      const ms = Date.now() - t0;
      console.log(
        `${signal} to pid ${pid === s.platformPid ? 'of the platform' : 'of npm'}: all gone in ${ms} ms`,
      );
      return ms;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.POSITIVE_INFINITY;
}

const readme = readFileSync('README.md', 'utf8');
const between = (from: string, to: string) => readme.slice(readme.indexOf(from), readme.indexOf(to));
const toggleLines = between('### Toggle a flag for the mobile channel', '### Point an Unleash SDK')
  .split('\n')
  .filter((l) => l.startsWith('curl '));
const fourEyesLines = between('### Four eyes', '### The omnilab SDK')
  .split('\n')
  .filter((l) => l.startsWith('curl ') || l.startsWith('CR=$(curl '));

describe('npm start, stopped as a service manager or terminal would', () => {
  it('prints the console URL and a reviewer; the README four-eyes round trip works; SIGTERM to npm frees both ports within 10 s', async (ctx) => {
    const s = await npmStart(ctx);
    expect(s.output()).toContain(`console        http://localhost:${s.port}/`);
    const token = (label: string) => new RegExp(`${label}[^\\n]*?\\s(\\S+)\\n`).exec(s.output())![1];
    const env = {
      ...process.env,
      OMNILAB_ADMIN_TOKEN: token('admin token'),
      OMNILAB_REVIEWER_TOKEN: token('reviewer token'),
      OMNILAB_PRODUCTION_CLIENT_TOKEN: token('production client token'),
    };
    expect(env.OMNILAB_REVIEWER_TOKEN).toMatch(/^admin:auditor\./);
    const sh = (line: string, extra: Record<string, string> = {}) =>
      execFileSync('sh', ['-c', line.replaceAll('localhost:4242', `localhost:${s.port}`)], {
        env: { ...env, ...extra },
        encoding: 'utf8',
      }).trim();
    const production = async () => {
      const res = await fetch(`http://localhost:${s.port}/api/client/features`, {
        headers: { authorization: env.OMNILAB_PRODUCTION_CLIENT_TOKEN },
      });
      const body = (await res.json()) as { features: { name: string; strategies: unknown[] }[] };
      return JSON.stringify(body.features.find((f) => f.name === 'new-onboarding')?.strategies ?? []);
    };
    for (const line of toggleLines) sh(line);
    expect(fourEyesLines).toHaveLength(4);
    const cr = sh(`${fourEyesLines[0]}; echo "$CR"`);
    expect(cr).toMatch(/^[0-9a-f-]{36}$/);
    // Held: production serves nothing on mobile yet, and the author cannot approve it.
    expect(await production()).not.toContain('mobile');
    const selfApproval = await fetch(`http://localhost:${s.port}/api/admin/change-requests/${cr}/approve`, {
      method: 'POST',
      headers: { authorization: env.OMNILAB_ADMIN_TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(selfApproval.status).toBe(403);
    expect(sh(fourEyesLines[1], { CR: cr })).toBe('"approved"');
    expect(sh(fourEyesLines[2], { CR: cr })).toBe('"applied"');
    // Production's clients read through the served-document cache (1 s per instance, and the
    // held check above just filled it): the README's last line sees the change within that.
    const served = () => JSON.parse(sh(fourEyesLines[3]) || 'null');
    const until = Date.now() + 3_000;
    let constraints = served();
    while (constraints === null && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      constraints = served();
    }
    expect(constraints).toEqual([{ contextName: 'channel', operator: 'IN', values: ['mobile'] }]);

    expect(await msUntilGone(s, s.npm.pid!, 'SIGTERM')).toBeLessThan(10_000);
    await s.exited;
  }, 90_000);

  // The three stops below are independent process trees on ports of their own: they start and stop
  // at once (each stop is still timed from its own signal), which saves two start-ups' time.
  it.concurrent('SIGHUP to npm (a closed terminal) frees both ports within 10 s', async (ctx) => {
    const s = await npmStart(ctx);
    expect(s.platformPid).toBeGreaterThan(0);
    expect(await msUntilGone(s, s.npm.pid!, 'SIGHUP')).toBeLessThan(10_000);
  }, 90_000);

  it.concurrent('SIGHUP to its own node process frees both ports within 10 s, and says why it stopped', async (ctx) => {
    const s = await npmStart(ctx);
    expect(await msUntilGone(s, s.platformPid, 'SIGHUP')).toBeLessThan(10_000);
    await s.exited;
    expect(s.output()).toContain('stopping omnilab (SIGHUP)');
  }, 90_000);

  it.concurrent('the death of its parent (SIGKILL to npm) frees both ports within 10 s', async (ctx) => {
    const s = await npmStart(ctx);
    expect(await msUntilGone(s, s.npm.pid!, 'SIGKILL')).toBeLessThan(10_000);
  }, 90_000);

  it('SIGTERM during start-up, once DynamoDB Local is spawned, still frees everything within 10 s', async (ctx) => {
    const port = await freePort();
    const npm = spawn('npm', ['start', '--ignore-scripts', '--', '--in-memory'], {
      env: cleanEnv({ PORT: String(port) }),
      detached: true,
      stdio: 'ignore',
    });
    killAtEnd(ctx, npm);
    const s: Started = {
      npm,
      port,
      dynamodbPort: 0,
      platformPid: 0,
      output: () => '',
      exited: new Promise((resolve) => npm.once('exit', () => resolve())),
    };
    const deadline = Date.now() + 60_000;
    let java: number | undefined;
    while (!java && Date.now() < deadline) {
      s.platformPid =
        descendants(npm.pid!).find((pid) => /loader\.mjs local\/start\.ts/.test(cmdline(pid))) ?? 0;
      java = s.platformPid
        ? childrenOf(s.platformPid).find((pid) => /DynamoDBLocal\.jar -port /.test(cmdline(pid)))
        : undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(java).toBeDefined();
    s.dynamodbPort = Number(/-port (\d+)/.exec(cmdline(java!))![1]);
    expect(await msUntilGone(s, npm.pid!, 'SIGTERM')).toBeLessThan(10_000);
    expect(alive(java!)).toBe(false);
  }, 90_000);

  it('a port in use is answered in one line naming what holds it and how to stop it', async (ctx) => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const s = await npmStart(ctx, port);
      await s.exited;
      expect(s.npm.exitCode).not.toBe(0);
      const line = s
        .output()
        .split('\n')
        .find((l) => l.startsWith(`port ${port} is in use`));
      expect(line).toBeDefined();
      expect(line).toContain(`pid ${process.pid} (`);
      expect(line).toContain(`kill ${process.pid}`);
      expect(line).toContain(`PORT=${port + 1} npm start`);
      expect(s.output()).not.toContain('DynamoDB Local http');
    } finally {
      holder.close();
    }
  }, 60_000);
});
