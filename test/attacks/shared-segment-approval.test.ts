/**
 * Outside-in attack on four eyes that held (session 6 review): a squad widens its own segment that
 * another squad's live production flag uses, and a mate of the same squad approves. Only a platform
 * admin or an auditor may approve it; until then production customers keep the narrow audience.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

interface Request {
  id: string;
  version: number;
  status: string;
  effect?: { squads?: string[] };
}

let p: TestPlatform;
let paymentsMate = '';
let cards = '';

async function mintApproved(body: Record<string, string>): Promise<string> {
  const res = await p.call('POST', '/api/admin/tokens', { token: p.tokens.admin, body });
  const minted = await bodyOf<{ secret: string; changeRequest?: Request }>(res);
  if (minted.changeRequest) {
    const approved = await bodyOf<Request>(
      await p.call('POST', `/api/admin/change-requests/${minted.changeRequest.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: minted.changeRequest.version },
      }),
    );
    const applied = await p.call('POST', `/api/admin/change-requests/${approved.id}/apply`, {
      token: p.tokens.admin,
      body: { version: approved.version },
    });
    expect(applied.status).toBe(200);
  }
  return minted.secret;
}

async function ofrep(name: string, userId: string): Promise<unknown> {
  const res = await p.call('POST', `/ofrep/v1/evaluate/flags/${name}`, {
    token: p.tokens.productionClient,
    body: { context: { targetingKey: userId, userId, channel: 'mobile' } },
  });
  return (await bodyOf<{ value?: unknown }>(res)).value ?? false;
}

beforeAll(async () => {
  p = await startTestPlatform();
  [paymentsMate, cards] = await Promise.all([
    mintApproved({ name: 'carol-payments', kind: 'admin', role: 'squad', squad: 'payments' }),
    mintApproved({ name: 'bob-cards', kind: 'admin', role: 'squad', squad: 'cards' }),
  ]);
});
afterAll(() => p.close());

describe('a segment shared with another squad', () => {
  it('its squad mates cannot approve a widening that reaches the other squad, and production keeps the narrow audience', async () => {
    const segment = await bodyOf<{ id: number; version: number; name: string }>(
      await p.call('POST', '/api/admin/segments', {
        token: p.tokens.squadPayments,
        body: {
          name: 'vip-customers',
          squad: 'payments',
          constraints: [{ contextName: 'userId', operator: 'IN', values: ['cust-vip'] }],
        },
      }),
    );
    const created = await p.call('POST', '/api/admin/flags', {
      token: cards,
      body: { name: 'atk-card-offer', squad: 'cards' },
    });
    expect(created.status).toBe(201);
    const f = await bodyOf<{ version: number }>(created);
    const live = await p.call('PUT', '/api/admin/flags/atk-card-offer/environments/production', {
      token: cards,
      body: {
        version: f.version,
        channels: { mobile: true },
        strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [segment.id] }],
      },
    });
    const liveRequest = (await bodyOf<{ changeRequest: Request }>(live)).changeRequest;
    const approvedLive = await bodyOf<Request>(
      await p.call('POST', `/api/admin/change-requests/${liveRequest.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: liveRequest.version },
      }),
    );
    await p.call('POST', `/api/admin/change-requests/${liveRequest.id}/apply`, {
      token: cards,
      body: { version: approvedLive.version },
    });
    expect(await ofrep('atk-card-offer', 'cust-vip')).toBe(true);
    expect(await ofrep('atk-card-offer', 'cust-anyone')).toBe(false);

    const widen = await p.call('PUT', `/api/admin/segments/${segment.id}`, {
      token: p.tokens.squadPayments,
      body: { version: segment.version, name: segment.name, constraints: [] },
    });
    expect(widen.status).toBe(202);
    const request = (await bodyOf<{ changeRequest: Request }>(widen)).changeRequest;
    expect(request.effect?.squads).toContain('cards');

    const mate = await p.call('POST', `/api/admin/change-requests/${request.id}/approve`, {
      token: paymentsMate,
      body: { version: request.version },
    });
    expect(mate.status).toBe(403);
    const otherSquad = await p.call('POST', `/api/admin/change-requests/${request.id}/approve`, {
      token: cards,
      body: { version: request.version },
    });
    expect(otherSquad.status).toBe(403);
    const apply = await p.call('POST', `/api/admin/change-requests/${request.id}/apply`, {
      token: p.tokens.squadPayments,
      body: { version: request.version },
    });
    expect(apply.status).toBeGreaterThanOrEqual(400);
    expect(await ofrep('atk-card-offer', 'cust-anyone')).toBe(false);
  });
});
