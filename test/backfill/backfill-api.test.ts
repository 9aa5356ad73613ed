/**
 * Backfill through the platform: events posted to `POST /api/events` (the raw event store keeps them
 * in the local lake, the live statistics count them), then `POST /api/admin/experiments/{key}/backfill`
 * computes the experiment's metrics from the lake with DuckDB. What results show afterwards: the
 * live metrics' figures unchanged (backfill equals live ingestion) and marked backfilled, a metric
 * defined after its events were sent counted at last, a P95 metric with its interval instead of
 * "from raw events: run backfill", and, with identity stitching, the crossover health check.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackfillCommand } from '../../cli/backfill-command';
import { formatResults } from '../../cli/results-command';
import type { BackfillResult } from '../../functions/services/backfill';
import { sampleQuantile } from '../../shared/experiments/quantile';
import type { MetricResultWithRawEvents } from '../../shared/experiments/quantile-results';
import type { ExperimentResults } from '../../shared/experiments/results';
import type { EventBatchResponse } from '../../shared/model/event';
import type { StoredExperiment } from '../../shared/store/experiment-store';
import { type LakePlatform, startExperiment, startLakePlatform } from '../support/lake-platform';
import { bodyOf } from '../support/platform';

let p: LakePlatform;

const metrics = [
  { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'EUR' },
  {
    key: 'csat',
    name: 'CSAT',
    kind: 'mean-of-events',
    direction: 'higher-is-better',
    unit: 'points',
    min: 1,
    max: 5,
  },
  {
    key: 'login_seconds',
    name: 'P95 login time',
    kind: 'quantile',
    quantile: 0.95,
    direction: 'lower-is-better',
    unit: 'seconds',
  },
];
const KEY = 'login-flow';
const experiment = {
  key: KEY,
  name: 'Faster login',
  hypothesis: 'The new login flow is faster',
  squad: 'payments',
  environment: 'development',
  trafficPercent: 100,
  channels: ['mobile', 'web'],
  variants: [
    { name: 'control', weight: 1 },
    { name: 'fast', weight: 1 },
  ],
  primaryMetric: 'loan',
  secondaryMetrics: ['spend', 'csat', 'login_seconds'],
  guardrails: [],
  status: 'draft',
};

const CUSTOMERS = 24;
/** Each customer's login seconds: a deterministic spread, faster in the new flow. */
const loginSeconds = (i: number, fast: boolean) => [
  1 + (i % 7) * 0.5 + (fast ? 0 : 0.75),
  2 + (i % 5) * 0.25,
];

type Results = ExperimentResults & { metrics: MetricResultWithRawEvents[] };

async function results(): Promise<Results> {
  return bodyOf<Results>(
    await p.call('GET', `/api/admin/experiments/${KEY}/results`, { token: p.tokens.admin }),
  );
}

function metricOf(r: Results, key: string): MetricResultWithRawEvents {
  const m = r.metrics.find((x) => x.key === key);
  if (!m) throw new Error(`no ${key} in the results`);
  return m;
}

/** What the figures read, without the marks: equal before and after a backfill of live metrics. */
function figures(m: MetricResultWithRawEvents) {
  return {
    variants: m.variants,
    comparisons: m.comparisons.map((c) => ({ absolute: c.absolute, relative: c.relative, error: c.error })),
  };
}

const variantOf = new Map<string, string>();

