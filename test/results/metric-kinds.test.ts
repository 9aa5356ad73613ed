// Metric semantics a person expects: a mean of events (CSAT) is the average answer, a count event without a value counts 1, a conversion event of value 0 does not convert, and every kind is analysed from exact per-unit totals.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import { baselineFromArm, planFigures } from '../../shared/experiments/planning';
import { armStats } from '../../shared/experiments/results-cells';
import { observedMean } from '../../shared/experiments/results-compare';
import {
  addVectors,
  type MetricObservation,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { Experiment } from '../../shared/model/experiment';
import { experimentSchema } from '../../shared/model/experiment-schema';
import type { MetricDefinition } from '../../shared/model/metric';
import { minimumDetectableEffect } from '../../shared/stats/power';

const csatEvents: MetricDefinition = {
  key: 'csat',
  name: 'CSAT',
  kind: 'mean-of-events',
  direction: 'higher-is-better',
  unit: 'points',
  min: 1,
  max: 5,
};
const csatPerUnit: MetricDefinition = { ...csatEvents, key: 'csat', kind: 'mean' };

/** One arm: each unit exposed at 0, then its answers. */
function arm(answers: number[][], metric: MetricDefinition): StatsVector {
  const totals = new Map<string, StatsVector>();
  answers.forEach((values, u) => {
    const metrics: MetricObservation[] = values.map((v, i) => ({
      id: `u${u}-m${i}`,
      metric: 'csat',
      value: BigInt(v) * 10_000n,
      at: 10 + i,
    }));
    const state = unitStateFromEvents(
      [{ id: `u${u}-x`, experiment: 'e', variant: 'control', channel: 'mobile', at: 0 }],
      metrics,
    );
    addVectors(totals, unitContributions(state, [metric]));
  });
  return [...totals.values()][0] ?? new Map();
}

describe('mean of events', () => {
  it('is the sum of the answers over their number, per arm, between min and max whoever never answered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }), { minLength: 1, maxLength: 30 }),
        (answers) => {
          const all = answers.flat();
          fc.pre(all.length > 0);
          const mean = observedMean(csatEvents, arm(answers, csatEvents));
          expect(mean).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 12);
          expect(mean).toBeGreaterThanOrEqual(1);
          expect(mean).toBeLessThanOrEqual(5);
          // The per-unit sum divides by every unit, answered or not.
          const perUnit = observedMean(csatPerUnit, arm(answers, csatPerUnit));
          expect(perUnit).toBeCloseTo(all.reduce((a, b) => a + b, 0) / answers.length, 12);
        },
      ),
    );
  });

  it('gives the engine the ratio parts: values and events per unit, with their squares and product', () => {
    const stats = armStats(arm([[4, 5], [2], []], csatEvents), 'csat');
    expect(stats).toMatchObject({
      n: 3,
      sum: 11,
      sumSquares: 9 * 9 + 2 * 2,
      denominatorSum: 3,
      denominatorSumSquares: 2 * 2 + 1,
      mainDenominatorSumProduct: 9 * 2 + 2 * 1,
    });
  });

  it('plans from its delta-method variance', () => {
    const vector = arm(
      Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? [] : [1 + (i % 5), 1 + ((i * 7) % 5)])),
      csatEvents,
    );
    const baseline = baselineFromArm(csatEvents, vector);
    expect(baseline?.kind).toBe('mean');
    const figures = planFigures({
      baseline: baseline!,
      dailyUnits: 1000,
      days: 14,
      variants: 2,
      alpha: 0.05,
      sequential: false,
    });
    expect(figures.perArm).toBe(7000);
    expect(figures.mde).toBeCloseTo(
      minimumDetectableEffect(baseline!, 7000, { alpha: 0.05, power: 0.8 })!,
      12,
    );
    const sequential = planFigures({
      baseline: baseline!,
      dailyUnits: 1000,
      days: 14,
      variants: 2,
      alpha: 0.05,
      sequential: true,
    });
    // Looking every day costs a larger detectable lift.
    expect(sequential.mde!).toBeGreaterThan(figures.mde!);
  });
});

describe('values at ingestion', () => {
  const NOW = Date.parse('2026-11-28T12:00:00Z');
  const experiment = experimentSchema.parse({
    key: 'loan-banner',
    name: 'loan-banner',
    hypothesis: 'h',
    squad: 'lending',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'loan',
    status: 'running',
    channels: ['mobile'],
  }) as Experiment;
  const catalogue = new Map<string, MetricDefinition>([
    ['loan', { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' }],
    [
      'complaint',
      { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'c' },
    ],
    ['csat', csatEvents],
  ]);
  const ctx = {
    experiments: new Map([['loan-banner', experiment]]),
    catalogue,
    channels: ['mobile'],
    now: NOW,
    environment: 'production',
  };
  const event = (id: string, metric: string, value?: number) => ({
    id,
    type: 'metric',
    timestamp: '2026-11-28T11:00:00Z',
    userId: 'c1',
    channel: 'mobile',
    metric,
    ...(value === undefined ? {} : { value }),
  });

  it('a count event without a value counts 1; a mean of events needs its value, naming it', () => {
    const plan = planIngestion([event('a', 'complaint'), event('b', 'csat'), event('c', 'csat', 4)], ctx);
    expect(plan.accepted.map((e) => [e.id, e.metric?.value])).toEqual([
      ['a', 10_000n],
      ['c', 40_000n],
    ]);
    expect(JSON.stringify(plan.decided)).toContain('value: is required for a mean-of-events metric (csat)');
  });

  it('a conversion event of value 0 does not convert the unit', () => {
    const state = unitStateFromEvents(
      [{ id: 'x', experiment: 'e', variant: 'control', channel: 'mobile', at: 0 }],
      [{ id: 'm', metric: 'loan', value: 0n, at: 5 }],
    );
    const v = [...unitContributions(state, [catalogue.get('loan')!]).values()][0];
    expect(v.get('loan:sum') ?? 0n).toBe(0n);
  });
});
