/**
 * Idempotent as code, by effect: `npx omnilab apply` run again while its production change waits
 * opens no second change request and bumps no version, so the pending one still approves and
 * applies, and a production client then gets it; a PUT identical to what is stored (flag, flag
 * environment state, channel, segment, metric, experiment, environment) is answered unchanged,
 * writes no audit entry, and keeps the version.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { Flag } from '../../shared/model/flag';
import { approveAndApply, experimentBody, heldRequest } from '../support/governance';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function omnilab(dir: string, ...argv: string[]) {
  const out = new Capture();
  const err = new Capture();
  const code = await main(
    [...argv, '--url', p.url, '--token', p.tokens.admin, '--dir', dir],
    out as never,
    err as never,
  );
  return { code, out: out.text, err: err.text };
}

function asCodeDir(flagsYaml: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'omnilab-idempotent-')), 'experiments');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'flags.yaml'), flagsYaml);
  return dir;
}

const get = async <T>(path: string): Promise<T> =>
  (await (await p.call('GET', path, { token: p.tokens.admin })).json()) as T;
const pending = async () =>
  (await get<{ changeRequests: ChangeRequest[] }>('/api/admin/change-requests?status=open')).changeRequests;
const audit = async (name: string) =>
  (await get<{ entries: unknown[] }>(`/api/admin/flags/${name}/audit`)).entries.length;

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

describe('npx omnilab apply, run again while a change waits', () => {
  it('opens no second change request and bumps no version; the pending one approves, applies, and production gets it', async () => {
    const dev = `flags:
  - name: cards.tap-to-pay
    description: Tap to pay.
    squad: cards
    environments:
      development: { enabled: true, channels: { mobile: true } }
`;
    const dir = asCodeDir(dev);
    expect((await omnilab(dir, 'apply')).code).toBe(0);
    // Production on mobile and a new description: the description applies now, production waits.
    writeFileSync(
      join(dir, 'flags.yaml'),
      `${dev.replace('Tap to pay.', 'Tap to pay with the phone.')}      production: { enabled: true, channels: { mobile: true } }
`,
    );
    const first = await omnilab(dir, 'apply');
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/change request \S+ opened: /);
    const [opened] = await pending();
    expect(await pending()).toHaveLength(1);
    const flagThen = await get<Flag>('/api/admin/flags/cards.tap-to-pay');
    const auditThen = await audit('cards.tap-to-pay');

    for (let run = 0; run < 2; run++) {
      const again = await omnilab(dir, 'apply');
      expect(again.code, again.err).toBe(0);
      expect(again.out).toContain(`change request ${opened.id} already pending (not opened again)`);
    }
    expect((await pending()).map((cr) => cr.id)).toEqual([opened.id]);
    const flagNow = await get<Flag>('/api/admin/flags/cards.tap-to-pay');
    expect(flagNow.version).toBe(flagThen.version);
    expect(flagNow).toEqual(flagThen);
    expect(await audit('cards.tap-to-pay')).toBe(auditThen);

    // Still approvable and applicable as it was opened.
    const applied = await approveAndApply(p, opened.id);
    expect(applied.status).toBe('applied');
    const served = (await (
      await p.call('GET', '/api/client/features', { token: p.tokens.productionClient })
    ).json()) as { features: { name: string; enabled: boolean; strategies: { constraints: unknown[] }[] }[] };
    const feature = served.features.find((f) => f.name === 'cards.tap-to-pay');
    expect(feature?.enabled).toBe(true);
    expect(JSON.stringify(feature?.strategies)).toContain('"values":["mobile"]');

    const done = await omnilab(dir, 'plan');
    expect(done.code).toBe(0);
    expect(done.out).toContain('0 to create, 0 to update');
  }, 60_000);

  it('a different change, or the same one by another person, opens its own request', async () => {
    await p.call('POST', '/api/admin/flags', { token: p.tokens.admin, body: { name: 'f2', squad: 'cards' } });
    const put = (token: string, channel: string) =>
      p.call('PUT', `/api/admin/flags/f2/environments/production/channels/${channel}`, {
        token,
        body: { enabled: true, version: 1 },
      });
    const a = await heldRequest(await put(p.tokens.admin, 'mobile'));
    const again = await put(p.tokens.admin, 'mobile');
    expect(await again.clone().json()).toMatchObject({ alreadyPending: true });
    expect((await heldRequest(again)).id).toBe(a.id);
    const web = await heldRequest(await put(p.tokens.admin, 'web'));
    const other = await heldRequest(await put(p.tokens.secondAdmin, 'mobile'));
    expect(new Set([a.id, web.id, other.id]).size).toBe(3);
  });
});

describe('a write identical to what is stored', () => {
  const unchangedAnswer = async (res: Response, version: number) => {
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('omnilab-unchanged')).toBe('true');
    expect(((await res.json()) as { version: number }).version).toBe(version);
  };

  it('keeps the version of a flag, its environment state and a channel, and writes no audit entry', async () => {
    await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'same', squad: 'cards', description: 'd' },
    });
    const before = await audit('same');
    await unchangedAnswer(
      await p.call('PUT', '/api/admin/flags/same', {
        token: p.tokens.admin,
        body: { version: 1, description: 'd', squad: 'cards' },
      }),
      1,
    );
    await unchangedAnswer(
      await p.call('PUT', '/api/admin/flags/same/environments/development', {
        token: p.tokens.admin,
        body: { version: 1, enabled: true, strategies: [] },
      }),
      1,
    );
    await unchangedAnswer(
      await p.call('PUT', '/api/admin/flags/same/environments/production/channels/web', {
        token: p.tokens.admin,
        body: { version: 1, enabled: false },
      }),
      1,
    );
    expect((await get<Flag>('/api/admin/flags/same')).version).toBe(1);
    expect(await audit('same')).toBe(before);
    // A write that does change something still bumps it.
    const changed = await p.call('PUT', '/api/admin/flags/same', {
      token: p.tokens.admin,
      body: { version: 1, description: 'e' },
    });
    expect(((await changed.json()) as Flag).version).toBe(2);
    expect(changed.headers.get('omnilab-unchanged')).toBeNull();
  });

  it('a stale version is still a 409, even when nothing would change', async () => {
    const res = await p.call('PUT', '/api/admin/flags/same', {
      token: p.tokens.admin,
      body: { version: 1, description: 'e' },
    });
    expect(res.status).toBe(409);
  });

  it('any development environment state sent twice: the second answer is unchanged with the version kept (property)', async () => {
    await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'prop', squad: 'cards' },
    });
    let version = 1;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.subarray(['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm']),
        async (enabled, on) => {
          const body = { enabled, channels: Object.fromEntries(on.map((c) => [c, true])) };
          const first = await p.call('PUT', '/api/admin/flags/prop/environments/development', {
            token: p.tokens.admin,
            body: { ...body, version },
          });
          expect(first.status).toBe(200);
          version = ((await first.json()) as Flag).version;
          await unchangedAnswer(
            await p.call('PUT', '/api/admin/flags/prop/environments/development', {
              token: p.tokens.admin,
              body: { ...body, version },
            }),
            version,
          );
          expect((await get<Flag>('/api/admin/flags/prop')).version).toBe(version);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps the version of a segment, a metric, an experiment and an environment', async () => {
    const segment = (await (
      await p.call('POST', '/api/admin/segments', {
        token: p.tokens.admin,
        body: {
          name: 'vip',
          constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }],
        },
      })
    ).json()) as { id: number; version: number };
    await unchangedAnswer(
      await p.call('PUT', `/api/admin/segments/${segment.id}`, {
        token: p.tokens.admin,
        body: {
          version: 1,
          name: 'vip',
          constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }],
        },
      }),
      1,
    );

    const metric = {
      key: 'signups',
      name: 'Sign-ups',
      squad: 'payments',
      kind: 'conversion',
      direction: 'higher-is-better',
      unit: '%',
    };
    expect(
      (await p.call('PUT', '/api/admin/metrics/signups', { token: p.tokens.admin, body: metric })).status,
    ).toBe(201);
    await unchangedAnswer(
      await p.call('PUT', '/api/admin/metrics/signups', {
        token: p.tokens.admin,
        body: { ...metric, version: 1 },
      }),
      1,
    );

    const experiment = { ...experimentBody('same-exp', 'development', 50), status: 'draft' };
    const created = await p.call('PUT', '/api/admin/experiments/same-exp', {
      token: p.tokens.admin,
      body: experiment,
    });
    expect(created.status, await created.clone().text()).toBe(201);
    await unchangedAnswer(
      await p.call('PUT', '/api/admin/experiments/same-exp', {
        token: p.tokens.admin,
        body: { ...experiment, version: 1 },
      }),
      1,
    );

    const production = (
      await get<{ environments: { name: string; version: number; protected: boolean }[] }>(
        '/api/admin/environments',
      )
    ).environments.find((e) => e.name === 'production')!;
    await unchangedAnswer(
      await p.call('PUT', '/api/admin/environments/production', {
        token: p.tokens.admin,
        body: { version: production.version, protected: true },
      }),
      production.version,
    );
  });
});