beforeAll(async () => {
  p = await startLakePlatform('backfill-api');
  const assigned = await startExperiment(p, metrics, experiment);
  for (let i = 0; i < CUSTOMERS + 10; i++) {
    for (const prefix of ['c', 'device-']) {
      const id = `${prefix}${i}`;
      variantOf.set(id, assigned(id));
    }
  }
  const now = Date.now();
  const t = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const userId = `c${i}`;
    const channel = i % 3 === 0 ? 'web' : 'mobile';
    const variant = variantOf.get(userId);
    events.push({
      id: `x${i}`,
      type: 'exposure',
      timestamp: t(50),
      userId,
      channel,
      experiment: KEY,
      variant,
    });
    // Before the exposure: the CUPED covariate.
    events.push({
      id: `s${i}-pre`,
      type: 'metric',
      timestamp: t(55),
      userId,
      channel,
      metric: 'spend',
      value: i % 4,
    });
    if (i % 3 !== 1)
      events.push({
        id: `l${i}`,
        type: 'metric',
        timestamp: t(40),
        userId,
        channel: 'branch',
        metric: 'loan',
        value: i % 2,
      });
    events.push({
      id: `s${i}`,
      type: 'metric',
      timestamp: t(30),
      userId,
      channel,
      metric: 'spend',
      value: 10.25 + (i % 9),
    });
    if (i % 4 !== 0)
      events.push({
        id: `q${i}`,
        type: 'metric',
        timestamp: t(20),
        userId,
        channel,
        metric: 'csat',
        value: 1 + (i % 5),
      });
    loginSeconds(i, variant === 'fast').forEach((value, k) => {
      events.push({
        id: `t${i}-${k}`,
        type: 'metric',
        timestamp: t(10 - k),
        userId,
        channel,
        metric: 'login_seconds',
        value,
      });
    });
    // A metric nobody has defined yet: kept raw, counted once defined and backfilled.
    if (i % 2 === 0)
      events.push({ id: `r${i}`, type: 'metric', timestamp: t(5), userId, channel, metric: 'referral' });
  }
  const sent = await p.call('POST', '/api/events', { token: p.tokens.client, body: { events } });
  expect(sent.status).toBe(200);
  const answer = await bodyOf<EventBatchResponse>(sent);
  expect(answer.results.filter((r) => r.status === 'rejected')).toEqual([]);
  // Resent: duplicates everywhere, raw and live.
  const again = await p.call('POST', '/api/events', {
    token: p.tokens.client,
    body: { events: events.slice(0, 16) },
  });
  // A stored event is kept raw again (the backfill takes its first copy); the rest are duplicates.
  const statuses = new Set((await bodyOf<EventBatchResponse>(again)).results.map((r) => r.status));
  expect([...statuses].sort()).toEqual(['duplicate', 'stored']);
}, 60_000);

afterAll(async () => {
  await p?.close();
});

