/**
 * Forged events: client keys ship in apps, so anyone can post events. Through the HTTP API, on the
 * local platform: an exposure naming a variant the platform does not assign is refused and
 * counted once as an assignment mismatch for its channel (shown in the results), never in the
 * variant; a back-dated exposure cannot re-decide a variant; a metric value outside its kind or
 * declared range is refused and left out of the sums; a burst of forged harmful events cannot make
 * the guardrail job halt a production experiment; a batch of 500 events for one customer commits
 * exactly once, however often it is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import { createLogNotifier } from '../../functions/services/notifier';
import { experimentAssignment } from '../../shared/experiments/assignment';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { cellKey, type StatsVector } from '../../shared/experiments/unit-state';
import type { EventBatchResponse, EventOutcome } from '../../shared/model/event';
import type { Experiment } from '../../shared/model/experiment';
import { approveAndApply, heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHANNELS = ['mobile', 'web', 'atm'];
const SCALE = 10_000n;

const METRICS = [
  { key: 'loan_submitted', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  {
    key: 'csat_score',
    name: 'CSAT',
    kind: 'mean',
    direction: 'higher-is-better',
    unit: 'points',
    min: 1,
    max: 5,
  },
  {
    key: 'complaint_filed',
    name: 'Complaints',
    kind: 'count',
    direction: 'lower-is-better',
    unit: 'complaints',
  },
];

function experiment(key: string, environment: string): Experiment {
  return {
    key,
    name: key,
    hypothesis: 'A clearer screen does not annoy anyone.',
    squad: 'payments',
    environment,
    trafficPercent: 100,
    channels: CHANNELS,
    unit: 'customer',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'loan_submitted',
    secondaryMetrics: ['csat_score'],
    guardrails: [{ metric: 'complaint_filed', tolerance: 0.05 }],
    status: 'running',
    startedAt: new Date(Date.now() - 2 * DAY).toISOString(),
    analysis: { sequential: true, alpha: 0.05, cuped: false },
  };
}

const DEV = experiment('forge-dev', 'development');
const PROD = experiment('forge-prod', 'production');
const PROD_TWIN = experiment('forge-prod-twin', 'production');
const assigned = (e: Experiment) => experimentAssignment(e);

/** `count` customer ids (prefixed) that the platform assigns to `variant` of `e`. */
function customersIn(e: Experiment, variant: string, prefix: string, count: number): string[] {
  const assign = assigned(e);
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const id = `${prefix}${i}`;
    if (assign(e.key, { userId: id, channel: 'mobile' }) === variant) out.push(id);
  }
  return out;
}

let n = 0;
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
function exposure(e: Experiment, userId: string, variant: string, channel = 'mobile', msAgo = HOUR) {
  return {
    id: `x-${e.key}-${n++}`,
    type: 'exposure',
    timestamp: at(msAgo),
    userId,
    channel,
    experiment: e.key,
    variant,
  };
}
function metric(userId: string, key: string, value: number, channel = 'mobile', msAgo = HOUR / 2) {
  return { id: `m-${n++}`, type: 'metric', timestamp: at(msAgo), userId, channel, metric: key, value };
}

