/**
 * Outside-in attacks on four eyes that held (session 6 review): editing a change request after it
 * was approved, approving with a second token of the author, and replaying an applied request
 * after a kill switch. Each asserts what a production client then gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

interface Request {
  id: string;
  version: number;
  status: string;
  revision: number;
  requiredApprovals: number;
}
interface Feature {
  name: string;
  enabled: boolean;
  strategies: { constraints?: { contextName: string; values?: string[] }[] }[];
}

let p: TestPlatform;
/** A second token of the same person as `p.tokens.squadPayments`. */
let sameAuthor = '';

async function read(id: string): Promise<Request> {
  return bodyOf<Request>(await p.call('GET', `/api/admin/change-requests/${id}`, { token: p.tokens.admin }));
}

async function served(name: string): Promise<Feature | undefined> {
  const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  expect(res.status).toBe(200);
  return (await bodyOf<{ features: Feature[] }>(res)).features.find((f) => f.name === name);
}

function servedChannels(feature: Feature | undefined): string[] {
  if (!feature?.enabled) return [];
  const values = feature.strategies.flatMap(
    (s) => s.constraints?.filter((c) => c.contextName === 'channel').flatMap((c) => c.values ?? []) ?? [],
  );
  return [...new Set(values)].sort();
}

async function createFlag(name: string): Promise<number> {
  const res = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.squadPayments,
    body: { name, squad: 'payments' },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await bodyOf<{ version: number }>(res)).version;
}

async function heldWrite(name: string, version: number, channels: Record<string, boolean>): Promise<Request> {
  const res = await p.call('PUT', `/api/admin/flags/${name}/environments/production`, {
    token: p.tokens.squadPayments,
    body: { version, channels },
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return (await bodyOf<{ changeRequest: Request }>(res)).changeRequest;
}

beforeAll(async () => {
  p = await startTestPlatform();
  const me = await bodyOf<{ name: string; person?: string }>(
    await p.call('GET', '/api/admin/me', { token: p.tokens.squadPayments }),
  );
  const minted = await p.call('POST', '/api/admin/tokens', {
    token: p.tokens.admin,
    body: { name: me.person ?? me.name, kind: 'admin', role: 'squad', squad: 'payments' },
  });
  expect([201, 202]).toContain(minted.status);
  const body = await bodyOf<{ secret: string; changeRequest?: Request }>(minted);
  if (body.changeRequest) {
    const approved = await p.call('POST', `/api/admin/change-requests/${body.changeRequest.id}/approve`, {
      token: p.tokens.secondAdmin,
      body: { version: body.changeRequest.version },
    });
    const a = await bodyOf<Request>(approved);
    const applied = await p.call('POST', `/api/admin/change-requests/${a.id}/apply`, {
      token: p.tokens.admin,
      body: { version: a.version },
    });
    expect(applied.status).toBe(200);
  }
  sameAuthor = body.secret;
});
afterAll(() => p.close());

describe('four eyes held against an outside attacker', () => {
  it('a second token of the author cannot approve; an edit after approval needs approval again and production keeps the approved channels until then', async () => {
    const v = await createFlag('atk-edit');
    const opened = await heldWrite('atk-edit', v, { mobile: true });

    const self = await p.call('POST', `/api/admin/change-requests/${opened.id}/approve`, {
      token: sameAuthor,
      body: { version: opened.version },
    });
    expect(self.status).toBe(403);

    const approved = await bodyOf<Request>(
      await p.call('POST', `/api/admin/change-requests/${opened.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: opened.version },
      }),
    );
    expect(approved.status).toBe('approved');

    // The author widens the approved request to every channel.
    const edited = await p.call('PUT', `/api/admin/change-requests/${opened.id}`, {
      token: sameAuthor,
      body: {
        version: approved.version,
        body: { version: v, channels: { mobile: true, web: true, branch: true, atm: true } },
      },
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    const afterEdit = await bodyOf<Request>(edited);
    expect(afterEdit).toMatchObject({ status: 'open', revision: 2, requiredApprovals: 1 });

    const apply = await p.call('POST', `/api/admin/change-requests/${opened.id}/apply`, {
      token: p.tokens.squadPayments,
      body: { version: afterEdit.version },
    });
    expect(apply.status).toBeGreaterThanOrEqual(400);
    expect(servedChannels(await served('atk-edit'))).toEqual([]);
  });

  it('an applied request cannot be applied or edited again after a kill switch, and production stays off', async () => {
    const v = await createFlag('atk-replay');
    const opened = await heldWrite('atk-replay', v, { web: true });
    const approved = await bodyOf<Request>(
      await p.call('POST', `/api/admin/change-requests/${opened.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: opened.version },
      }),
    );
    const applied = await p.call('POST', `/api/admin/change-requests/${opened.id}/apply`, {
      token: p.tokens.squadPayments,
      body: { version: approved.version },
    });
    expect(applied.status).toBe(200);
    expect(servedChannels(await served('atk-replay'))).toEqual(['web']);

    const current = await bodyOf<{ version: number }>(
      await p.call('GET', '/api/admin/flags/atk-replay', { token: p.tokens.admin }),
    );
    const kill = await p.call('PUT', '/api/admin/flags/atk-replay/environments/production/channels/web', {
      token: p.tokens.squadPayments,
      body: { version: current.version, enabled: false },
    });
    expect(kill.status).toBe(200);
    expect(servedChannels(await served('atk-replay'))).toEqual([]);

    const stored = await read(opened.id);
    expect(stored.status).toBe('applied');
    const replay = await p.call('POST', `/api/admin/change-requests/${opened.id}/apply`, {
      token: p.tokens.squadPayments,
      body: { version: stored.version },
    });
    expect(replay.status).toBe(409);
    const reEdit = await p.call('PUT', `/api/admin/change-requests/${opened.id}`, {
      token: p.tokens.squadPayments,
      body: { version: stored.version, body: { version: current.version + 1, channels: { web: true } } },
    });
    expect(reEdit.status).toBe(409);
    expect(servedChannels(await served('atk-replay'))).toEqual([]);
  });
});