describe('quantile metrics in the catalogue', () => {
  it('accepts kind quantile with its quantile in (0, 1), refusing the rest naming the field', async () => {
    const base = { key: 'p99', name: 'P99', kind: 'quantile', direction: 'lower-is-better', unit: 's' };
    for (const [body, field] of [
      [base, 'quantile'],
      [{ ...base, quantile: 1 }, 'quantile'],
      [{ ...base, quantile: 0 }, 'quantile'],
      [{ ...base, kind: 'mean', quantile: 0.5 }, 'quantile'],
    ] as const) {
      const res = await p.call('PUT', '/api/admin/metrics/p99', { token: p.tokens.admin, body });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    const listed = await bodyOf<{ metrics: { key: string; quantile?: number }[] }>(
      await p.call('GET', '/api/admin/metrics', { token: p.tokens.admin }),
    );
    expect(listed.metrics.find((m) => m.key === 'p99')).toBeUndefined();
    expect(listed.metrics.find((m) => m.key === 'login_seconds')).toMatchObject({
      kind: 'quantile',
      quantile: 0.95,
    });
  });
});

describe('backfill', () => {
  let before: Results;

  it('shows a quantile metric as "from raw events: run backfill" until backfilled', async () => {
    before = await results();
    const q = metricOf(before, 'login_seconds');
    expect(q.rawEvents).toMatchObject({ status: 'not-backfilled', note: 'from raw events: run backfill' });
    expect(q.comparisons.every((c) => c.error === 'NOT_BACKFILLED')).toBe(true);
    expect(formatResults(before)).toContain('P95 login time: from raw events: run backfill');
    expect(formatResults(before, { lang: 'zh-CN' })).toContain(
      'P95 login time：来自原始事件，请运行 backfill',
    );
    expect(metricOf(before, 'loan').rawEvents).toBeUndefined();
    expect(before.units).toBe(CUSTOMERS);
  });

  it('refuses unknown metrics naming the field, and other squads, storing nothing', async () => {
    const bad = await p.call('POST', `/api/admin/experiments/${KEY}/backfill`, {
      token: p.tokens.admin,
      body: { metrics: ['loan', 'nope'] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('metrics.1');
    const other = await p.call('POST', `/api/admin/experiments/${KEY}/backfill`, {
      token: p.tokens.squadCards,
      body: {},
    });
    expect(other.status).toBe(403);
    const missing = await p.call('POST', '/api/admin/experiments/none/backfill', {
      token: p.tokens.admin,
      body: {},
    });
    expect(missing.status).toBe(404);
    expect(metricOf(await results(), 'loan').rawEvents).toBeUndefined();
  });

  it('equals live ingestion for the live metrics, and computes the P95 from the raw events', async () => {
    const res = await p.call('POST', `/api/admin/experiments/${KEY}/backfill`, {
      token: p.tokens.admin,
      body: {},
    });
    expect(res.status).toBe(200);
    const done = await bodyOf<BackfillResult>(res);
    expect(done.health).toEqual({ units: CUSTOMERS, crossover: 0 });
    expect(done.metrics.map((m) => m.key)).toEqual(['loan', 'spend', 'csat', 'login_seconds']);

    const after = await results();
    for (const key of ['loan', 'spend', 'csat']) {
      const m = metricOf(after, key);
      expect(m.rawEvents).toMatchObject({ status: 'backfilled', backfilledAt: done.at });
      expect(figures(m)).toEqual(figures(metricOf(before, key)));
    }
    expect(after.verdict).toEqual(before.verdict);

    const q = metricOf(after, 'login_seconds');
    expect(q.rawEvents).toMatchObject({ status: 'backfilled', quantile: 0.95, backfilledAt: done.at });
    expect(formatResults(after)).toContain(`P95 login time: from raw events, backfilled ${done.at}`);
    for (const arm of ['control', 'fast']) {
      // Each customer's value is the mean of their login times; then the P95 across customers.
      const values = [...Array(CUSTOMERS).keys()]
        .filter((i) => variantOf.get(`c${i}`) === arm)
        .map((i) => {
          const v = loginSeconds(i, arm === 'fast');
          return (v[0] + v[1]) / 2;
        })
        .sort((a, b) => a - b);
      const shown = q.variants.find((v) => v.variant === arm);
      expect(shown?.units).toBe(values.length);
      expect(shown?.mean).toBeCloseTo(sampleQuantile(values, 0.95), 9);
    }
    const fast = q.comparisons.find((c) => c.variant === 'fast');
    expect(fast?.error).toBeNull();
    expect(fast?.absolute.estimate).toBeLessThan(0);
    expect(fast?.absolute.ciLower).toBeLessThan(fast?.absolute.ciUpper ?? 0);
    // The channel breakdown shows its own P95 too.
    const web = after.breakdown.find((b) => b.channel === 'web');
    const webP95: MetricResultWithRawEvents | undefined = web?.metrics.find((m) => m.key === 'login_seconds');
    expect(webP95?.rawEvents?.status).toBe('backfilled');
  });

  it('counts a metric defined after its events were sent, once backfilled', async () => {
    const referral = {
      key: 'referral',
      name: 'Referrals',
      kind: 'count',
      direction: 'higher-is-better',
      unit: 'referrals',
    };
    expect(
      (await p.call('PUT', '/api/admin/metrics/referral', { token: p.tokens.admin, body: referral })).status,
    ).toBe(201);
    const current = await bodyOf<StoredExperiment>(
      await p.call('GET', `/api/admin/experiments/${KEY}`, { token: p.tokens.admin }),
    );
    const { version, createdAt, updatedAt, haltedChannels, analysisPlanChanges, ...definition } = current;
    const updated = await p.call('PUT', `/api/admin/experiments/${KEY}`, {
      token: p.tokens.admin,
      body: { ...definition, secondaryMetrics: [...current.secondaryMetrics, 'referral'], version },
    });
    expect(updated.status).toBe(200);
    const live = metricOf(await results(), 'referral');
    expect(live.variants.reduce((n, v) => n + v.mean * v.units, 0)).toBe(0);

    const res = await p.call('POST', `/api/admin/experiments/${KEY}/backfill`, {
      token: p.tokens.squadPayments,
      body: { metrics: ['referral'] },
    });
    expect(res.status).toBe(200);
    const m = metricOf(await results(), 'referral');
    expect(m.rawEvents?.status).toBe('backfilled');
    // Every even customer sent one referral (a count without a value counts 1).
    const total = m.variants.reduce((n, v) => n + v.mean * v.units, 0);
    expect(total).toBeCloseTo(CUSTOMERS / 2, 9);
  });

  it('stitches anonymous devices to customers (first touch) and counts the crossover', async () => {
    const now = Date.now();
    const t = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();
    // Ten devices seen before login, each then identified as customer c<i> (already exposed, 50 s ago).
    const events: Record<string, unknown>[] = [];
    let crossing = 0;
    for (let i = 0; i < 10; i++) {
      const device = `device-${i}`;
      const variant = variantOf.get(device);
      if (variant !== variantOf.get(`c${i}`)) crossing++;
      events.push({
        id: `dx${i}`,
        type: 'exposure',
        timestamp: t(8),
        userId: device,
        channel: 'mobile',
        experiment: KEY,
        variant,
      });
      events.push({
        id: `id${i}`,
        type: 'identify',
        timestamp: t(7),
        userId: `c${i}`,
        anonymousId: device,
        channel: 'mobile',
      });
    }
    const sent = await bodyOf<EventBatchResponse>(
      await p.call('POST', '/api/events', { token: p.tokens.client, body: { events } }),
    );
    expect(sent.results.filter((r) => r.status === 'rejected')).toEqual([]);
    const res = await p.call('POST', `/api/admin/experiments/${KEY}/backfill`, {
      token: p.tokens.admin,
      body: { metrics: ['loan'], stitch: true },
    });
    expect(res.status).toBe(200);
    const stitched = await bodyOf<BackfillResult>(res);
    expect(stitched.stitched).toBe(true);
    // The devices are one customer each with c0..c9: units as before, crossover where variants differ.
    expect(stitched.health).toEqual({ units: CUSTOMERS, crossover: crossing });
    expect(crossing).toBeGreaterThan(0);
    // Unstitched, the devices are units of their own, each in one variant.
    const plain = await bodyOf<BackfillResult>(
      await p.call('POST', `/api/admin/experiments/${KEY}/backfill`, {
        token: p.tokens.admin,
        body: { metrics: ['loan'] },
      }),
    );
    expect(plain.health).toEqual({ units: CUSTOMERS + 10, crossover: 0 });
  });

  it('runs from the CLI, in English or Chinese, with --help', async () => {
    const capture = () => {
      const stream = new PassThrough();
      const chunks: string[] = [];
      stream.on('data', (c) => chunks.push(String(c)));
      return { stream, text: () => chunks.join('') };
    };
    const help = capture();
    expect(await runBackfillCommand(['--help'], help.stream, help.stream)).toBe(0);
    expect(help.text()).toContain('npx omnilab backfill <experiment> [--metric <key>]');
    const out = capture();
    const err = capture();
    const args = [
      KEY,
      '--metric',
      'login_seconds',
      '--metric',
      'loan',
      '--url',
      p.url,
      '--token',
      p.tokens.admin,
    ];
    expect(await runBackfillCommand([...args, '--lang', 'zh-CN'], out.stream, err.stream)).toBe(0);
    expect(out.text()).toContain('login_seconds（quantile）：已从');
    expect(out.text()).toContain('已保存 2 个指标');
    const bad = capture();
    expect(
      await runBackfillCommand(
        [KEY, '--metric', 'nope', '--url', p.url, '--token', p.tokens.admin],
        bad.stream,
        bad.stream,
      ),
    ).toBe(1);
    expect(bad.text()).toContain('metrics.0');
  });
});
