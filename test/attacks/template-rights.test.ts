/**
 * Finding (session 6 attack review): release templates have no owner, so any squad token rewrites
 * any squad's template (milestones, gates, safeguards): bob of squad cards replaced payments'
 * template with one 100%-on-mobile milestone without gates (200, audited as bob). Plans keep the
 * milestones they started with, but every plan started afterwards takes the rewritten ones.
 * Fixed: a template belongs to the squad that created it (shared/rights/ownership.ts,
 * `mayWriteTemplate`); platform admins write any; one without a squad only platform admins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let cards = '';

beforeAll(async () => {
  p = await startTestPlatform();
  const minted = await p.call('POST', '/api/admin/tokens', {
    token: p.tokens.admin,
    body: { name: 'bob-cards', kind: 'admin', role: 'squad', squad: 'cards' },
  });
  const body = await bodyOf<{ secret: string; changeRequest?: { id: string; version: number } }>(minted);
  if (body.changeRequest) {
    const a = await bodyOf<{ version: number }>(
      await p.call('POST', `/api/admin/change-requests/${body.changeRequest.id}/approve`, {
        token: p.tokens.secondAdmin,
        body: { version: body.changeRequest.version },
      }),
    );
    await p.call('POST', `/api/admin/change-requests/${body.changeRequest.id}/apply`, {
      token: p.tokens.admin,
      body: { version: a.version },
    });
  }
  cards = body.secret;
});
afterAll(() => p.close());

describe('release templates belong to a squad', () => {
  it('another squad cannot rewrite a squad template', async () => {
    const created = await p.call('POST', '/api/admin/release-templates', {
      token: p.tokens.squadPayments,
      body: {
        id: 'payments-careful',
        name: 'Payments careful',
        milestones: [
          {
            name: 'staff',
            channels: { mobile: 1 },
            minHoldMinutes: 1440,
            gates: { approval: { by: ['squad'] } },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const t = await bodyOf<{ version: number; name: string }>(created);
    const rewrite = await p.call('PUT', '/api/admin/release-templates/payments-careful', {
      token: cards,
      body: {
        version: t.version,
        name: t.name,
        milestones: [{ name: 'all', channels: { mobile: 100 }, minHoldMinutes: 0 }],
      },
    });
    expect(rewrite.status).toBe(403); // was: 200
    expect((await bodyOf<{ message: string }>(rewrite)).message).toMatch(/owned by squad payments/);
    const after = await bodyOf<{ milestones: { name: string }[] }>(
      await p.call('GET', '/api/admin/release-templates/payments-careful', { token: p.tokens.admin }),
    );
    expect(after.milestones.map((m) => m.name)).toEqual(['staff']);
    expect(after).toMatchObject({ squad: 'payments', version: t.version });

    // Its own squad and a platform admin still write it.
    const own = await p.call('PUT', '/api/admin/release-templates/payments-careful', {
      token: p.tokens.squadPayments,
      body: {
        version: t.version,
        name: 'Payments careful v2',
        milestones: [{ name: 'staff', channels: { mobile: 1 }, minHoldMinutes: 60 }],
      },
    });
    expect(own.status).toBe(200);
    const v2 = await bodyOf<{ version: number; squad?: string }>(own);
    expect(v2.squad).toBe('payments');
    const admin = await p.call('PUT', '/api/admin/release-templates/payments-careful', {
      token: p.tokens.admin,
      body: {
        version: v2.version,
        name: 'Payments careful v3',
        milestones: [{ name: 'staff', channels: { mobile: 1 }, minHoldMinutes: 60 }],
      },
    });
    expect(admin.status).toBe(200);
    expect((await bodyOf<{ squad?: string }>(admin)).squad).toBe('payments');
  });

  it("a template without a squad (a platform admin's) is for platform admins only", async () => {
    const created = await p.call('POST', '/api/admin/release-templates', {
      token: p.tokens.admin,
      body: {
        id: 'house-standard',
        name: 'House standard',
        milestones: [{ name: 'staff', channels: { web: 1 }, minHoldMinutes: 60 }],
      },
    });
    expect(created.status).toBe(201);
    const t = await bodyOf<{ version: number; squad?: string }>(created);
    expect(t.squad).toBeUndefined();
    for (const token of [p.tokens.squadPayments, cards]) {
      const res = await p.call('PUT', '/api/admin/release-templates/house-standard', {
        token,
        body: {
          version: t.version,
          name: 'mine now',
          milestones: [{ name: 'all', channels: { web: 100 }, minHoldMinutes: 0 }],
        },
      });
      expect(res.status).toBe(403);
    }
    const after = await bodyOf<{ name: string; version: number }>(
      await p.call('GET', '/api/admin/release-templates/house-standard', { token: p.tokens.admin }),
    );
    expect(after).toMatchObject({ name: 'House standard', version: t.version });
  });
});
