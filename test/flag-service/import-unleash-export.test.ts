/**
 * Importing Unleash's own features-batch export, as an Unleash admin has it: what official SDKs then
 * get from the client API, what is stored, what the plan says, that a custom strategy is reported on
 * its flag (never a refused document), that a re-import writes nothing and keeps per-channel state,
 * and that production imports go through four eyes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnleashImportReport } from '../../functions/services/unleash-import-plan';
import type { ClientFeaturesDocument, Feature } from '../../shared/model/client-features';
import type { Flag } from '../../shared/model/flag';
import type { UnleashExport } from '../../shared/model/unleash-export';
import { approveAndApply, heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

/** An export of Unleash's `development` environment, shaped as Unleash 8 answers it. */
function bankExport(environment = 'development'): UnleashExport {
  return {
    features: [
      {
        name: 'loan-banner',
        description: 'Loan offer banner',
        type: 'experiment',
        project: 'lending',
        stale: false,
        impressionData: true,
        archived: false,
      },
      { name: 'old-statement-view', type: 'release', project: 'default', stale: true, impressionData: false },
      { name: 'loan-banner-copy', type: 'release', project: 'lending' },
      { name: 'branch-queue', type: 'operational', project: 'branch' },
      { name: 'atm-custom', type: 'release', project: 'default' },
    ],
    featureStrategies: [
      {
        id: '6f1c0a52-0000-4000-8000-000000000001',
        name: 'flexibleRollout',
        featureName: 'loan-banner',
        title: 'Mobile and web, half of customers',
        sortOrder: 0,
        parameters: { groupId: 'loan-banner', rollout: '50', stickiness: 'default' },
        constraints: [
          {
            contextName: 'channel',
            operator: 'IN',
            values: ['mobile', 'web'],
            inverted: false,
            caseInsensitive: false,
          },
        ],
        segments: [7],
        variants: [],
        disabled: false,
      },
      {
        id: '6f1c0a52-0000-4000-8000-000000000002',
        name: 'default',
        featureName: 'loan-banner',
        title: 'Everyone (paused)',
        sortOrder: 1,
        parameters: {},
        constraints: [],
        disabled: true,
      },
      { name: 'default', featureName: 'old-statement-view', parameters: {}, constraints: [] },
      {
        name: 'userWithId',
        featureName: 'loan-banner-copy',
        parameters: { userIds: 'customer-1,customer-2' },
        constraints: [],
        variants: [
          {
            name: 'short',
            weight: 1000,
            weightType: 'variable',
            stickiness: 'default',
            payload: { type: 'string', value: 'Borrow now' },
          },
        ],
      },
      {
        name: 'flexibleRollout',
        featureName: 'branch-queue',
        parameters: { groupId: 'branch-queue', rollout: '100', stickiness: 'default' },
        constraints: [{ contextName: 'branchRegion', operator: 'IN', values: ['north'] }],
        segments: [9],
      },
      {
        name: 'atmNetworkRollout',
        featureName: 'atm-custom',
        parameters: { network: 'unionpay' },
        constraints: [],
      },
    ],
    featureEnvironments: [
      {
        name: 'loan-banner',
        featureName: 'loan-banner',
        environment,
        enabled: true,
        variants: [
          { name: 'control', weight: 500, weightType: 'variable', stickiness: 'default', overrides: [] },
          {
            name: 'rate-first',
            weight: 500,
            weightType: 'variable',
            stickiness: 'default',
            overrides: [],
            payload: { type: 'json', value: '{"rate":"3.9%"}' },
          },
        ],
      },
      {
        name: 'old-statement-view',
        featureName: 'old-statement-view',
        environment,
        enabled: true,
        variants: [],
      },
      { name: 'loan-banner-copy', featureName: 'loan-banner-copy', environment, enabled: true, variants: [] },
      { name: 'branch-queue', featureName: 'branch-queue', environment, enabled: true, variants: [] },
      { name: 'atm-custom', featureName: 'atm-custom', environment, enabled: true, variants: [] },
    ],
    contextFields: [
      {
        name: 'channel',
        description: 'Banking channel',
        stickiness: false,
        legalValues: [{ value: 'mobile' }, { value: 'web' }],
      },
      { name: 'branchRegion', description: '', stickiness: false, legalValues: [] },
    ],
    featureTags: [
      { featureName: 'loan-banner', tagType: 'simple', tagValue: 'lending' },
      { featureName: 'loan-banner', tagType: 'team', tagValue: 'growth' },
    ],
    // Unleash's export names segments only; `adults` also carries its constraints (as migrate adds).
    segments: [
      { id: 7, name: 'adults', constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }] },
      { id: 9, name: 'branch-staff' },
    ],
    tagTypes: [
      { name: 'simple', description: 'Used to simplify filtering of features', icon: '#' },
      { name: 'team', description: 'Owning team', icon: null },
    ],
    dependencies: [
      { feature: 'loan-banner-copy', dependencies: [{ feature: 'loan-banner', enabled: true }] },
    ],
  };
}

