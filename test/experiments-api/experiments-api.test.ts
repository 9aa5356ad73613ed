/**
 * The experiments API on the local platform: the metric catalogue, experiments (rights, bad input,
 * running one so SDKs see its variants), and the events API's answer for each event and its limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ExperimentResults } from '../../shared/experiments/results';
import type { EventBatchResponse } from '../../shared/model/event';
import type { StoredExperiment } from '../../shared/store/experiment-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

const metrics = [
  {
    key: 'loan_submitted',
    name: 'Loan submitted',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
  { key: 'session', name: 'Sessions', kind: 'count', direction: 'higher-is-better', unit: 'sessions' },
];

const experiment = {
  key: 'loan-banner',
  name: 'Pre-approved loan banner',
  hypothesis: 'The banner raises loan applications',
  squad: 'payments',
  environment: 'development',
  trafficPercent: 100,
  channels: ['mobile', 'web'],
  variants: [
    { name: 'control', weight: 1 },
    { name: 'banner', weight: 1 },
  ],
  primaryMetric: 'loan_submitted',
  guardrails: [{ metric: 'complaint', tolerance: 0.1 }],
  status: 'draft',
};

beforeAll(async () => {
  p = await startTestPlatform();
  for (const m of metrics) {
    const res = await p.call('PUT', `/api/admin/metrics/${m.key}`, { token: p.tokens.admin, body: m });
    expect(res.status).toBe(201);
  }
});
afterAll(() => p.close());

async function features(token = p.tokens.client) {
  const res = await p.call('GET', '/api/client/features', { token });
  return compile(await res.json());
}

describe('metric catalogue', () => {
  it('refuses a ratio whose parts are not in the catalogue, naming the field', async () => {
    const res = await p.call('PUT', '/api/admin/metrics/bad_ratio', {
      token: p.tokens.admin,
      body: {
        key: 'bad_ratio',
        name: 'x',
        kind: 'ratio',
        direction: 'lower-is-better',
        unit: 'x',
        numerator: 'complaint',
        denominator: 'nope',
      },
    });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).field).toBe('denominator');
  });

  it('creates once, updates with the version read, refuses a stale version or a new kind', async () => {
    const ratio = {
      key: 'complaints_per_session',
      name: 'Complaints per session',
      kind: 'ratio',
      direction: 'lower-is-better',
      unit: 'complaints',
      numerator: 'complaint',
      denominator: 'session',
    };
    expect(
      (
        await p.call('PUT', '/api/admin/metrics/complaints_per_session', {
          token: p.tokens.admin,
          body: ratio,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await p.call('PUT', '/api/admin/metrics/complaints_per_session', {
          token: p.tokens.admin,
          body: ratio,
        })
      ).status,
    ).toBe(409);
    const renamed = await p.call('PUT', '/api/admin/metrics/complaints_per_session', {
      token: p.tokens.admin,
      body: { ...ratio, name: 'CPS', version: 1 },
    });
    expect(renamed.status).toBe(200);
    expect(
      (
        await p.call('PUT', '/api/admin/metrics/complaints_per_session', {
          token: p.tokens.admin,
          body: { ...ratio, version: 1 },
        })
      ).status,
    ).toBe(409);
    const kind = await p.call('PUT', '/api/admin/metrics/complaints_per_session', {
      token: p.tokens.admin,
      body: { ...ratio, kind: 'mean', numerator: undefined, denominator: undefined, version: 2 },
    });
    expect(kind.status).toBe(400);
    expect((await bodyOf(kind)).field).toBe('kind');
    const list = await bodyOf<{ metrics: { key: string }[] }>(
      await p.call('GET', '/api/admin/metrics', { token: p.tokens.productOwner }),
    );
    expect(list.metrics.map((m) => m.key).sort()).toEqual([
      'complaint',
      'complaints_per_session',
      'loan_submitted',
      'session',
    ]);
  });
});

describe('experiments', () => {
  it('checks rights: only the owning squad or a platform admin writes, product owners read', async () => {
    expect(
      (
        await p.call('PUT', '/api/admin/experiments/loan-banner', {
          token: p.tokens.squadCards,
          body: experiment,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await p.call('PUT', '/api/admin/experiments/loan-banner', {
          token: p.tokens.productOwner,
          body: experiment,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await p.call('PUT', '/api/admin/experiments/loan-banner', {
          token: p.tokens.client,
          body: experiment,
        })
      ).status,
    ).toBe(403);
  });

  it('refuses unknown metrics and channels, naming the field, and writes nothing', async () => {
    const bad = await p.call('PUT', '/api/admin/experiments/loan-banner', {
      token: p.tokens.squadPayments,
      body: { ...experiment, secondaryMetrics: ['nps'] },
    });
    expect(bad.status).toBe(400);
    expect((await bodyOf(bad)).field).toBe('secondaryMetrics[0]');
    const channel = await p.call('PUT', '/api/admin/experiments/loan-banner', {
      token: p.tokens.squadPayments,
      body: { ...experiment, channels: ['fax'] },
    });
    expect(channel.status).toBe(400);
    expect(
      (await p.call('GET', '/api/admin/experiments/loan-banner', { token: p.tokens.admin })).status,
    ).toBe(404);
    expect((await p.call('GET', '/api/admin/flags/loan-banner', { token: p.tokens.admin })).status).toBe(404);
  });

  it('creates a draft whose flag is off, then runs it: every SDK sees the variants on its channels', async () => {
    const created = await p.call('PUT', '/api/admin/experiments/loan-banner', {
      token: p.tokens.squadPayments,
      body: experiment,
    });
    expect(created.status).toBe(201);
    const draft = await bodyOf<StoredExperiment>(created);
    expect(draft.version).toBe(1);
    expect(evaluate(await features(), 'loan-banner', { userId: 'c1', channel: 'mobile' }).enabled).toBe(
      false,
    );

    const running = await p.call('PUT', '/api/admin/experiments/loan-banner', {
      token: p.tokens.squadPayments,
      body: { ...experiment, status: 'running', version: 1 },
    });
    expect(running.status).toBe(200);
    const stored = await bodyOf<StoredExperiment>(running);
    expect(stored.startedAt).toBeDefined();
    const config = await features();
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const mobile = evaluate(config, 'loan-banner', { userId: `c${i}`, channel: 'mobile' });
      expect(mobile.enabled).toBe(true);
      expect(evaluate(config, 'loan-banner', { userId: `c${i}`, channel: 'web' }).variant.name).toBe(
        mobile.variant.name,
      );
      expect(evaluate(config, 'loan-banner', { userId: `c${i}`, channel: 'branch' }).enabled).toBe(false);
      seen.add(mobile.variant.name);
    }
    expect(seen).toEqual(new Set(['control', 'banner']));
    expect(config.features.get('loan-banner')?.type).toBe('experiment');

    const stale = await p.call('PUT', '/api/admin/experiments/loan-banner', {
      token: p.tokens.squadPayments,
      body: { ...experiment, status: 'running', version: 1 },
    });
    expect(stale.status).toBe(409);
    const audit = await bodyOf<{ entries: { action: string }[] }>(
      await p.call('GET', '/api/admin/flags/loan-banner/audit', { token: p.tokens.admin }),
    );
    expect(audit.entries.map((e) => e.action)).toEqual(['flag.updated', 'flag.created']);
  });
});

describe('events', () => {
  const at = new Date(Date.now() - 60_000).toISOString();
  const exposure = (id: string, userId: string, variant: string) => ({
    id,
    type: 'exposure',
    timestamp: at,
    userId,
    channel: 'mobile',
    experiment: 'loan-banner',
    variant,
  });
  const conversion = (id: string, userId: string, channel = 'branch') => ({
    id,
    type: 'metric',
    timestamp: new Date().toISOString(),
    userId,
    channel,
    metric: 'loan_submitted',
    value: 1,
  });

  async function send(events: unknown[], token = p.tokens.client) {
    return p.call('POST', '/api/events', { token, body: { events } });
  }

  it('answers each event: accepted, duplicate, stored, or rejected with its reason, in order', async () => {
    const res = await send([
      // c3 is one the platform assigns to the banner, c2 one it keeps in control.
      exposure('x1', 'c3', 'banner'),
      exposure('x2', 'c2', 'control'),
      conversion('m1', 'c3'),
      conversion('m1', 'c3'),
      { ...conversion('m2', 'c2'), metric: 'nps' },
      { id: 'm3', type: 'metric' },
    ]);
    expect(res.status).toBe(200);
    const { results } = await bodyOf<EventBatchResponse>(res);
    expect(results.map((r) => r.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'duplicate',
      'stored',
      'rejected',
    ]);
    expect(results[4]).toMatchObject({ id: 'm2', reason: expect.stringContaining('metric') });
    const again = await bodyOf<EventBatchResponse>(
      await send([exposure('x1', 'c3', 'banner'), conversion('m1', 'c3')]),
    );
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
  });

  it('credits a conversion at the branch to the variant the customer saw in the app', async () => {
    const res = await p.call('GET', '/api/admin/experiments/loan-banner/results', {
      token: p.tokens.productOwner,
    });
    expect(res.status).toBe(200);
    const results = await bodyOf<ExperimentResults>(res);
    const primary = results.metrics.find((m) => m.key === 'loan_submitted')!;
    const banner = primary.variants.find((v) => v.variant === 'banner')!;
    const control = primary.variants.find((v) => v.variant === 'control')!;
    expect(banner).toMatchObject({ units: 1, mean: 1 });
    expect(control).toMatchObject({ units: 1, mean: 0 });
    const mobile = await bodyOf<ExperimentResults>(
      await p.call('GET', '/api/admin/experiments/loan-banner/results?channel=mobile', {
        token: p.tokens.admin,
      }),
    );
    expect(
      mobile.metrics.find((m) => m.key === 'loan_submitted')!.variants.find((v) => v.variant === 'banner')!
        .units,
    ).toBe(1);
    const wrong = await p.call('GET', '/api/admin/experiments/loan-banner/results?channel=atm', {
      token: p.tokens.admin,
    });
    expect(wrong.status).toBe(400);
  });

  it('keeps environments apart: a production token cannot expose a development experiment', async () => {
    const { results } = await bodyOf<EventBatchResponse>(
      await send([exposure('x9', 'c9', 'banner')], p.tokens.productionClient),
    );
    expect(results[0]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('no experiment'),
    });
  });

  it('refuses a batch over 500 events or 1 MB, and admin tokens, without writing', async () => {
    const many = Array.from({ length: 501 }, (_, i) => conversion(`big-${i}`, 'c1'));
    const tooMany = await send(many);
    expect(tooMany.status).toBe(400);
    expect((await bodyOf(tooMany)).field).toBe('events');
    const huge = await send([
      { ...conversion('huge', 'c1'), properties: { note: 'x'.repeat(200) } },
      ...Array.from({ length: 499 }, (_, i) => ({
        ...conversion(`h${i}`, 'c1'),
        userId: 'y'.repeat(250),
        properties: Object.fromEntries(Array.from({ length: 20 }, (_, j) => [`k${j}`, 'v'.repeat(200)])),
      })),
    ]);
    expect(huge.status).toBe(413);
    expect((await send([conversion('adm', 'c1')], p.tokens.admin)).status).toBe(403);
    const { results } = await bodyOf<EventBatchResponse>(await send([conversion('big-0', 'c1')]));
    expect(results[0].status).toBe('accepted');
  });
});
