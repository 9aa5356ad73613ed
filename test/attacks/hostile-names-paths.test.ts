/**
 * The flag and segment name rule on every path that creates a name (flag create, Unleash import,
 * segment create and rename): "." and "..", invisible, control and direction characters, and
 * non-NFC text are refused with a 400 naming the field and writing nothing; every name Unleash
 * itself accepts still passes and is reachable by its path; a name stored before the rule stays
 * readable and writable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flag } from '../../shared/model/flag';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

async function flagNames(): Promise<string[]> {
  const res = await p.call('GET', '/api/admin/flags', { token: p.tokens.admin });
  return (await bodyOf<{ flags: { name: string }[] }>(res)).flags.map((f) => f.name);
}

async function segmentNames(): Promise<string[]> {
  const res = await p.call('GET', '/api/admin/segments', { token: p.tokens.admin });
  return (await bodyOf<{ segments: { name: string }[] }>(res)).segments.map((s) => s.name);
}

/** A one-environment Unleash export: each feature on with a default strategy in development. */
function unleashExport(names: string[], segments: { id: number; name: string }[] = []) {
  return {
    features: names.map((name) => ({ name, type: 'release' })),
    featureStrategies: names.map((name) => ({
      name: 'default',
      featureName: name,
      environment: 'development',
      parameters: {},
      constraints: [],
    })),
    featureEnvironments: names.map((name) => ({
      featureName: name,
      environment: 'development',
      enabled: true,
    })),
    segments: segments.map((s) => ({ ...s, constraints: [] })),
  };
}

describe('the name rule on every path that creates a name', () => {
  it('an Unleash import naming a flag ".." or a hidden twin is a 400 naming it, and imports nothing', async () => {
    const before = await flagNames();
    for (const [bad, at] of [
      ['..', 1],
      ['ok\u200b', 0],
    ] as const) {
      const names = at === 1 ? ['import-good', bad] : [bad, 'import-good'];
      const res = await p.call('POST', '/api/admin/import/unleash', {
        token: p.tokens.admin,
        body: unleashExport(names),
      });
      expect(res.status).toBe(400);
      const body = await bodyOf<{ field: string; message: string }>(res);
      expect(body.field).toBe(`features[${at}].name`);
      expect(body.message).toMatch(/letters, digits/);
    }
    expect(await flagNames()).toEqual(before);
    const doc = await (await p.call('GET', '/api/client/features', { token: p.tokens.client })).json();
    expect(doc.features.map((f: { name: string }) => f.name)).not.toContain('..');
    expect(doc.features.map((f: { name: string }) => f.name)).not.toContain('import-good');
  });

  it('a client-features import into an environment naming a flag ".." is a 400 naming it', async () => {
    const before = await flagNames();
    const res = await p.call('POST', '/api/admin/environments/development/import', {
      token: p.tokens.admin,
      body: {
        version: 2,
        features: [
          { name: 'env-import-good', enabled: true },
          { name: '..', enabled: true },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).field).toBe('features[1].name');
    expect(await flagNames()).toEqual(before);
  });

  it('an Unleash import naming a new segment with a bidi override is a 400 naming it', async () => {
    const before = await segmentNames();
    const res = await p.call('POST', '/api/admin/import/unleash', {
      token: p.tokens.admin,
      body: unleashExport(['seg-import-good'], [{ id: 3, name: 'pay\u202e\u200bseg' }]),
    });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).field).toBe('segments[0].name');
    expect(await segmentNames()).toEqual(before);
  });

  it('segments: hidden characters and NFD are refused on create and rename; plain text with spaces passes', async () => {
    const before = await segmentNames();
    for (const name of ['pay\u202e\u200bseg', 'staff\u0007', 'cafe\u0301 staff', 'beta\u2060users']) {
      const res = await p.call('POST', '/api/admin/segments', {
        token: p.tokens.admin,
        body: { name, constraints: [] },
      });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect((await bodyOf(res)).field).toBe('name');
    }
    expect(await segmentNames()).toEqual(before);
    const created = await p.call('POST', '/api/admin/segments', {
      token: p.tokens.admin,
      body: { name: 'Beta users (north)', constraints: [] },
    });
    expect(created.status).toBe(201);
    const seg = await bodyOf<{ id: number; version: number }>(created);
    const rename = await p.call('PUT', `/api/admin/segments/${seg.id}`, {
      token: p.tokens.admin,
      body: { version: seg.version, name: 'Beta\u200busers' },
    });
    expect(rename.status).toBe(400);
    expect((await bodyOf(rename)).field).toBe('name');
    expect(await segmentNames()).toContain('Beta users (north)');
    expect(await segmentNames()).not.toContain('Beta\u200busers');
  });

  it('every character Unleash allows in a name still passes, and the flag is reachable by its path', async () => {
    const name = "Pay.ment_v2~beta-(new)!*'";
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'payments' },
    });
    expect(res.status).toBe(201);
    const read = await p.call('GET', `/api/admin/flags/${encodeURIComponent(name)}`, {
      token: p.tokens.admin,
    });
    expect(read.status).toBe(200);
    expect((await bodyOf<Flag>(read)).name).toBe(name);
    const dots = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: '...', squad: 'payments' },
    });
    expect(dots.status).toBe(201);
  });

  it('a name stored before the rule stays readable and writable', async () => {
    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'legacy-template', squad: 'payments' },
    });
    const template = await bodyOf<Flag>(created);
    const legacy = 'legacy\u200bflag';
    await p.runtime.flags.write([{ flag: { ...template, name: legacy }, expectedVersion: null }], []);
    const path = `/api/admin/flags/${encodeURIComponent(legacy)}`;
    const read = await p.call('GET', path, { token: p.tokens.admin });
    expect(read.status).toBe(200);
    const update = await p.call('PUT', path, {
      token: p.tokens.admin,
      body: { version: template.version, description: 'still reachable' },
    });
    expect(update.status).toBe(200);
    expect((await bodyOf<Flag>(update)).description).toBe('still reachable');
    expect(await flagNames()).toContain(legacy);
  });
});
