/**
 * Four eyes by effect, attacked through the HTTP API where the outside tester found gaps: dangling
 * references filled in later, a segment widened between approval and apply, an edit racing an
 * apply, and a shared segment whose edit reaches another squad's production flag. Each test checks
 * what a production Unleash client or OFREP caller gets, and what the change request says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../functions/services/tokens';
import type { ChangeRequest } from '../../shared/governance/change-request';
import type { ClientFeaturesDocument, Feature } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import { approveAndApply, heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
/** A second person of squad payments (not the author of payments' changes). */
let paymentsColleague = '';

beforeAll(async () => {
  p = await startTestPlatform();
  paymentsColleague = generateToken('admin', 'payments');
  await p.runtime.tokens.seed([
    {
      hash: hashToken(paymentsColleague),
      name: 'payments-bo',
      kind: 'admin',
      role: 'squad',
      squad: 'payments',
      createdAt: new Date().toISOString(),
    },
  ]);
});
afterAll(() => p.close());

async function productionDocument(): Promise<ClientFeaturesDocument> {
  const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  expect(res.status).toBe(200);
  return bodyOf<ClientFeaturesDocument>(res);
}

async function served(name: string): Promise<Feature | undefined> {
  return (await productionDocument()).features.find((f) => f.name === name);
}

async function ofrep(name: string, context: Record<string, string>): Promise<unknown> {
  const res = await p.call('POST', `/ofrep/v1/evaluate/flags/${name}`, {
    token: p.tokens.productionClient,
    body: { context },
  });
  return (await bodyOf<{ value: unknown }>(res)).value;
}

async function flag(name: string): Promise<Flag> {
  return bodyOf<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
}

async function read(id: string): Promise<ChangeRequest> {
  return bodyOf<ChangeRequest>(
    await p.call('GET', `/api/admin/change-requests/${id}`, { token: p.tokens.admin }),
  );
}

