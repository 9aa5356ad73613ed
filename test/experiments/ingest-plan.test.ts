import { describe, expect, it } from 'vitest';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import type { Experiment } from '../../shared/model/experiment';
import { experimentSchema } from '../../shared/model/experiment-schema';
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
    [metric('x', { metric: 'nps' }), 'metric: no metric "nps"'],
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

  it('answers a repeated id within one batch as a duplicate, in order', () => {
    const plan = planIngestion([exposure('e1'), exposure('e1'), metric('m1')], ctx);
    expect(plan.slots.map((s) => s.id)).toEqual(['e1', 'e1', 'm1']);
    expect(plan.slots.map((s) => s.outcome?.status ?? null)).toEqual([null, 'duplicate', null]);
    expect(plan.accepted.map((e) => e.id)).toEqual(['e1', 'm1']);
    expect(plan.decided).toEqual([{ id: 'e1', status: 'duplicate' }]);
  });
});
