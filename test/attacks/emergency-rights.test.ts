/**
 * Finding (session 6 attack review): the break-glass header applies changes of rights at once.
 * One platform admin, alone, lifts production's protection or mints a platform-admin token for a
 * made-up second person, who then approves the admin's own change requests and even "reviews" the
 * emergency that created it. Fixed: break-glass never changes rights or governance
 * (shared/rights/break-glass.ts): 403 naming why and how, nothing written. Also here: a token the
 * author minted (even through an approved request) never approves the author's change; minting
 * refuses fields that do not apply; an answer carrying a secret is `Cache-Control: no-store`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

interface Request {
  id: string;
  version: number;
  status: string;
  kind?: string;
  title?: string;
}
interface TokenView {
  id: string;
  name: string;
}
interface Feature {
  name: string;
  enabled: boolean;
}

let p: TestPlatform;

async function served(name: string): Promise<Feature | undefined> {
  const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  return (await bodyOf<{ features: Feature[] }>(res)).features.find((f) => f.name === name);
}

async function tokenNames(): Promise<string[]> {
  const res = await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin });
  return (await bodyOf<{ tokens: TokenView[] }>(res)).tokens.map((t) => t.name);
}

async function productionProtected(): Promise<boolean | undefined> {
  const res = await p.call('GET', '/api/admin/environments', { token: p.tokens.admin });
  const envs = (await bodyOf<{ environments: { name: string; protected: boolean }[] }>(res)).environments;
  return envs.find((e) => e.name === 'production')?.protected;
}

async function productionVersion(): Promise<number> {
  const res = await p.call('GET', '/api/admin/environments', { token: p.tokens.admin });
  const envs = (await bodyOf<{ environments: { name: string; version: number }[] }>(res)).environments;
  return envs.find((e) => e.name === 'production')?.version ?? 0;
}

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

describe('an emergency does not change rights', () => {
  it('an emergency cannot lift production protection; a squad write to production stays held', async () => {
    const lift = await p.call('PUT', '/api/admin/environments/production', {
      token: p.tokens.admin,
      headers: { 'omnilab-emergency': 'INC-1 need to move fast' },
      body: { version: await productionVersion(), protected: false },
    });
    expect(lift.status).not.toBe(200); // was: 200, production unprotected at once
    expect(lift.status).toBe(403);
    expect((await bodyOf<{ message: string }>(lift)).message).toMatch(
      /never changes environments or their protection: send it without the omnilab-emergency header and ask another platform admin/,
    );
    expect(await productionProtected()).toBe(true);

    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.squadPayments,
      body: { name: 'atk-unprotected', squad: 'payments' },
    });
    const f = await bodyOf<{ version: number }>(created);
    const write = await p.call('PUT', '/api/admin/flags/atk-unprotected/environments/production', {
      token: p.tokens.squadPayments,
      body: { version: f.version, channels: { mobile: true } },
    });
    expect(write.status).toBe(202);
    expect((await served('atk-unprotected'))?.enabled ?? false).toBe(false);
  });

  it('an emergency cannot mint a platform-admin token for someone else; no sock puppet approves', async () => {
    const minted = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      headers: { 'omnilab-emergency': 'INC-2 need a second admin' },
      body: { name: 'sock-puppet', kind: 'admin', role: 'platform-admin' },
    });
    expect(minted.status).not.toBe(201); // was: 201, the token worked at once
    expect(minted.status).toBe(403);
    expect(await tokenNames()).not.toContain('sock-puppet');
    const puppet = (await bodyOf<{ secret?: string }>(minted)).secret ?? 'none';

    const me = await p.call('GET', '/api/admin/me', { token: puppet });
    expect(me.status).toBe(401);

    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'atk-puppet', squad: 'payments' },
    });
    const f = await bodyOf<{ version: number }>(created);
    const held = await p.call('PUT', '/api/admin/flags/atk-puppet/environments/production', {
      token: p.tokens.admin,
      body: { version: f.version, channels: { atm: true } },
    });
    const request = (await bodyOf<{ changeRequest: Request }>(held)).changeRequest;
    const approval = await p.call('POST', `/api/admin/change-requests/${request.id}/approve`, {
      token: puppet,
      body: { version: request.version },
    });
    expect(approval.status).toBe(401);
    expect((await served('atk-puppet'))?.enabled ?? false).toBe(false);
  });

  it('an emergency mints no client or frontend token either, and revokes none', async () => {
    for (const body of [
      { name: 'em-client', kind: 'client', environment: 'production' },
      { name: 'em-frontend', kind: 'frontend', environment: 'production' },
    ]) {
      const res = await p.call('POST', '/api/admin/tokens', {
        token: p.tokens.admin,
        headers: { 'omnilab-emergency': 'INC-3 a key for the hotfix' },
        body,
      });
      expect(res.status).toBe(403);
    }
    expect(await tokenNames()).not.toContain('em-client');
    expect(await tokenNames()).not.toContain('em-frontend');
    const { tokens } = await bodyOf<{ tokens: TokenView[] }>(
      await p.call('GET', '/api/admin/tokens', { token: p.tokens.admin }),
    );
    const victim = tokens.find((t) => t.name === 'prod-client')!;
    const revoke = await p.call('DELETE', `/api/admin/tokens/${victim.id}`, {
      token: p.tokens.admin,
      headers: { 'omnilab-emergency': 'INC-3' },
    });
    expect(revoke.status).toBe(403);
    expect((await p.call('GET', '/api/client/features', { token: p.tokens.productionClient })).status).toBe(
      200,
    );
  });

  it('the header buys nothing on a change request: the author still cannot approve their own', async () => {
    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'atk-self', squad: 'payments' },
    });
    const f = await bodyOf<{ version: number }>(created);
    const held = await p.call('PUT', '/api/admin/flags/atk-self/environments/production', {
      token: p.tokens.admin,
      body: { version: f.version, channels: { web: true } },
    });
    const request = (await bodyOf<{ changeRequest: Request }>(held)).changeRequest;
    const self = await p.call('POST', `/api/admin/change-requests/${request.id}/approve`, {
      token: p.tokens.admin,
      headers: { 'omnilab-emergency': 'INC-5 approve it now' },
      body: { version: request.version },
    });
    expect(self.status).toBe(403);
    expect((await served('atk-self'))?.enabled ?? false).toBe(false);
  });
});

describe('a token the author minted is not a second person', () => {
  it("a platform-admin token minted by the admin (approved by another) does not approve the admin's change", async () => {
    const minted = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'second-hat', kind: 'admin', role: 'platform-admin' },
    });
    expect(minted.status).toBe(202);
    expect(minted.headers.get('cache-control')).toBe('no-store');
    const body = await bodyOf<{ secret: string; changeRequest: Request }>(minted);
    const approved = await bodyOf<Request>(
      await p.call('POST', `/api/admin/change-requests/${body.changeRequest.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: body.changeRequest.version },
      }),
    );
    const applied = await p.call('POST', `/api/admin/change-requests/${approved.id}/apply`, {
      token: p.tokens.admin,
      body: { version: approved.version },
    });
    expect(applied.status).toBe(200);
    expect((await p.call('GET', '/api/admin/me', { token: body.secret })).status).toBe(200);

    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'atk-second-hat', squad: 'payments' },
    });
    const f = await bodyOf<{ version: number }>(created);
    const held = await p.call('PUT', '/api/admin/flags/atk-second-hat/environments/production', {
      token: p.tokens.admin,
      body: { version: f.version, channels: { mobile: true } },
    });
    const request = (await bodyOf<{ changeRequest: Request }>(held)).changeRequest;
    const approval = await p.call('POST', `/api/admin/change-requests/${request.id}/approve`, {
      token: body.secret,
      body: { version: request.version },
    });
    expect(approval.status).toBe(403);
    expect((await bodyOf<{ message: string }>(approval)).message).toMatch(/minted by .*, the author/);
    expect((await served('atk-second-hat'))?.enabled ?? false).toBe(false);
  });
});

describe('minting refuses what does not apply, and no cache keeps a secret', () => {
  it('a field that does not apply to the kind is a 400 naming it; nothing is minted', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ name: 'fx-1', kind: 'frontend', environment: 'production', role: 'platform-admin' }, 'role'],
      [
        { name: 'fx-2', kind: 'admin', role: 'squad', squad: 'payments', environment: 'development' },
        'environment',
      ],
      [{ name: 'fx-3', kind: 'client', environment: 'production', squad: 'payments' }, 'squad'],
      [{ name: 'fx-4', kind: 'admin', role: 'auditor', squad: 'payments' }, 'squad'],
    ];
    for (const [body, field] of cases) {
      const res = await p.call('POST', '/api/admin/tokens', { token: p.tokens.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await bodyOf(res))).toContain(field);
    }
    const names = await tokenNames();
    for (const [body] of cases) expect(names).not.toContain(body.name);
  });

  it('the 201 carrying a new secret is no-store, and the secret works', async () => {
    const res = await p.call('POST', '/api/admin/tokens', {
      token: p.tokens.admin,
      body: { name: 'ns-client', kind: 'client', environment: 'production' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { secret } = await bodyOf<{ secret: string }>(res);
    expect((await p.call('GET', '/api/client/features', { token: secret })).status).toBe(200);
  });
});