const plan = (doc: unknown, query = '') =>
  p.call('POST', `/api/admin/import/unleash/plan${query}`, { token: p.tokens.admin, body: doc });
const importIt = (doc: unknown, query = '') =>
  p.call('POST', `/api/admin/import/unleash${query}`, { token: p.tokens.admin, body: doc });
const served = async (token = p.tokens.client) =>
  bodyOf<ClientFeaturesDocument>(
    await p.call('GET', '/api/client/features', { token, headers: { 'unleash-client-spec': '5.2.0' } }),
  );
const flag = async (name: string) =>
  bodyOf<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
const byName = (doc: ClientFeaturesDocument) => new Map(doc.features.map((f) => [f.name, f]));

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.close();
});

describe('POST /api/admin/import/unleash', () => {
  it('the plan lists every flag with its changes and warnings, and writes nothing', async () => {
    const res = await plan(bankExport());
    expect(res.status, await res.clone().text()).toBe(200);
    const report = await bodyOf<UnleashImportReport>(res);
    expect(report.environments).toEqual([{ from: 'development', to: 'development' }]);
    expect(report.summary).toMatchObject({ created: 5, updated: 0, unchanged: 0, skipped: 0 });
    const custom = report.flags.find((f) => f.name === 'atm-custom');
    expect(custom?.warnings.join(' ')).toMatch(
      /atmNetworkRollout.*not a strategy omnilab runs: imported disabled/,
    );
    expect(custom?.warnings.join(' ')).toMatch(/imported off in development/);
    const queue = report.flags.find((f) => f.name === 'branch-queue');
    expect(queue?.warnings.join(' ')).toMatch(/segment 9/);
    expect(report.segments.find((s) => s.name === 'branch-staff')?.action).toBe('missing');
    const banner = report.flags.find((f) => f.name === 'loan-banner');
    expect(banner?.changes.map((c) => c.path)).toContain('environments');
    // Nothing stored.
    expect((await p.call('GET', '/api/admin/flags/loan-banner', { token: p.tokens.admin })).status).toBe(404);
  });

  it('imports every field Unleash carries; the client API serves what Unleash serves', async () => {
    // branch-staff exists in omnilab already, so the export's name-only segment maps to it.
    const seg = await p.call('POST', '/api/admin/segments', {
      token: p.tokens.admin,
      body: {
        name: 'branch-staff',
        constraints: [{ contextName: 'role', operator: 'IN', values: ['teller'] }],
      },
    });
    expect(seg.status, await seg.clone().text()).toBe(201);
    const staffId = (await bodyOf<{ id: number }>(seg)).id;

    const res = await importIt(bankExport());
    expect(res.status, await res.clone().text()).toBe(200);
    const report = await bodyOf<UnleashImportReport>(res);
    expect(report.summary).toMatchObject({ created: 5, updated: 0 });

    const doc = await served();
    const f = byName(doc);
    const banner = f.get('loan-banner') as Feature;
    expect(banner.enabled).toBe(true);
    expect(banner.impressionData).toBe(true);
    expect(banner.type).toBe('experiment');
    // The disabled strategy is stored but not served; the title is kept.
    expect(banner.strategies).toHaveLength(1);
    expect(banner.strategies?.[0]).toMatchObject({
      name: 'flexibleRollout',
      title: 'Mobile and web, half of customers',
    });
    const adults = doc.segments?.find((s) => s.name === 'adults');
    expect(adults?.constraints).toEqual([{ contextName: 'age', operator: 'NUM_GTE', value: '18' }]);
    expect(banner.strategies?.[0].segments).toEqual([adults?.id]);
    expect(banner.variants?.map((v) => [v.name, v.weight, v.payload?.value])).toEqual([
      ['control', 500, undefined],
      ['rate-first', 500, '{"rate":"3.9%"}'],
    ]);
    expect(f.get('old-statement-view')?.stale).toBe(true);
    expect(f.get('loan-banner-copy')?.dependencies).toEqual([{ feature: 'loan-banner', enabled: true }]);
    expect(f.get('loan-banner-copy')?.strategies?.[0].variants?.[0].payload).toEqual({
      type: 'string',
      value: 'Borrow now',
    });
    expect(f.get('branch-queue')?.strategies?.[0].segments).toEqual([staffId]);
    // The custom strategy's flag: off, never on for everyone.
    expect(f.get('atm-custom')?.enabled).toBe(false);

    const stored = await flag('loan-banner');
    expect(stored.squad).toBe('lending');
    expect(stored.tags).toEqual(['simple:lending', 'team:growth']);
    // One environment's variants become the flag's own (what the admin API and experiments edit).
    expect(stored.variants.map((v) => v.name)).toEqual(['control', 'rate-first']);
    expect(stored.environments.development.variants).toBeUndefined();
    const disabled = stored.environments.development.strategies[1] as { disabled?: boolean; title?: string };
    expect(disabled).toMatchObject({ name: 'default', disabled: true, title: 'Everyone (paused)' });
    expect(stored.environments.development.channels).toEqual(
      Object.fromEntries(p.runtime.config.channels.map((c) => [c, true])),
    );
    const custom = await flag('atm-custom');
    expect(custom.environments.development.strategies[0]).toMatchObject({
      name: 'atmNetworkRollout',
      disabled: true,
    });
  });

  it('a re-import changes nothing: same versions, per-channel state kept', async () => {
    const before = await flag('loan-banner');
    const off = await p.call('PUT', '/api/admin/flags/loan-banner/environments/development/channels/atm', {
      token: p.tokens.admin,
      body: { enabled: false, version: before.version },
    });
    expect(off.status, await off.clone().text()).toBe(200);
    const flagsBefore = await bodyOf<{ flags: Flag[] }>(
      await p.call('GET', '/api/admin/flags', { token: p.tokens.admin }),
    );
    const docBefore = await served();

    const res = await importIt(bankExport());
    expect(res.status).toBe(200);
    const report = await bodyOf<UnleashImportReport>(res);
    expect(report.summary).toMatchObject({ created: 0, updated: 0, unchanged: 5 });

    const flagsAfter = await bodyOf<{ flags: Flag[] }>(
      await p.call('GET', '/api/admin/flags', { token: p.tokens.admin }),
    );
    expect(flagsAfter.flags).toEqual(flagsBefore.flags);
    expect((await flag('loan-banner')).environments.development.channels.atm).toBe(false);
    expect(await served()).toEqual(docBefore);
  });

  it('a changed re-import updates only what changed, and keeps per-channel state', async () => {
    const doc = bankExport();
    const rollout = doc.featureStrategies[0];
    rollout.parameters = { ...rollout.parameters, rollout: '80' };
    const before = await flag('loan-banner');
    const res = await importIt(doc);
    const report = await bodyOf<UnleashImportReport>(res);
    expect(report.summary).toMatchObject({ updated: 1, unchanged: 4 });
    const change = report.flags.find((f) => f.name === 'loan-banner');
    expect(change?.changes.map((c) => c.path)).toEqual(['environments.development.strategies']);
    const after = await flag('loan-banner');
    expect(after.version).toBe(before.version + 1);
    expect(after.environments.development.channels.atm).toBe(false);
    expect((await flag('old-statement-view')).version).toBe(1);
  });

  it('one custom strategy never refuses the document; skip leaves it out', async () => {
    const res = await plan(bankExport(), '?unknownStrategies=skip');
    const report = await bodyOf<UnleashImportReport>(res);
    expect(res.status).toBe(200);
    const custom = report.flags.find((f) => f.name === 'atm-custom');
    expect(custom?.warnings.join(' ')).toMatch(/left out/);
    expect(custom?.changes.map((c) => c.path)).toEqual(['environments.development.strategies']);
  });

  it('production maps by an explicit map and is held for a second person', async () => {
    const res = await importIt(bankExport('prod'), '?environments=prod:production');
    const cr = await heldRequest(res);
    // Held: production still serves the flag off (it exists since the development import).
    expect(byName(await served(p.tokens.productionClient)).get('loan-banner')?.enabled).toBe(false);
    await approveAndApply(p, cr.id);
    const prod = byName(await served(p.tokens.productionClient));
    expect(prod.get('loan-banner')?.enabled).toBe(true);
    expect(prod.get('loan-banner')?.variants).toHaveLength(2);
    // Development kept its own state, channel off included.
    expect((await flag('loan-banner')).environments.development.channels.atm).toBe(false);
  });

  it('an unmapped environment is reported, a map to an unknown one is a 400 naming the field', async () => {
    const report = await bodyOf<UnleashImportReport>(await plan(bankExport('staging')));
    expect(report.environments).toEqual([{ from: 'staging', to: null }]);
    expect(report.warnings.join(' ')).toMatch(/environment staging/);
    const bad = await plan(bankExport('staging'), '?environments=staging:nowhere');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/query.environments/);
    const malformed = await plan({ features: [{ name: 'x' }] });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/featureStrategies/);
  });
});