async function createFlag(name: string, extra: Record<string, unknown> = {}, token = p.tokens.squadPayments) {
  const created = await p.call('POST', '/api/admin/flags', {
    token,
    body: { name, squad: token === p.tokens.squadCards ? 'cards' : 'payments', ...extra },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return bodyOf<Flag>(created);
}

/** Turns a flag on for mobile and web in production with these strategies; returns the held request. */
async function proposeLive(
  name: string,
  strategies?: unknown[],
  token = p.tokens.squadPayments,
): Promise<ChangeRequest> {
  const f = await flag(name);
  return heldRequest(
    await p.call('PUT', `/api/admin/flags/${name}/environments/production`, {
      token,
      body: {
        version: f.version,
        channels: { mobile: true, web: true },
        ...(strategies ? { strategies } : {}),
      },
    }),
  );
}

async function createSegment(name: string, constraints: unknown[], token = p.tokens.squadPayments) {
  const res = await p.call('POST', '/api/admin/segments', { token, body: { name, constraints } });
  return res;
}

const testers = [{ contextName: 'userId', operator: 'IN', values: ['tester-1'] }];
const tester = { targetingKey: 'tester-1', userId: 'tester-1', channel: 'mobile' };
const customer = { targetingKey: 'c-9', userId: 'c-9', channel: 'mobile' };

describe('finding 4: a dangling reference filled in later is held when it changes production', () => {
  it('creating the segment a live production flag names is held; production stays off until approved', async () => {
    const probe = await bodyOf<{ id: number }>(await createSegment('probe', testers));
    // Segment ids come from a counter: the next segment created gets this id.
    const missing = probe.id + 1;
    await createFlag('dangling-segment');
    await approveAndApply(
      p,
      (
        await proposeLive('dangling-segment', [
          { name: 'default', parameters: {}, constraints: [], segments: [missing] },
        ])
      ).id,
    );
    expect((await served('dangling-segment'))?.enabled).toBe(true);
    expect(await ofrep('dangling-segment', customer)).toBe(false);
    const cr = await heldRequest(await createSegment('everyone', []));
    expect(cr.effect?.served.production).toMatchObject({ 'dangling-segment': 'changed' });
    expect(await ofrep('dangling-segment', customer)).toBe(false);
    await approveAndApply(p, cr.id);
    expect(await ofrep('dangling-segment', customer)).toBe(true);
  });

  it('creating the missing parent a live dependent wants off is held: it would turn the dependent on', async () => {
    await createFlag('ghost-child', { dependencies: [{ feature: 'ghost', enabled: false }] });
    await approveAndApply(p, (await proposeLive('ghost-child')).id);
    // A missing parent satisfies no dependency: off for everyone.
    expect(await ofrep('ghost-child', customer)).toBe(false);
    // Created off everywhere, as any squad would: the parent exists and is off, so the child is on.
    const cr = await heldRequest(
      await p.call('POST', '/api/admin/flags', {
        token: p.tokens.squadPayments,
        body: { name: 'ghost', squad: 'payments' },
      }),
    );
    expect(cr.effect?.served.production).toMatchObject({ 'ghost-child': 'changed' });
    expect((await p.call('GET', '/api/admin/flags/ghost', { token: p.tokens.admin })).status).toBe(404);
    expect(await ofrep('ghost-child', customer)).toBe(false);
    await approveAndApply(p, cr.id);
    expect(await ofrep('ghost-child', customer)).toBe(true);
  });

  it('archiving or unarchiving a parent that flips a live dependent is held', async () => {
    // The parent is off in production; the child wants it off, so the child is on for customers.
    await createFlag('arch-parent');
    await createFlag('arch-child', { dependencies: [{ feature: 'arch-parent', enabled: false }] });
    await approveAndApply(p, (await proposeLive('arch-child')).id);
    expect(await ofrep('arch-child', customer)).toBe(true);
    const parent = await flag('arch-parent');
    const cr = await heldRequest(
      await p.call('PUT', '/api/admin/flags/arch-parent', {
        token: p.tokens.squadPayments,
        body: { version: parent.version, archived: true },
      }),
    );
    expect(cr.effect?.served.production).toMatchObject({ 'arch-child': 'changed' });
    expect(await ofrep('arch-child', customer)).toBe(true);
    await approveAndApply(p, cr.id);
    // A missing parent satisfies no dependency: the child is off now.
    expect(await ofrep('arch-child', customer)).toBe(false);
    const archived = await flag('arch-parent');
    const back = await heldRequest(
      await p.call('PUT', '/api/admin/flags/arch-parent', {
        token: p.tokens.squadPayments,
        body: { version: archived.version, archived: false },
      }),
    );
    expect(back.effect?.served.production).toMatchObject({ 'arch-child': 'changed' });
    expect(await ofrep('arch-child', customer)).toBe(false);
  });
});

describe('finding 3: a segment widened between approval and apply', () => {
  it('the apply recomputes the effect: production does not serve everyone without a second approval', async () => {
    const s = await bodyOf<{ id: number; version: number }>(await createSegment('testers-only', testers));
    await createFlag('widen-me');
    const cr = await proposeLive('widen-me', [
      { name: 'default', parameters: {}, constraints: [], segments: [s.id] },
    ]);
    const approval = await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
      token: p.tokens.secondAdmin,
      body: { version: cr.version },
    });
    expect(approval.status).toBe(200);
    // Nothing live names the segment yet: the widening applies at once.
    const widen = await p.call('PUT', `/api/admin/segments/${s.id}`, {
      token: p.tokens.squadPayments,
      body: { version: s.version, constraints: [] },
    });
    expect(widen.status).toBe(200);
    const approved = await read(cr.id);
    const applied = await p.call('POST', `/api/admin/change-requests/${cr.id}/apply`, {
      token: p.tokens.secondAdmin,
      body: { version: approved.version },
    });
    expect(applied.status).toBe(409);
    expect(await read(cr.id)).toMatchObject({ status: 'open', revision: cr.revision + 1 });
    expect((await served('widen-me'))?.enabled ?? false).toBe(false);
    expect(await ofrep('widen-me', customer)).toBe(false);
    // A second approval, of the widened state, lets it through.
    await approveAndApply(p, cr.id);
    expect(await ofrep('widen-me', customer)).toBe(true);
    expect(await ofrep('widen-me', tester)).toBe(true);
  });
});

describe('finding 17: an edit racing an apply', () => {
  it('apply non-2xx means production unchanged, and the request says what happened', async () => {
    for (let round = 0; round < 10; round++) {
      const name = `race-${round}`;
      await createFlag(name);
      const cr = await proposeLive(name);
      const approved = await bodyOf<ChangeRequest>(
        await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
          token: p.tokens.secondAdmin,
          body: { version: cr.version },
        }),
      );
      const f = await flag(name);
      const [edit, apply] = await Promise.all([
        p.call('PUT', `/api/admin/change-requests/${cr.id}`, {
          token: p.tokens.squadPayments,
          body: {
            version: approved.version,
            body: { version: f.version, channels: { mobile: true, web: false } },
          },
        }),
        p.call('POST', `/api/admin/change-requests/${cr.id}/apply`, {
          token: p.tokens.secondAdmin,
          body: { version: approved.version },
        }),
      ]);
      const now = await read(cr.id);
      const web = await ofrep(name, { ...customer, channel: 'web' });
      const mobile = await ofrep(name, customer);
      if (apply.status === 200) {
        expect(now.status, `round ${round}`).toBe('applied');
        expect(edit.status, `round ${round}: edit after apply`).toBeGreaterThanOrEqual(400);
        expect([web, mobile]).toEqual([true, true]);
      } else {
        expect(mobile, `round ${round}: apply answered ${apply.status}`).toBe(false);
        expect(web).toBe(false);
        expect(now.status).not.toBe('applied');
      }
    }
  });
});

