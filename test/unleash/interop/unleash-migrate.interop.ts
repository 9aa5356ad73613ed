/**
 * Against a real Unleash 8.2: seed it with bank flags, `npx omnilab migrate unleash` them over, check
 * what omnilab stored, evaluate every flag with the official Node SDK connected live to each server
 * over generated contexts (ASCII ids), then take omnilab's `export?format=unleash` back into Unleash
 * through its own features-batch import and evaluate again.
 */
import { Writable } from 'node:stream';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { main } from '../../../cli/main';
import { generateContexts } from '../../../cli/migrate-command';
import type { ClientFeaturesDocument } from '../../../shared/model/client-features';
import type { Flag } from '../../../shared/model/flag';
import type { UnleashExport } from '../../../shared/model/unleash-export';
import { bodyOf, startTestPlatform, type TestPlatform } from '../../support/platform';
import { SEEDED_FLAGS, seedUnleash, type UnleashAdmin, unleashAdmin } from './seed-unleash';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

let p: TestPlatform;
let api: UnleashAdmin;
const url = inject('unleashUrl');
const adminToken = inject('unleashAdminToken');

async function liveSdk(base: string, token: string): Promise<Unleash> {
  const sdk = new Unleash({
    url: `${base}/api/`,
    appName: 'interop',
    customHeaders: { Authorization: token },
    refreshInterval: 60_000,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true,
  });
  await new Promise<void>((resolve, reject) => {
    sdk.once('synchronized', () => resolve());
    sdk.once('error', reject);
  });
  return sdk;
}

async function compareLive(): Promise<{ agree: number; total: number; first: string[] }> {
  const minted = (await api.call('POST', '/api/admin/api-tokens', {
    tokenName: 'interop-compare',
    type: 'client',
    environment: 'development',
    projects: ['*'],
  })) as { secret: string };
  const theirs = await liveSdk(url, minted.secret);
  const ours = await liveSdk(p.url, p.tokens.client);
  try {
    const doc = await bodyOf<ClientFeaturesDocument>(
      await fetch(`${url}/api/client/features`, { headers: { authorization: minted.secret } }),
    );
    const contexts = generateContexts([doc], p.runtime.config.channels, 1000);
    let agree = 0;
    let total = 0;
    const first: string[] = [];
    for (const name of SEEDED_FLAGS)
      for (const ctx of contexts) {
        const a = `${theirs.isEnabled(name, ctx)}/${theirs.getVariant(name, ctx).name}`;
        const b = `${ours.isEnabled(name, ctx)}/${ours.getVariant(name, ctx).name}`;
        total++;
        if (a === b) agree++;
        else if (first.length < 5) first.push(`${name} ${JSON.stringify(ctx)}: Unleash ${a}, omnilab ${b}`);
      }
    return { agree, total, first };
  } finally {
    theirs.destroy();
    ours.destroy();
  }
}

beforeAll(async () => {
  api = unleashAdmin(url, adminToken);
  await seedUnleash(api);
  p = await startTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

describe('a real Unleash 8.2 and omnilab', () => {
  it('migrate unleash imports every seeded flag and reports full agreement', async () => {
    const out = new Capture();
    const err = new Capture();
    const code = await main(
      [
        'migrate',
        'unleash',
        '--url',
        url,
        '--token',
        adminToken,
        '--omnilab-url',
        p.url,
        '--omnilab-token',
        p.tokens.admin,
        '--contexts',
        '1000',
      ],
      out as never,
      err as never,
    );
    console.log(out.text);
    expect(code, `${out.text}\n${err.text}`).toBe(0);
    expect(out.text).toMatch(/development → development: (\d+) of \1 evaluations agree \(100\.00%\)/);
    const flag = async (name: string) =>
      bodyOf<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
    const banner = await flag('loan-banner');
    expect(banner.tags).toEqual(['simple:lending', 'team:growth']);
    expect(banner.impressionData).toBe(true);
    expect(
      banner.environments.development.strategies.map((s) => [
        s.name,
        (s as { title?: string }).title,
        (s as { disabled?: boolean }).disabled,
      ]),
    ).toEqual([
      ['flexibleRollout', 'Adults on mobile and web, 40%', undefined],
      ['default', 'Everyone (paused)', true],
    ]);
    expect((await flag('old-statement')).stale).toBe(true);
    expect((await flag('loan-banner-copy')).dependencies).toEqual([
      { feature: 'loan-banner', enabled: true, variants: [] },
    ]);
    // Context field definitions and tag types are stored as Unleash had them.
    const fields = await bodyOf<{ contextFields: { name: string; description: string }[] }>(
      await p.call('GET', '/api/admin/context-fields', { token: p.tokens.admin }),
    );
    expect(fields.contextFields).toContainEqual(
      expect.objectContaining({ name: 'channel', description: 'Banking channel' }),
    );
    const types = await bodyOf<{ tagTypes: { name: string; description: string }[] }>(
      await p.call('GET', '/api/admin/tag-types', { token: p.tokens.admin }),
    );
    expect(types.tagTypes).toContainEqual(
      expect.objectContaining({ name: 'team', description: 'Owning team' }),
    );
  });

  it('the official SDK connected to each server answers the same', async () => {
    const r = await compareLive();
    console.log(`live SDKs after migrate: ${r.agree} of ${r.total} agree`, r.first);
    expect(r.first).toEqual([]);
  });

  it("omnilab's export imports back into Unleash through its features-batch import, and still agrees", async () => {
    const exported = await bodyOf<UnleashExport>(
      await p.call('GET', '/api/admin/environments/development/export?format=unleash', {
        token: p.tokens.admin,
      }),
    );
    // The definitions go back as Unleash gave them.
    expect(exported.contextFields).toContainEqual(
      expect.objectContaining({ name: 'channel', description: 'Banking channel' }),
    );
    expect(exported.tagTypes).toContainEqual(
      expect.objectContaining({ name: 'team', description: 'Owning team' }),
    );
    // Unleash refuses admin tokens for imports: a personal access token of its default admin user.
    const login = await fetch(`${url}/auth/simple/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'unleash4all' }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    const pat = await fetch(`${url}/api/admin/user/tokens`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        description: 'interop round trip',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    });
    expect(pat.status, await pat.clone().text()).toBeLessThan(300);
    const { secret } = (await pat.json()) as { secret: string };
    const imported = await fetch(`${url}/api/admin/features-batch/import`, {
      method: 'POST',
      headers: { authorization: secret, 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'default', environment: 'development', data: exported }),
    });
    const text = await imported.text();
    console.log(`Unleash features-batch import: ${imported.status} ${text.slice(0, 500)}`);
    expect(imported.status, text).toBeLessThan(300);
    const r = await compareLive();
    console.log(`live SDKs after the round trip: ${r.agree} of ${r.total} agree`, r.first);
    expect(r.first).toEqual([]);
  });
});