describe('GET /api/admin/environments/{env}/export?format=unleash', () => {
  it('answers a features-batch export: strategies, environments, tags, context fields', async () => {
    const res = await p.call('GET', '/api/admin/environments/development/export?format=unleash', {
      token: p.tokens.admin,
    });
    expect(res.status).toBe(200);
    const doc = await bodyOf<UnleashExport>(res);
    expect(doc.features.map((f) => f.name)).toContain('loan-banner');
    const strategies = doc.featureStrategies.filter((s) => s.featureName === 'loan-banner');
    // atm is off for this flag: a channel constraint on each strategy, as omnilab serves it.
    expect(strategies[0].constraints?.[0]).toMatchObject({ contextName: 'channel', operator: 'IN' });
    expect(strategies[0].constraints?.[0].values).not.toContain('atm');
    expect(strategies[1]).toMatchObject({ disabled: true, title: 'Everyone (paused)' });
    // Segments inlined by default, so any Unleash accepts the document.
    expect(strategies[0].segments).toEqual([]);
    expect(strategies[0].constraints).toContainEqual({
      contextName: 'age',
      operator: 'NUM_GTE',
      value: '18',
    });
    expect(doc.featureTags).toContainEqual({
      featureName: 'loan-banner',
      tagType: 'team',
      tagValue: 'growth',
    });
    expect(doc.tagTypes.map((t) => t.name)).toEqual(expect.arrayContaining(['simple', 'team']));
    expect(doc.contextFields?.find((c) => c.name === 'channel')?.legalValues?.map((v) => v.value)).toEqual([
      ...p.runtime.config.channels,
    ]);
    expect(doc.featureEnvironments?.find((e) => e.featureName === 'old-statement-view')).toMatchObject({
      environment: 'development',
      enabled: true,
    });
    expect(doc.features.find((f) => f.name === 'old-statement-view')?.stale).toBe(true);
  });
});

describe('POST /api/admin/environments/{env}/import (a client-features document)', () => {
  it('a re-import keeps the per-channel state the document does not carry', async () => {
    const doc = {
      version: 2,
      features: [{ name: 'card-freeze', enabled: true, strategies: [{ name: 'default', parameters: {} }] }],
    };
    const call = () =>
      p.call('POST', '/api/admin/environments/development/import', { token: p.tokens.admin, body: doc });
    expect((await call()).status).toBe(200);
    const f = await flag('card-freeze');
    const off = await p.call('PUT', '/api/admin/flags/card-freeze/environments/development/channels/wechat', {
      token: p.tokens.admin,
      body: { enabled: false, version: f.version },
    });
    expect(off.status).toBe(200);
    const again = await call();
    expect(again.status).toBe(200);
    const after = await flag('card-freeze');
    expect(after.environments.development.channels.wechat).toBe(false);
    expect(after.version).toBe(f.version + 1);
    const served = byName(
      await bodyOf<ClientFeaturesDocument>(
        await p.call('GET', '/api/client/features', { token: p.tokens.client }),
      ),
    );
    expect(served.get('card-freeze')?.strategies?.[0].constraints?.[0].values).not.toContain('wechat');
  });
});
