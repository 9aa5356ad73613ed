/**
 * The admin API on the local platform: flags per environment and channel, optimistic versions,
 * audit entries, squad ownership; environments, segments and tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/model/audit';
import type { Flag } from '../../shared/model/flag';
import { approveAndApply, heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

async function createFlag(
  name: string,
  squad = 'payments',
  token = p.tokens.admin,
  extra: object = {},
): Promise<Flag> {
  const res = await p.call('POST', '/api/admin/flags', { token, body: { name, squad, ...extra } });
  expect(res.status).toBe(201);
  return bodyOf<Flag>(res);
}

describe('flags', () => {
  it('creates a flag that is on in every environment and on no channel', async () => {
    const flag = await createFlag('instant-transfer');
    expect(flag.version).toBe(1);
    expect(Object.keys(flag.environments).sort()).toEqual(['development', 'production']);
    expect(flag.environments.development.enabled).toBe(true);
    expect(Object.values(flag.environments.development.channels).every((c) => c === false)).toBe(true);
    const again = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'instant-transfer', squad: 'payments' },
    });
    expect(again.status).toBe(409);
  });

  it('keeps a state per environment and per channel: on for mobile and web, off for branch', async () => {
    const flag = await createFlag('card-freeze', 'cards');
    const res = await p.call('PUT', '/api/admin/flags/card-freeze/environments/development', {
      token: p.tokens.admin,
      body: { version: flag.version, channels: { mobile: true, web: true, branch: false } },
    });
    expect(res.status).toBe(200);
    const after = await bodyOf<Flag>(res);
    expect(after.version).toBe(2);
    expect(after.environments.development.channels).toMatchObject({ mobile: true, web: true, branch: false });
    expect(after.environments.production.channels.mobile).toBe(false);
    const served = await bodyOf<{ features: { name: string; strategies: { constraints: unknown[] }[] }[] }>(
      await p.call('GET', '/api/client/features', {
        token: p.tokens.client,
        headers: { 'unleash-client-spec': '5.2.0' },
      }),
    );
    const feature = served.features.find((f) => f.name === 'card-freeze')!;
    expect(feature.strategies[0].constraints).toEqual([
      { contextName: 'channel', operator: 'IN', values: ['mobile', 'web'] },
    ]);
  });

  it('refuses a stale write with 409 and changes nothing', async () => {
    const flag = await createFlag('loan-calculator');
    const first = await p.call(
      'PUT',
      '/api/admin/flags/loan-calculator/environments/development/channels/mobile',
      {
        token: p.tokens.admin,
        body: { version: flag.version, enabled: true },
      },
    );
    expect(first.status).toBe(200);
    const stale = await p.call(
      'PUT',
      '/api/admin/flags/loan-calculator/environments/development/channels/web',
      {
        token: p.tokens.admin,
        body: { version: flag.version, enabled: true },
      },
    );
    expect(stale.status).toBe(409);
    expect((await bodyOf(stale)).code).toBe('VERSION_CONFLICT');
    const now = await bodyOf<Flag>(
      await p.call('GET', '/api/admin/flags/loan-calculator', { token: p.tokens.admin }),
    );
    expect(now.version).toBe(2);
    expect(now.environments.development.channels.web).toBe(false);
    const audit = await bodyOf<{ entries: AuditEntry[] }>(
      await p.call('GET', '/api/admin/flags/loan-calculator/audit', { token: p.tokens.admin }),
    );
    expect(audit.entries.map((e) => e.action)).toEqual(['flag.channel-on', 'flag.created']);
  });

  it('lets concurrent writers of one version through one at a time', async () => {
    const flag = await createFlag('race');
    const results = await Promise.all(
      ['mobile', 'web', 'branch', 'atm'].map((c) =>
        p.call('PUT', `/api/admin/flags/race/environments/development/channels/${c}`, {
          token: p.tokens.admin,
          body: { version: flag.version, enabled: true },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
  });

  it('writes an audit entry per change: who, when, what, before and after; listed per flag and per environment', async () => {
    const flag = await createFlag('savings-goal', 'payments', p.tokens.squadPayments);
    await p.call('PUT', '/api/admin/flags/savings-goal', {
      token: p.tokens.squadPayments,
      body: { version: flag.version, description: 'Savings goals in the app' },
    });
    const byFlag = await bodyOf<{ entries: AuditEntry[] }>(
      await p.call('GET', '/api/admin/flags/savings-goal/audit', { token: p.tokens.productOwner }),
    );
    expect(byFlag.entries).toHaveLength(2);
    const [update, create] = byFlag.entries;
    expect(update).toMatchObject({
      actor: 'payments-squad',
      action: 'flag.updated',
      target: { type: 'flag', id: 'savings-goal' },
    });
    expect((update.before as Flag).description).toBe('');
    expect((update.after as Flag).description).toBe('Savings goals in the app');
    expect(create.before).toBeNull();
    expect(Date.parse(update.at)).toBeGreaterThanOrEqual(Date.parse(create.at));
    const toggle = await p.call(
      'PUT',
      '/api/admin/flags/savings-goal/environments/production/channels/wechat',
      {
        token: p.tokens.squadPayments,
        body: { version: 2, enabled: true },
      },
    );
    // Production is protected: the toggle waits for a second principal, then applies as its author.
    await approveAndApply(p, (await heldRequest(toggle)).id);
    const prod = await bodyOf<{ entries: AuditEntry[] }>(
      await p.call('GET', '/api/admin/environments/production/audit?limit=3', { token: p.tokens.admin }),
    );
    expect(prod.entries).toHaveLength(3);
    // Newest first: the change request's own entries (applied, approved) sit around the change.
    const change = prod.entries.filter((e) => e.target.type === 'flag');
    expect(change).toHaveLength(1);
    expect(change[0]).toMatchObject({
      action: 'flag.channel-on',
      target: { id: 'savings-goal' },
      environments: ['production'],
    });
    const dev = await bodyOf<{ entries: AuditEntry[] }>(
      await p.call('GET', '/api/admin/environments/development/audit', { token: p.tokens.admin }),
    );
    expect(dev.entries.some((e) => e.target.id === 'savings-goal' && e.action === 'flag.channel-on')).toBe(
      false,
    );
  });

  it('lets a squad change only its own flags; a product owner reads everything and changes nothing', async () => {
    const flag = await createFlag('cashback', 'cards');
    const other = await p.call('PUT', '/api/admin/flags/cashback/environments/development/channels/mobile', {
      token: p.tokens.squadPayments,
      body: { version: flag.version, enabled: true },
    });
    expect(other.status).toBe(403);
    const own = await p.call('PUT', '/api/admin/flags/cashback/environments/development/channels/mobile', {
      token: p.tokens.squadCards,
      body: { version: flag.version, enabled: true },
    });
    expect(own.status).toBe(200);
    const foreignCreate = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.squadPayments,
      body: { name: 'not-mine', squad: 'cards' },
    });
    expect(foreignCreate.status).toBe(403);
    const po = await p.call('PUT', '/api/admin/flags/cashback', {
      token: p.tokens.productOwner,
      body: { version: 2 },
    });
    expect(po.status).toBe(403);
    expect((await p.call('GET', '/api/admin/flags', { token: p.tokens.productOwner })).status).toBe(200);
    const move = await p.call('PUT', '/api/admin/flags/cashback', {
      token: p.tokens.squadCards,
      body: { version: 2, squad: 'payments' },
    });
    expect(move.status).toBe(403);
  });

  it('shares out variable variant weights to 1000 on write', async () => {
    const flag = await createFlag('pricing', 'payments', p.tokens.admin, {
      variants: [
        { name: 'a', weight: 0, weightType: 'variable' },
        { name: 'b', weight: 0, weightType: 'variable' },
        { name: 'c', weight: 100, weightType: 'fix' },
      ],
    });
    expect(flag.variants.map((v) => v.weight)).toEqual([450, 450, 100]);
  });

  it('answers 404 for an unknown flag, environment or segment', async () => {
    expect((await p.call('GET', '/api/admin/flags/nope', { token: p.tokens.admin })).status).toBe(404);
    expect(
      (await p.call('GET', '/api/admin/environments/nope/export', { token: p.tokens.admin })).status,
    ).toBe(404);
    expect((await p.call('GET', '/api/admin/segments/999', { token: p.tokens.admin })).status).toBe(404);
  });
});

describe('environments, segments, tokens', () => {
  it('creates an environment once', async () => {
    const res = await p.call('POST', '/api/admin/environments', {
      token: p.tokens.admin,
      body: { name: 'staging', type: 'development' },
    });
    expect(res.status).toBe(201);
    const again = await p.call('POST', '/api/admin/environments', {
      token: p.tokens.admin,
      body: { name: 'staging', type: 'development' },
    });
    expect(again.status).toBe(409);
    const list = await bodyOf<{ environments: { name: string }[] }>(
      await p.call('GET', '/api/admin/environments', { token: p.tokens.admin }),
    );
    expect(list.environments.map((e) => e.name).sort()).toEqual(['development', 'production', 'staging']);
  });

  it('creates and changes segments with versions, owned by a squad', async () => {
    const res = await p.call('POST', '/api/admin/segments', {
      token: p.tokens.squadPayments,
      body: { name: 'vip', constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] },
    });
    expect(res.status).toBe(201);
    const segment = await bodyOf<{ id: number; version: number; squad: string }>(res);
    expect(segment.squad).toBe('payments');
    const path = `/api/admin/segments/${segment.id}`;
    const foreign = await p.call('PUT', path, {
      token: p.tokens.squadCards,
      body: { version: 1, name: 'x' },
    });
    expect(foreign.status).toBe(403);
    const ok = await p.call('PUT', path, {
      token: p.tokens.squadPayments,
      body: { version: 1, name: 'very important' },
    });
    expect(ok.status).toBe(200);
    const stale = await p.call('PUT', path, {
      token: p.tokens.squadPayments,
      body: { version: 1, name: 'stale' },
    });
    expect(stale.status).toBe(409);
    const read = await bodyOf<{ name: string; version: number }>(
      await p.call('GET', path, { token: p.tokens.productOwner }),
    );
    expect(read).toMatchObject({ name: 'very important', version: 2 });
  });

  it('shows a created token once, lists tokens without secrets, and revokes them', async () => {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'web-banking', kind: 'client', environment: 'production' },
    });
    expect(res.status).toBe(201);
    const created = await bodyOf<{ id: string; secret: string }>(res);
    expect(created.secret).toMatch(/^client:production\.[0-9a-f]{64}$/);
    const list = await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin });
    const text = await list.text();
    expect(text).not.toContain(created.secret);
    expect(text).toContain(created.id);
    const works = await p.call('GET', '/api/client/features', { token: created.secret });
    expect(works.status).toBe(200);
    const revoke = await p.call('DELETE', `/api/admin/tokens/${created.id}`, { token: p.tokens.admin });
    expect(revoke.status).toBe(204);
    expect((await p.call('GET', '/api/client/features', { token: created.secret })).status).toBe(401);
    expect(
      (await p.call('DELETE', `/api/admin/tokens/${created.id}`, { token: p.tokens.admin })).status,
    ).toBe(404);
  });

  it('refuses a token for an unknown environment', async () => {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'x', kind: 'frontend', environment: 'nowhere' },
    });
    expect(res.status).toBe(404);
  });

  it('serves an OpenAPI 3 document of every route', async () => {
    const res = await p.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await bodyOf<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>(res);
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/admin/flags'].post.requestBody).toBeDefined();
    expect(doc.paths['/api/admin/environments/{env}/import'].post.requestBody).toBeDefined();
    expect(doc.paths['/ofrep/v1/evaluate/flags/{key}'].post).toBeDefined();
  });
});
