/**
 * `npx omnilab` against the local platform: help, the token variables, plan and apply of flags as
 * code (idempotent, field-level diffs, mistakes named by file and field), results as a table, and
 * the shipped JSON schema.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCodeJsonSchema } from '../../cli/as-code';
import { main } from '../../cli/main';
import { approveAllOpen } from '../support/governance';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let dir: string;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function run(...argv: string[]) {
  const out = new Capture();
  const err = new Capture();
  const code = await main(
    [...argv, '--url', p.url, '--token', p.tokens.admin, '--dir', dir],
    out as never,
    err as never,
  );
  return { code, out: out.text, err: err.text };
}

beforeAll(async () => {
  p = await startTestPlatform();
  dir = join(mkdtempSync(join(tmpdir(), 'omnilab-cli-')), 'experiments');
  cpSync(join(import.meta.dirname, '..', '..', 'experiments'), dir, { recursive: true });
});
afterAll(() => p.close());

describe('npx omnilab', () => {
  it('has --help on every command, and the bin runs', async () => {
    for (const command of ['plan', 'apply', 'results']) {
      const out = new Capture();
      expect(await main([command, '--help'], out as never, new Capture() as never)).toBe(0);
      expect(out.text).toContain(`npx omnilab ${command}`);
    }
    const bin = spawnSync('npx', ['omnilab', '--help'], {
      encoding: 'utf8',
      cwd: join(import.meta.dirname, '..', '..'),
    });
    expect(bin.status).toBe(0);
    expect(bin.stdout).toContain('Commands:');
  });

  it('takes the token the README exports, OMNILAB_ADMIN_TOKEN, as well as OMNILAB_TOKEN', async () => {
    // The platform serves from this process, so the CLI runs as a child without blocking it.
    const plan = (env: Record<string, string>) => {
      const { OMNILAB_TOKEN: _t, OMNILAB_ADMIN_TOKEN: _a, ...rest } = process.env;
      const child = spawn('npx', ['omnilab', 'plan', '--dir', dir], {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...rest, OMNILAB_URL: p.url, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d;
      });
      return new Promise<{ status: number | null; stdout: string; stderr: string }>((done) =>
        child.on('close', (status) => done({ status, stdout, stderr })),
      );
    };
    const none = await plan({});
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('OMNILAB_ADMIN_TOKEN');
    for (const name of ['OMNILAB_ADMIN_TOKEN', 'OMNILAB_TOKEN']) {
      const withToken = await plan({ [name]: p.tokens.admin });
      // 2: the plan has changes to apply; it read the platform with that token.
      expect(withToken.status, withToken.stderr).toBe(2);
      expect(withToken.stdout).toContain('+ create experiment branch-queue-sms');
    }
  });

  it('plans creates, applies them idempotently, then plans nothing', async () => {
    const first = await run('plan');
    expect(first.code).toBe(2);
    expect(first.out).toContain('+ create experiment branch-queue-sms');
    expect(first.out).toContain('+ create metric complaints_per_session');
    expect(first.out).toMatch(/Plan: 17 to create, 0 to update, 0 unchanged/);
    const applied = await run('apply');
    expect(applied.err).toBe('');
    expect(applied.code).toBe(0);
    // The bank's experiments and some flags reach production: each waits for a second principal.
    const opened = applied.out.match(/change request [0-9a-f-]{36} opened/g) ?? [];
    expect(opened.length).toBeGreaterThan(0);
    const pending = await run('plan');
    expect(pending.code).toBe(2);
    expect((await approveAllOpen(p)).length).toBe(opened.length);
    const again = await run('plan');
    expect(again.out).toMatch(/Plan: 0 to create, 0 to update, 17 unchanged/);
    expect(again.code).toBe(0);
    // The flags it applied are what every SDK reads, with the audit trail of the admin API.
    const audit = await p.call('GET', '/api/admin/flags/mobile.biometric-login/audit', {
      token: p.tokens.admin,
    });
    expect(((await audit.json()) as { entries: { actor: string }[] }).entries[0].actor).toBe('local-admin');
  });

  it('shows a field-level diff for a changed file, and applies only that', async () => {
    const file = join(dir, 'experiments', 'wechat-wealth-page.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('trafficPercent: 50', 'trafficPercent: 60'));
    const plan = await run('plan');
    expect(plan.out).toContain('~ update experiment wechat-wealth-page');
    expect(plan.out).toContain('trafficPercent: 50 → 60');
    expect(plan.out).toMatch(/Plan: 0 to create, 1 to update, 16 unchanged/);
    const applied = await run('apply');
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/change request [0-9a-f-]{36} opened: change experiment wechat-wealth-page/);
    expect((await approveAllOpen(p)).length).toBe(1);
    expect((await run('plan')).code).toBe(0);
  });

  it('names the file and the field of every mistake, and changes nothing', async () => {
    const file = join(dir, 'experiments', 'branch-queue-sms.yaml');
    const good = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      good
        .replace('unit: branch', 'unit: building')
        .replace('primaryMetric: branch_visit_abandoned', 'primaryMetric: nope'),
    );
    const bad = await run('apply');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('experiments/branch-queue-sms.yaml: unit:');
    writeFileSync(file, good.replace('primaryMetric: branch_visit_abandoned', 'primaryMetric: nope'));
    expect((await run('plan')).err).toContain('metric "nope" is not in metrics.yaml');
    writeFileSync(file, good);
  });

  it('prints results as a table', async () => {
    const out = await run('results', 'wechat-wealth-page');
    expect(out.code).toBe(0);
    expect(out.out).toContain('Experiment wechat-wealth-page');
    expect(out.out).toContain('Verdict:');
    const missing = await run('results', 'no-such-experiment');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no experiment no-such-experiment');
  });

  it('ships a JSON schema that matches the zod schemas', () => {
    const shipped = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'experiments', 'schema.json'), 'utf8'),
    );
    expect(shipped).toEqual(asCodeJsonSchema());
  });
});
