/**
 * An AWS AppConfig feature-flag profile imports through the same plan and governed import (what OFREP
 * then answers, what is reported), and the OpenFeature CLI's manifest API lists every flag with the
 * type OFREP resolves it to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnleashImportReport } from '../../functions/services/unleash-import-plan';
import type { ManifestFlag } from '../../shared/model/openfeature-manifest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

const profile = {
  version: '1',
  flags: {
    'dark-mode': { name: 'Dark mode', description: 'Dark theme in the app' },
    'transfer-limits': {
      name: 'Transfer limits',
      attributes: {
        daily: { constraints: { type: 'number' } },
        currency: { constraints: { type: 'string' } },
      },
    },
    'old-login': { name: 'Old login', _deprecation: { status: 'planned' } },
    'fx-banner': { name: 'FX banner', attributes: { text: { constraints: { type: 'string' } } } },
  },
  values: {
    'dark-mode': { enabled: true },
    'transfer-limits': { enabled: true, daily: 5000, currency: 'CNY' },
    'old-login': { enabled: false },
    'fx-banner': {
      _variants: [
        {
          name: 'qa',
          rule: '(ends_with $email "@bank.example")',
          enabled: true,
          attributeValues: { text: 'QA' },
        },
        { name: 'default', enabled: true, attributeValues: { text: 'Live rates' } },
      ],
    },
  },
};

const ofrep = async (key: string) =>
  bodyOf<{ value: unknown; reason?: string; errorCode?: string }>(
    await p.call('POST', `/ofrep/v1/evaluate/flags/${key}`, {
      token: p.tokens.client,
      body: { context: { targetingKey: 'customer-1', channel: 'mobile' } },
    }),
  );

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.close();
});

describe('POST /api/admin/import/appconfig', () => {
  it('plans, reports rule-based variants on their flag, imports, and OFREP answers the values', async () => {
    const planned = await p.call('POST', '/api/admin/import/appconfig/plan?environment=development', {
      token: p.tokens.admin,
      body: profile,
    });
    expect(planned.status, await planned.clone().text()).toBe(200);
    const report = await bodyOf<UnleashImportReport>(planned);
    expect(report.summary).toMatchObject({ created: 4 });
    expect(report.flags.find((f) => f.name === 'fx-banner')?.warnings.join(' ')).toMatch(
      /rule-based variant\(s\) \(qa\)/,
    );

    const res = await p.call('POST', '/api/admin/import/appconfig?environment=development', {
      token: p.tokens.admin,
      body: profile,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await ofrep('dark-mode')).value).toBe(true);
    expect((await ofrep('transfer-limits')).value).toEqual({ daily: 5000, currency: 'CNY' });
    expect((await ofrep('fx-banner')).value).toEqual({ text: 'Live rates' });
    expect((await ofrep('old-login')).value).toBe(false);
    const flag = await bodyOf<{ stale?: boolean }>(
      await p.call('GET', '/api/admin/flags/old-login', { token: p.tokens.admin }),
    );
    expect(flag.stale).toBe(true);

    // The same profile again writes nothing.
    const again = await bodyOf<UnleashImportReport>(
      await p.call('POST', '/api/admin/import/appconfig?environment=development', {
        token: p.tokens.admin,
        body: profile,
      }),
    );
    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
  });

  it('a malformed profile is a 400 naming the field, and an unknown environment is refused', async () => {
    const bad = await p.call('POST', '/api/admin/import/appconfig?environment=development', {
      token: p.tokens.admin,
      body: { version: '1', flags: { 'Bad Key': {} } },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/flags/);
    const nowhere = await p.call('POST', '/api/admin/import/appconfig?environment=nowhere', {
      token: p.tokens.admin,
      body: profile,
    });
    expect(nowhere.status).toBe(404);
  });
});

describe('GET /openfeature/v0/manifest', () => {
  it('lists every flag with the type OFREP resolves it to and a default of that type', async () => {
    const res = await p.call('GET', '/openfeature/v0/manifest', { token: `Bearer ${p.tokens.admin}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-manifest-capabilities')).toBe('read');
    const { flags } = await bodyOf<{ flags: ManifestFlag[] }>(res);
    const byKey = new Map(flags.map((f) => [f.key, f]));
    expect(byKey.get('dark-mode')).toEqual({
      key: 'dark-mode',
      name: 'dark-mode',
      type: 'boolean',
      description: 'Dark theme in the app',
      defaultValue: false,
    });
    expect(byKey.get('transfer-limits')).toMatchObject({ type: 'object', defaultValue: {} });
    // Every listed type is what OFREP answers for the flag.
    for (const f of flags) {
      const { value } = await ofrep(f.key);
      const kind = typeof value === 'object' && value !== null ? 'object' : typeof value;
      expect(kind, f.key).toBe(f.type === 'integer' ? 'number' : f.type);
    }
  });

  it('needs an admin token', async () => {
    expect((await p.call('GET', '/openfeature/v0/manifest', { token: p.tokens.client })).status).toBe(403);
    expect((await p.call('GET', '/openfeature/v0/manifest')).status).toBe(401);
  });
});
