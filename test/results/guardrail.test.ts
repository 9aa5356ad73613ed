// Guardrails: the exact rule on hand-made totals, and a harm planted on one channel that trips
// that channel's guardrail and no other.

import { describe, expect, it } from 'vitest';
import { SCALE } from '../../shared/experiments/exact';
import { checkGuardrails, GUARDRAIL_MIN_UNITS, guardrailAlpha } from '../../shared/experiments/guardrail';
import { buildResults } from '../../shared/experiments/results';
import { cellKey, type StatsVector } from '../../shared/experiments/unit-state';
import { catalogue, experiment, simulate } from './fixtures';

/** Exact totals of one metric from per-unit values (no pre-exposure data). */
function vector(metric: string, values: number[]): StatsVector {
  const scaled = values.map((v) => BigInt(Math.round(v * 10_000)));
  const v: StatsVector = new Map([['n', BigInt(values.length)]]);
  v.set(
    `${metric}:sum`,
    scaled.reduce((a, b) => a + b, 0n),
  );
  v.set(
    `${metric}:sumSquares`,
    scaled.reduce((a, b) => a + b * b, 0n),
  );
  return v;
}

/** n units whose values cycle through `pattern`. */
function cycle(n: number, pattern: number[]): number[] {
  return Array.from({ length: n }, (_, i) => pattern[i % pattern.length]);
}

const one = experiment({
  channels: ['branch'],
  guardrails: [{ metric: 'complaint_filed', tolerance: 0.05 }],
});

function check(control: number[], treatment: number[], overrides = {}) {
  const e = { ...one, ...overrides };
  const metric = e.guardrails[0].metric;
  const cells = new Map([
    [cellKey(e.key, 'control', 'branch'), vector(metric, control)],
    [cellKey(e.key, 'banner', 'branch'), vector(metric, treatment)],
  ]);
  const checks = checkGuardrails(e, catalogue, cells);
  expect(checks).toHaveLength(1);
  return checks[0];
}

describe('the guardrail rule', () => {
  // Complaints (lower is better): control 0.5 per unit, treatment 0.6 (+20%), 20k units per arm.
  const control = cycle(20_000, [0, 1]);
  const worse = cycle(20_000, [0, 1, 0, 1, 1]);

  it('corrects alpha for every check the job makes (Bonferroni)', () => {
    // 1 guardrail × 1 treatment × (1 channel + all channels)
    expect(guardrailAlpha(one)).toBeCloseTo(0.05 / 2, 12);
    expect(guardrailAlpha(experiment())).toBeCloseTo(0.05 / (2 * 1 * 4), 12);
  });

  it('is degraded when the harm is significant and beyond the tolerance', () => {
    const c = check(control, worse);
    expect(c.status).toBe('degraded');
    expect(c.channel).toBe('branch');
    expect(c.evidence.relativeChange).toBeCloseTo(0.2, 10);
    expect(c.evidence.harm).toBeCloseTo(0.2, 10);
    expect(c.evidence.pValue).toBeLessThan(c.evidence.alpha);
    expect(c.evidence).toMatchObject({
      controlUnits: 20_000,
      treatmentUnits: 20_000,
      tolerance: 0.05,
      error: null,
    });
    expect(c.evidence.controlMean).toBeCloseTo(0.5, 12);
    expect(c.evidence.treatmentMean).toBeCloseTo(0.6, 12);
  });

  it('is ok when a significant harm stays within the tolerance', () => {
    const c = check(control, worse, { guardrails: [{ metric: 'complaint_filed', tolerance: 0.25 }] });
    expect(c.evidence.pValue).toBeLessThan(c.evidence.alpha);
    expect(c.status).toBe('ok');
  });

  it('is ok when the metric moved the good way, however much', () => {
    const c = check(worse, control);
    expect(c.evidence.harm).toBeLessThan(-0.1);
    expect(c.status).toBe('ok');
  });

  it('is ok when the harm is beyond the tolerance but not significant', () => {
    const c = check(cycle(300, [0, 1]), cycle(300, [0, 1, 0, 1, 1]), {
      guardrails: [{ metric: 'complaint_filed', tolerance: 0 }],
    });
    expect(c.evidence.harm).toBeGreaterThan(0.1);
    expect(c.evidence.pValue).toBeGreaterThan(c.evidence.alpha);
    expect(c.status).toBe('ok');
  });

  it('orients harm by the metric direction: a drop in CSAT is harm', () => {
    const c = check(cycle(20_000, [4, 5]), cycle(20_000, [3, 4]), {
      guardrails: [{ metric: 'csat_score', tolerance: 0.1 }],
    });
    expect(c.evidence.relativeChange).toBeCloseTo(-2 / 9, 10);
    expect(c.evidence.harm).toBeCloseTo(2 / 9, 10);
    expect(c.status).toBe('degraded');
  });

  it('has insufficient data below the minimum units, on zero variance, or for an unknown metric', () => {
    const few = check(cycle(GUARDRAIL_MIN_UNITS - 1, [0, 1]), cycle(500, [0, 1, 1, 1]));
    expect(few.status).toBe('insufficient-data');
    const none = check(cycle(500, [0]), cycle(500, [0, 1]));
    expect(none.status).toBe('insufficient-data');
    expect(none.evidence.error).not.toBeNull();
    const unknown = check(control, worse, { guardrails: [{ metric: 'no_such_metric', tolerance: 0 }] });
    expect(unknown.status).toBe('insufficient-data');
    expect(unknown.evidence.error).toBe('UNKNOWN_METRIC');
  });
});

