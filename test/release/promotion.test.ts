// Promotion: a flag's development state copied to production as one governed change (held for a second person, with its effect), served only once approved and applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { approveAndApply, heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
}, 120_000);
afterAll(async () => {
  await p?.close();
});

async function servedInProduction(userId: string, channel: string): Promise<boolean> {
  const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  return evaluate(compile((await res.json()) as ClientFeaturesDocument), 'promo', { userId, channel })
    .enabled;
}

describe('promotion between environments', () => {
  it('copies development to production as one change request showing its effect', async () => {
    const admin = p.tokens.squadPayments;
    const made = await bodyOf<{ version: number }>(
      await p.call('POST', '/api/admin/flags', { token: admin, body: { name: 'promo', squad: 'payments' } }),
    );
    const on = await p.call('PUT', '/api/admin/flags/promo/environments/development/channels/mobile', {
      token: admin,
      body: { enabled: true, version: made.version },
    });
    expect(on.status).toBe(200);
    const flag = await bodyOf<{ version: number }>(on);
    expect(await servedInProduction('c1', 'mobile')).toBe(false);
    const res = await p.call('POST', '/api/admin/flags/promo/promote', {
      token: admin,
      body: { from: 'development', to: 'production', version: flag.version },
    });
    const cr = await heldRequest(res);
    // The effect shows what production customers would get: the feature changed there.
    expect(Object.keys(cr.effect?.served.production ?? {})).toEqual(['promo']);
    expect(await servedInProduction('c1', 'mobile')).toBe(false);
    await approveAndApply(p, cr.id);
    expect(await servedInProduction('c1', 'mobile')).toBe(true);
    expect(await servedInProduction('c1', 'web')).toBe(false);
  });

  it('refuses a bad promotion with a 400 naming the field, writing nothing', async () => {
    const before = await bodyOf<{ version: number }>(
      await p.call('GET', '/api/admin/flags/promo', { token: p.tokens.admin }),
    );
    const same = await p.call('POST', '/api/admin/flags/promo/promote', {
      token: p.tokens.admin,
      body: { from: 'production', to: 'production', version: before.version },
    });
    expect(same.status).toBe(400);
    expect((await bodyOf<{ field: string }>(same)).field).toBe('to');
    const after = await bodyOf<{ version: number }>(
      await p.call('GET', '/api/admin/flags/promo', { token: p.tokens.admin }),
    );
    expect(after.version).toBe(before.version);
  });
});