describe("finding 18: an edit of one squad's segment that another squad's production flag uses", () => {
  it('a colleague in the segment owner squad alone may not approve; a platform admin may', async () => {
    const s = await bodyOf<{ id: number; version: number }>(await createSegment('payments-testers', testers));
    await createFlag('cards-perk', {}, p.tokens.squadCards);
    await approveAndApply(
      p,
      (
        await proposeLive(
          'cards-perk',
          [{ name: 'default', parameters: {}, constraints: [], segments: [s.id] }],
          p.tokens.squadCards,
        )
      ).id,
    );
    expect(await ofrep('cards-perk', tester)).toBe(true);
    expect(await ofrep('cards-perk', customer)).toBe(false);
    const cr = await heldRequest(
      await p.call('PUT', `/api/admin/segments/${s.id}`, {
        token: p.tokens.squadPayments,
        body: { version: s.version, constraints: [] },
      }),
    );
    expect(cr.effect?.served.production).toMatchObject({ 'cards-perk': 'changed' });
    const colleague = await p.call('POST', `/api/admin/change-requests/${cr.id}/approve`, {
      token: paymentsColleague,
      body: { version: cr.version },
    });
    expect(colleague.status, await colleague.clone().text()).toBe(403);
    expect(await ofrep('cards-perk', customer)).toBe(false);
    await approveAndApply(p, cr.id, p.tokens.auditor);
    expect(await ofrep('cards-perk', customer)).toBe(true);
  });
});

describe("finding 12: production's served document stays under Lambda's response limit", () => {
  it('refuses, with a 413 naming size and limit, a write that would push it past 5 MB, and a kill switch still applies', async () => {
    const limit = 5 * 1024 * 1024;
    const ids = Array.from(
      { length: 1000 },
      (_, i) => `customer-${String(i).padStart(6, '0')}-${'x'.repeat(230)}`,
    );
    const big = await createSegment('allowlist', [{ contextName: 'userId', operator: 'IN', values: ids }]);
    expect(big.status, await big.clone().text()).toBe(201);
    const segment = await bodyOf<{ id: number }>(big);
    let refused: Response | undefined;
    let accepted = 0;
    for (let i = 0; i < 30 && !refused; i++) {
      const f = await createFlag(`bulky-${i}`);
      // Off in production: customers get nothing different, so it is not held; the document grows.
      const res = await p.call('PUT', `/api/admin/flags/bulky-${i}/environments/production`, {
        token: p.tokens.squadPayments,
        body: {
          version: f.version,
          strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [segment.id] }],
        },
      });
      if (res.status === 413) refused = res;
      else {
        expect(res.status, await res.clone().text()).toBe(200);
        accepted++;
      }
    }
    expect(refused, 'some write is refused before the document passes the limit').toBeDefined();
    expect(accepted).toBeGreaterThan(0);
    const message = await bodyOf<{ message?: string; error?: { message?: string } }>(refused as Response);
    expect(JSON.stringify(message)).toMatch(new RegExp(`${limit} bytes`));
    const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
    const body = await res.text();
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(limit);
    // The refused flag serves nothing of the segment in production.
    const doc = JSON.parse(body) as ClientFeaturesDocument;
    expect(
      doc.features.filter(
        (x) =>
          x.name.startsWith('bulky-') &&
          (x.strategies?.length ?? 0) > 0 &&
          x.strategies?.some((s) => (s.constraints?.length ?? 0) > 0),
      ),
    ).toHaveLength(accepted);
    // Shrinking still works: switching a bulky flag's targeting off is never refused.
    const first = await flag('bulky-0');
    const shrink = await p.call('PUT', '/api/admin/flags/bulky-0/environments/production', {
      token: p.tokens.squadPayments,
      body: { version: first.version, strategies: [] },
    });
    expect(shrink.status, await shrink.clone().text()).toBe(200);
  });
});