describe('a harm planted on one channel', () => {
  const e = experiment({
    guardrails: [
      { metric: 'complaint_filed', tolerance: 0.1 },
      { metric: 'complaints_per_session', tolerance: 0.1 },
    ],
  });
  const runs = Array.from({ length: 10 }, (_, i) =>
    simulate(40_000 + i, {
      experiment: e,
      units: 3000,
      effects: [
        { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.3 },
        { variant: 'banner', metric: 'complaint_filed', relativeLift: 1, channel: 'branch' },
      ],
    }),
  );

  it("trips that channel's guardrails, every time, and never another channel's", () => {
    for (const s of runs) {
      const checks = checkGuardrails(e, catalogue, s.cells);
      expect(checks).toHaveLength(2 * 3);
      for (const c of checks) {
        expect(c.status, `${c.metric} on ${c.channel}`).toBe(c.channel === 'branch' ? 'degraded' : 'ok');
      }
    }
  });

  it('stops the ship verdict overall and on that channel only', () => {
    for (const s of runs) {
      const results = buildResults({ experiment: e, catalogue, cells: s.cells });
      expect(results.verdict.decision).toBe('do-not-ship');
      expect(results.verdict.reason).toMatch(/Complaints.* rose by \d+\.\d%/);
      for (const line of results.channelVerdicts) {
        if (line.channel === 'branch') {
          expect(line.decision).toBe('do-not-ship');
          expect(line.reason).toMatch(/on branch/);
        } else {
          expect(line.decision).not.toBe('do-not-ship');
        }
      }
    }
  });

  it('gives the same per-channel statuses in the results as the scheduled check', () => {
    const s = runs[0];
    const results = buildResults({ experiment: e, catalogue, cells: s.cells });
    expect(results.breakdown.flatMap((b) => b.guardrails)).toEqual(checkGuardrails(e, catalogue, s.cells));
  });
});

describe('guardrail totals', () => {
  it('ignores other experiments and reads the exact scale of the totals', () => {
    const e = experiment({ channels: ['web'], guardrails: [{ metric: 'complaint_filed', tolerance: 0 }] });
    const cells = new Map<string, StatsVector>([
      [cellKey(e.key, 'control', 'web'), vector('complaint_filed', cycle(1000, [0, 1]))],
      [cellKey(e.key, 'banner', 'web'), vector('complaint_filed', cycle(1000, [1, 2]))],
      [cellKey('other', 'banner', 'web'), vector('complaint_filed', cycle(1000, [9]))],
    ]);
    const [c] = checkGuardrails(e, catalogue, cells);
    expect(c.evidence.controlMean).toBe(0.5);
    expect(c.evidence.treatmentMean).toBe(1.5);
    expect(SCALE).toBe(10_000n);
  });
});