async function post(events: unknown[], token = p.tokens.client): Promise<EventOutcome[]> {
  const res = await p.call('POST', '/api/events', { token, body: { events } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await bodyOf<EventBatchResponse>(res)).results;
}

async function postAll(events: unknown[], token: string): Promise<EventOutcome[]> {
  const out: EventOutcome[] = [];
  for (let i = 0; i < events.length; i += 500) out.push(...(await post(events.slice(i, i + 500), token)));
  return out;
}

async function results(key: string): Promise<ExperimentResults> {
  return bodyOf<ExperimentResults>(
    await p.call('GET', `/api/admin/experiments/${key}/results`, { token: p.tokens.productOwner }),
  );
}

const units = (r: ExperimentResults, variant: string) => r.variants.find((v) => v.name === variant)?.units;

/** The stored statistics of one variant on one channel. */
async function cell(e: Experiment, variant: string, channel: string): Promise<StatsVector> {
  return (await p.runtime.events.readCells(e.key)).get(cellKey(e.key, variant, channel)) ?? new Map();
}

const check = () =>
  createGuardrailCheckHandler(
    p.runtime,
    createLogNotifier(() => {}),
  )();

beforeAll(async () => {
  p = await startTestPlatform();
  for (const m of METRICS) {
    const res = await p.call('PUT', `/api/admin/metrics/${m.key}`, { token: p.tokens.admin, body: m });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  const dev = await p.call('PUT', `/api/admin/experiments/${DEV.key}`, { token: p.tokens.admin, body: DEV });
  expect(dev.status, await dev.clone().text()).toBe(201);
  // Production is protected: a second admin approves.
  for (const e of [PROD, PROD_TWIN]) {
    const held = await p.call('PUT', `/api/admin/experiments/${e.key}`, { token: p.tokens.admin, body: e });
    await approveAndApply(p, (await heldRequest(held)).id);
  }
}, 120_000);
afterAll(() => p.close());

describe('the server decides assignment', () => {
  it('refuses a forged variant: counted in no variant, once as a mismatch for its channel, shown in the results', async () => {
    const control = customersIn(DEV, 'control', 'fv-c', 30);
    const treatment = customersIn(DEV, 'treatment', 'fv-t', 10);
    const honest = treatment.map((u) => exposure(DEV, u, 'treatment'));
    const forged = [
      ...control.slice(0, 25).map((u) => exposure(DEV, u, 'treatment', 'mobile')),
      ...control.slice(25).map((u) => exposure(DEV, u, 'treatment', 'web')),
    ];
    const answers = await post([...honest, ...forged]);
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill('accepted'));
    for (const a of answers.slice(10)) {
      expect(a.status).toBe('rejected');
      expect(a).toMatchObject({
        reason: expect.stringMatching(/^variant: the platform assigns this customer to "control"/),
      });
    }
    // Sent again (a retry, or the forger insisting): refused again, and not counted again.
    const again = await post(forged);
    expect(again.every((a) => a.status === 'rejected')).toBe(true);

    const r = await results(DEV.key);
    expect(units(r, 'treatment')).toBe(10);
    expect(units(r, 'control')).toBe(0);
    expect(r.health.assignmentMismatch).toEqual({
      total: 30,
      channels: [
        { channel: 'mobile', exposures: 25 },
        { channel: 'web', exposures: 5 },
      ],
    });
    expect(r.srm).toBeDefined();
    const web = await bodyOf<ExperimentResults>(
      await p.call('GET', `/api/admin/experiments/${DEV.key}/results?channel=web`, { token: p.tokens.admin }),
    );
    expect(web.health.assignmentMismatch).toEqual({ total: 5, channels: [{ channel: 'web', exposures: 5 }] });
  });

  it('a back-dated exposure cannot re-decide a variant or the channel, nor come from the future', async () => {
    const [u] = customersIn(DEV, 'control', 'bd-', 1);
    expect((await post([exposure(DEV, u, 'control', 'mobile', HOUR)]))[0].status).toBe('accepted');
    const before = await results(DEV.key);
    const earlier = [
      // Earlier than the real one, claiming the other variant: a mismatch.
      exposure(DEV, u, 'treatment', 'web', 2 * HOUR),
      // The right variant, but before the experiment started: refused.
      exposure(DEV, u, 'control', 'web', 3 * DAY),
      // Ahead of the server's clock by more than the skew.
      exposure(DEV, u, 'treatment', 'web', -HOUR),
    ];
    const [mismatch, beforeStart, future] = await post(earlier);
    expect(mismatch).toMatchObject({ status: 'rejected', reason: expect.stringContaining('variant') });
    expect(beforeStart).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^timestamp: is before/),
    });
    expect(future).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^timestamp: /) });
    const after = await results(DEV.key);
    expect(units(after, 'control')).toBe(units(before, 'control'));
    expect(units(after, 'treatment')).toBe(units(before, 'treatment'));
    // Still analysed on mobile, where it was first (and truly) exposed.
    expect((await cell(DEV, 'control', 'mobile')).get('n')).toBe(1n);
    expect((await cell(DEV, 'control', 'web')).get('n')).toBeUndefined();
    expect(after.health.assignmentMismatch.total).toBe(before.health.assignmentMismatch.total + 1);
  });

  it('refuses metric values outside their kind or declared range, and leaves them out of the sums', async () => {
    const [u] = customersIn(DEV, 'treatment', 'mv-', 1);
    expect((await post([exposure(DEV, u, 'treatment', 'atm', 2 * HOUR)]))[0].status).toBe('accepted');
    const sent = [
      metric(u, 'csat_score', 4, 'atm'),
      metric(u, 'csat_score', 7, 'atm'),
      metric(u, 'csat_score', 0, 'atm'),
      metric(u, 'csat_score', -1000, 'atm'),
      metric(u, 'loan_submitted', 2, 'atm'),
      metric(u, 'loan_submitted', 0.5, 'atm'),
      metric(u, 'loan_submitted', 0, 'atm'),
    ];
    const answers = await post(sent);
    expect(answers.map((a) => a.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
    ]);
    expect(answers[1]).toMatchObject({ reason: 'value: csat_score is at most 5' });
    expect(answers[2]).toMatchObject({ reason: 'value: csat_score is at least 1' });
    expect(answers[4]).toMatchObject({ reason: 'value: a conversion (loan_submitted) is 0 or 1' });
    const atm = await cell(DEV, 'treatment', 'atm');
    expect(atm.get('n')).toBe(1n);
    expect(atm.get('csat_score:sum')).toBe(4n * SCALE);
    expect(atm.get('csat_score:sumSquares')).toBe(16n * SCALE * SCALE);
    // A conversion of 0 is no conversion.
    expect(atm.get('loan_submitted:sum')).toBeUndefined();
    expect((await post([metric(u, 'loan_submitted', 1, 'web')]))[0].status).toBe('accepted');
    expect((await cell(DEV, 'treatment', 'atm')).get('loan_submitted:sum')).toBe(SCALE);
  });
});

