/**
 * `planIngestion`: each event accepted, stored raw, a duplicate or refused with its reason; the
 * server deciding assignment; metric values within their kind and declared range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { experimentAssignment } from '../../shared/experiments/assignment';
import { EXPOSURE_CLOCK_SKEW_MS, planIngestion } from '../../shared/experiments/ingest-plan';
import type { Experiment } from '../../shared/model/experiment';
import { experimentSchema, metricSchema } from '../../shared/model/experiment-schema';
import type { MetricDefinition } from '../../shared/model/metric';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const experiment = (key: string, extra: object = {}) =>
  experimentSchema.parse({
    key,
    name: key,
    hypothesis: 'h',
    squad: 'lending',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'loan',
    status: 'running',
    channels: ['mobile', 'branch'],
    ...extra,
  }) as Experiment;

const ctx = {
  experiments: new Map<string, Experiment>([
    ['loan-banner', experiment('loan-banner')],
    ['queue-sms', experiment('queue-sms', { unit: 'branch' })],
    ['old', experiment('old', { status: 'stopped' })],
  ]),
  catalogue: new Map<string, MetricDefinition>([
    ['loan', { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' }],
  ]),
  channels: ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'],
  now: NOW,
  environment: 'production',
};

const at = '2026-11-28T11:00:00Z';
const exposure = (id: string, extra: object = {}) => ({
  id,
  type: 'exposure',
  timestamp: at,
  userId: 'c1',
  channel: 'mobile',
  experiment: 'loan-banner',
  variant: 'treatment',
  ...extra,
});
const metric = (id: string, extra: object = {}) => ({
  id,
  type: 'metric',
  timestamp: at,
  userId: 'c1',
  channel: 'branch',
  metric: 'loan',
  value: 1,
  ...extra,
});

describe('planIngestion', () => {
  it('accepts good events and maps them to their units', () => {
    const plan = planIngestion(
      [
        exposure('e1'),
        metric('m1', { properties: { branch: 'sh-001' } }),
        exposure('e2', { experiment: 'queue-sms', channel: 'branch', properties: { branch: 'sh-001' } }),
      ],
      ctx,
    );
    expect(plan.decided).toEqual([]);
    expect(plan.accepted.map((e) => e.units)).toEqual([
      ['production:customer#c1'],
      ['production:customer#c1', 'production:branch#sh-001'],
      ['production:branch#sh-001'],
    ]);
    expect(plan.accepted[1].metric?.value).toBe(10000n);
  });

  it.each([
    [{ ...metric('x'), value: 'one' }, 'value'],
    [{ ...metric('x'), extra: true }, 'extra'],
    [metric('x', { value: 0.12345 }), 'value: must have at most 4 decimal places'],
    [metric('x', { channel: 'fax' }), 'channel: must be one of'],
    [metric('x', { timestamp: '2026-12-05T00:00:00Z' }), 'timestamp: is more than a day in the future'],
    [metric('x', { timestamp: 'yesterday' }), 'timestamp'],
    [exposure('x', { experiment: 'nope' }), 'experiment: no experiment "nope"'],
    [exposure('x', { experiment: 'old' }), 'is stopped, not running'],
    [exposure('x', { variant: 'purple' }), 'variant: "purple" is not a variant'],
    [exposure('x', { channel: 'atm' }), 'does not run on atm'],
    [exposure('x', { experiment: 'queue-sms', channel: 'branch' }), 'properties.branch: is required'],
    [{ type: 'metric' }, 'id'],
  ])('rejects %j naming %s', (event, reason) => {
    const plan = planIngestion([event, exposure('good')], ctx);
    expect(plan.accepted.map((e) => e.id)).toEqual(['good']);
    expect(plan.decided).toHaveLength(1);
    expect(plan.decided[0].status).toBe('rejected');
    expect((plan.decided[0] as { reason: string }).reason).toContain(reason);
  });

  it('keeps an event for a metric not in the catalogue raw, answered stored with the reason', () => {
    const plan = planIngestion([metric('x', { metric: 'nps' }), exposure('good')], ctx);
    expect(plan.accepted.map((e) => e.id)).toEqual(['good']);
    expect(plan.decided).toHaveLength(1);
    expect(plan.decided[0].status).toBe('stored');
    expect((plan.decided[0] as { reason: string }).reason).toContain('metric: no metric "nps"');
  });

  it('answers a repeated id within one batch as a duplicate, in order', () => {
    const plan = planIngestion([exposure('e1'), exposure('e1'), metric('m1')], ctx);
    expect(plan.slots.map((s) => s.id)).toEqual(['e1', 'e1', 'm1']);
    expect(plan.slots.map((s) => s.outcome?.status ?? null)).toEqual([null, 'duplicate', null]);
    expect(plan.accepted.map((e) => e.id)).toEqual(['e1', 'm1']);
    expect(plan.decided).toEqual([{ id: 'e1', status: 'duplicate' }]);
  });
});

describe('the server decides assignment', () => {
  const started = '2026-11-20T00:00:00.000Z';
  const banner = experiment('loan-banner', { startedAt: started });
  const layered = [
    experiment('layer-a', { layer: 'home', trafficPercent: 50, startedAt: '2026-11-01T00:00:00.000Z' }),
    experiment('layer-b', { layer: 'home', trafficPercent: 50, startedAt: '2026-11-02T00:00:00.000Z' }),
  ];
  const verified = {
    ...ctx,
    experiments: new Map<string, Experiment>([['loan-banner', banner]]),
    catalogue: new Map<string, MetricDefinition>([
      ...ctx.catalogue,
      [
        'csat',
        {
          key: 'csat',
          name: 'CSAT',
          kind: 'mean',
          direction: 'higher-is-better',
          unit: 'points',
          min: 1,
          max: 5,
        },
      ],
    ]),
    assign: experimentAssignment(banner),
  };

  it('accepts the variant the platform assigns and refuses any other, counting each refused id once', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.constantFrom('mobile', 'branch'),
        (userId, channel) => {
          const mine = verified.assign('loan-banner', { userId, channel });
          expect(mine === 'control' || mine === 'treatment').toBe(true);
          const other = mine === 'control' ? 'treatment' : 'control';
          const plan = planIngestion(
            [
              exposure('ok', { userId, channel, variant: mine }),
              exposure('forged', { userId, channel, variant: other }),
              exposure('forged', { userId, channel, variant: other }),
            ],
            verified,
          );
          expect(plan.accepted.map((e) => e.id)).toEqual(['ok']);
          expect(plan.mismatches).toEqual([
            {
              id: 'forged',
              unit: `production:customer#${userId}`,
              experiment: 'loan-banner',
              channel,
              at: Date.parse(at),
            },
          ]);
          expect(plan.slots.map((s) => s.outcome?.status ?? 'stored')).toEqual([
            'stored',
            'rejected',
            'rejected',
          ]);
        },
      ),
    );
  });

  it('refuses exposures from before the start or ahead of the server clock, beyond the skew', () => {
    const start = Date.parse(started);
    fc.assert(
      fc.property(fc.integer({ min: start - 2 * 86_400_000, max: NOW + 2 * 3_600_000 }), (t) => {
        const userId = 'c1';
        const variant = verified.assign('loan-banner', { userId, channel: 'mobile' })!;
        const plan = planIngestion(
          [exposure('x', { userId, variant, timestamp: new Date(t).toISOString() })],
          verified,
        );
        const ok = t >= start - EXPOSURE_CLOCK_SKEW_MS && t <= NOW + EXPOSURE_CLOCK_SKEW_MS;
        expect(plan.accepted.length).toBe(ok ? 1 : 0);
        if (!ok) expect(plan.decided[0]).toMatchObject({ reason: expect.stringMatching(/^timestamp: /) });
      }),
    );
  });

  it('accepts a metric value only within its kind and declared range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (tenThousandths) => {
        const value = tenThousandths / 10_000;
        const plan = planIngestion(
          [metric('c', { value }), metric('s', { metric: 'csat', value })],
          verified,
        );
        const accepted = new Set(plan.accepted.map((e) => e.id));
        expect(accepted.has('c')).toBe(value === 0 || value === 1);
        expect(accepted.has('s')).toBe(value >= 1 && value <= 5);
      }),
    );
  });

  it('puts a unit in at most one experiment of a layer, as the served slot flags do', () => {
    const [a, b] = layered.map((e) => experimentAssignment(e, layered));
    let inA = 0;
    let inB = 0;
    for (let i = 0; i < 2000; i++) {
      const unit = { userId: `u${i}`, channel: 'mobile' };
      const x = a('layer-a', unit);
      const y = b('layer-b', unit);
      expect(x === null || y === null).toBe(true);
      if (x) inA++;
      if (y) inB++;
    }
    expect(inA).toBeGreaterThan(800);
    expect(inB).toBeGreaterThan(800);
  });
});

describe('a metric’s declared range', () => {
  const base = { key: 'csat', name: 'CSAT', direction: 'higher-is-better', unit: 'points' };
  it('is for mean and count metrics, with min at most max', () => {
    expect(metricSchema.safeParse({ ...base, kind: 'mean', min: 1, max: 5 }).success).toBe(true);
    expect(metricSchema.safeParse({ ...base, kind: 'count', min: 0 }).success).toBe(true);
    const path = (body: object) => metricSchema.safeParse(body).error?.issues[0].path.join('.');
    expect(path({ ...base, kind: 'mean', min: 5, max: 1 })).toBe('max');
    expect(path({ ...base, kind: 'conversion', max: 1 })).toBe('max');
  });
});