describe('the guardrail halts only on evidence from verified exposures', () => {
  /** Honest traffic: customers exposed as the platform assigns them, every second one complaining once. */
  function honest(e: Experiment, prefix: string, count: number) {
    const assign = assigned(e);
    return Array.from({ length: count }, (_, i) => {
      const userId = `${prefix}${i}`;
      const channel = CHANNELS[i % 3];
      const events: unknown[] = [
        exposure(e, userId, assign(e.key, { userId, channel }) ?? 'control', channel),
      ];
      if (i % 2 === 0) events.push(metric(userId, 'complaint_filed', 1, channel));
      return events;
    }).flat();
  }
  /** A burst: made-up customers on ATMs, each exposed to the treatment and complaining three times. */
  function burst(e: Experiment, users: string[]) {
    return users.flatMap((u) => [
      exposure(e, u, 'treatment', 'atm'),
      ...[0, 1, 2].map(() => metric(u, 'complaint_filed', 1, 'atm')),
    ]);
  }

  it('a burst of forged harmful events does not halt a production experiment', async () => {
    await postAll(honest(PROD, 'gp-', 900), p.tokens.productionClient);
    expect((await check()).halted.filter((h) => h.experiment === PROD.key)).toEqual([]);
    // The forger claims the treatment for customers the platform keeps in control.
    const answers = await postAll(
      burst(PROD, customersIn(PROD, 'control', 'forged-', 600)),
      p.tokens.productionClient,
    );
    expect(answers.filter((a) => a.status === 'rejected')).toHaveLength(600);
    const run = await check();
    expect(run.halted.filter((h) => h.experiment === PROD.key)).toEqual([]);
    const stored = await bodyOf<{ haltedChannels: string[] }>(
      await p.call('GET', `/api/admin/experiments/${PROD.key}`, { token: p.tokens.admin }),
    );
    expect(stored.haltedChannels).toEqual([]);
    const flag = await bodyOf<{ environments: Record<string, { channels: Record<string, boolean> }> }>(
      await p.call('GET', `/api/admin/flags/${PROD.key}`, { token: p.tokens.admin }),
    );
    expect(flag.environments.production.channels.atm).toBe(true);
    const r = await results(PROD.key);
    expect(r.health.assignmentMismatch).toEqual({
      total: 600,
      channels: [{ channel: 'atm', exposures: 600 }],
    });
    expect(r.guardrails.every((g) => g.status !== 'degraded')).toBe(true);
    // Checked on evidence, not waved through for lack of it: ATM has enough verified units.
    const atm = r.breakdown.find((b) => b.channel === 'atm')!;
    expect(atm.guardrails.map((g) => g.status)).toEqual(['ok']);
  }, 120_000);

  it('while the same burst on customers truly in the treatment is evidence enough to halt (the check is not vacuous)', async () => {
    await postAll(honest(PROD_TWIN, 'gt-', 900), p.tokens.productionClient);
    await postAll(
      burst(PROD_TWIN, customersIn(PROD_TWIN, 'treatment', 'real-', 600)),
      p.tokens.productionClient,
    );
    const run = await check();
    expect(run.halted.find((h) => h.experiment === PROD_TWIN.key)?.channels).toEqual(['atm']);
  }, 120_000);
});

describe('nothing sticks', () => {
  it('accepts a batch of 500 events for one customer and counts it once, also sent twice at once and again', async () => {
    const [u] = customersIn(DEV, 'treatment', 'big-', 1);
    const events = [
      exposure(DEV, u, 'treatment', 'web', 20 * HOUR),
      ...Array.from({ length: 499 }, (_, i) =>
        i % 2 === 0
          ? metric(u, 'complaint_filed', 1, CHANNELS[i % 3], 19 * HOUR - i * 60_000)
          : metric(u, 'csat_score', 1 + (i % 5), CHANNELS[i % 3], 19 * HOUR - i * 60_000),
      ),
    ];
    const before = await cell(DEV, 'treatment', 'web');
    const [a, b] = await Promise.all([post(events), post(events)]);
    const c = await post(events);
    for (let i = 0; i < events.length; i++) {
      const seen = [a[i].status, b[i].status, c[i].status];
      expect(seen.filter((s) => s === 'accepted')).toHaveLength(1);
      expect(seen.filter((s) => s === 'duplicate')).toHaveLength(2);
    }
    const after = await cell(DEV, 'treatment', 'web');
    const complaints = 250n;
    let csat = 0n;
    for (let i = 1; i < 499; i += 2) csat += BigInt(1 + (i % 5));
    expect((after.get('n') ?? 0n) - (before.get('n') ?? 0n)).toBe(1n);
    expect((after.get('complaint_filed:sum') ?? 0n) - (before.get('complaint_filed:sum') ?? 0n)).toBe(
      complaints * SCALE,
    );
    expect((after.get('csat_score:sum') ?? 0n) - (before.get('csat_score:sum') ?? 0n)).toBe(csat * SCALE);
  }, 120_000);
});
