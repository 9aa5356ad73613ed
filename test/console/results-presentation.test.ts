/**
 * The results page's pure parts: p-values as a statistician prints them, the deciding figure of a
 * row, per-channel harm, the verdict explained from the payload in both languages, the projection
 * of days, and the cumulative-lift axis fitted to the estimates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatters, translator } from '../../console/src/i18n';
import { clipToAxis, liftAxis } from '../../console/src/lift-axis';
import { reasonText } from '../../console/src/results-text';
import { forestRows } from '../../console/src/results-view';
import { buildResults } from '../../shared/experiments/results';
import {
  decidingFigure,
  explainVerdict,
  formatP,
  harms,
  projectDecision,
  quoteP,
} from '../../shared/presentation/results-presentation';
import { catalogue, experiment, simulate } from '../results/fixtures';

const harmExperiment = experiment({ guardrails: [{ metric: 'complaint_filed', tolerance: 0.1 }] });
function branchHarm(seed: number) {
  const s = simulate(seed, {
    experiment: harmExperiment,
    units: 6000,
    effects: [
      { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
      { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.05 },
    ],
  });
  return buildResults({ experiment: harmExperiment, catalogue, cells: s.cells });
}

describe('p-values', () => {
  it('prints "< 0.001", three decimals below 0.1, two above, "> 0.99" for a capped p', () => {
    expect(formatP(0)).toBe('< 0.001');
    expect(formatP(0.00042)).toBe('< 0.001');
    expect(formatP(0.0312)).toBe('0.031');
    expect(formatP(0.57)).toBe('0.57');
    expect(formatP(1)).toBe('> 0.99');
    expect(quoteP(1)).toBe('> 0.99');
    expect(quoteP(0.0312)).toBe('= 0.031');
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (p) => {
        expect(formatP(p)).not.toMatch(/^1\.0+$/);
        expect(formatP(p)).toMatch(/^(< 0\.001|> 0\.99|0\.\d{2,3})$/);
      }),
    );
  });
});

describe('one story per row', () => {
  it('decides a guardrail row by its guardrail check, and the verdict quotes that very p', () => {
    for (const seed of [1, 2, 3]) {
      const r = branchHarm(seed);
      const m = r.metrics.find((x) => x.role === 'guardrail');
      const c = m?.comparisons[0];
      if (!m || !c) throw new Error('no guardrail row');
      const figure = decidingFigure(r, r, null, m, c);
      const check = r.guardrails[0];
      expect(figure).toMatchObject({
        label: 'always-valid p',
        p: check.evidence.pValue,
        by: 'guardrail-check',
      });
      const quoted = explainVerdict(r).filter((x) => x.code === 'guardrail-harm');
      const tripped = harms(r);
      expect(quoted.map((x) => (x.code === 'guardrail-harm' ? x.p : null))).toEqual(tripped.map((h) => h.p));
      expect(tripped.some((h) => h.channel === 'branch')).toBe(true);
    }
  });

  it("decides a goal row by the Holm-adjusted p of the experiment's test when the family has more than one", () => {
    const r = branchHarm(1);
    const m = r.metrics[0];
    const f = decidingFigure(r, r, null, m, m.comparisons[0]);
    expect(f?.label).toBe('adjusted p');
    expect(f?.p).toBe(m.comparisons[0].adjustedPValue?.holm);
    expect(f?.significant).toBe(m.comparisons[0].significant);
  });
});

describe('the forest plot', () => {
  it("draws a guardrail metric with its check's always-valid interval and tone, not the row's own test", () => {
    for (const seed of [1, 2, 3]) {
      const r = branchHarm(seed);
      const row = forestRows(r).find((x) => x.role === 'guardrail');
      const check = r.guardrails[0];
      expect(row).toMatchObject({
        lower: check.evidence.ciLower,
        upper: check.evidence.ciUpper,
        pValue: check.evidence.pValue,
        tone: check.status === 'degraded' ? 'worse' : 'neutral',
      });
    }
  });
});

describe('the verdict in Chinese', () => {
  it('renders every part of the explanation without the English sentences', () => {
    const t = translator('zh-CN');
    const fmt = formatters('zh-CN');
    for (const seed of [1, 2, 3]) {
      const parts = explainVerdict(branchHarm(seed));
      expect(parts.map((x) => x.code)).toContain('guardrail-harm');
      for (const part of parts) {
        const text = reasonText(t, fmt, part);
        expect(text).not.toMatch(/\b(rose|fell|significant|interval|Decided|guardrail|tolerance)\b/);
        expect(text).toMatch(/[\u4e00-\u9fff]/);
      }
      const harm = parts.find((x) => x.code === 'guardrail-harm' && x.channel === 'branch');
      if (harm) expect(reasonText(t, fmt, harm)).toContain('在网点渠道上升');
    }
  });
});

describe('days to a decision', () => {
  it('is said only for keep-running verdicts with a start date', () => {
    const r = branchHarm(1);
    expect(r.verdict.decision).toBe('do-not-ship');
    expect(projectDecision(r, 10)).toEqual([]);
    const running = { ...r, verdict: { ...r.verdict, decision: 'keep-running' as const } };
    expect(projectDecision(running, null)).toEqual([]);
    const [x] = projectDecision(running, 10);
    expect(['days', 'too-small']).toContain(x.kind);
  });
});

describe('the cumulative-lift axis', () => {
  const day = (i: number) => new Date(Date.UTC(2026, 10, 1 + i)).toISOString();
  const points = Array.from({ length: 14 }, (_, i) => ({
    at: day(i),
    relative: {
      estimate: 0.15 + 0.3 / (i + 1),
      ciLower: i === 0 ? -6 : 0.15 - 1.2 / Math.sqrt(i + 1),
      ciUpper: i === 0 ? 8 : 0.15 + 1.2 / Math.sqrt(i + 1),
    },
  }));

  it("clips the first day's −600%…+800% and keeps the later intervals and every estimate", () => {
    const axis = liftAxis(points);
    expect(axis.clipped).toBe(true);
    expect(axis.min).toBeGreaterThan(-100);
    expect(axis.max).toBeLessThan(150);
    expect(clipToAxis(800, axis)).toEqual({ value: axis.max, side: 'above' });
    expect(clipToAxis(-600, axis)).toEqual({ value: axis.min, side: 'below' });
    for (const p of points.slice(4)) {
      expect(p.relative.ciLower * 100).toBeGreaterThanOrEqual(axis.min);
      expect(p.relative.ciUpper * 100).toBeLessThanOrEqual(axis.max);
    }
  });

  it('always shows zero and every estimate; clips nothing when the intervals are all of a size', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            estimate: fc.double({ min: -5, max: 5, noNaN: true }),
            half: fc.double({ min: 0, max: 10, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (xs) => {
          const ps = xs.map((x, i) => ({
            at: day(i),
            relative: { estimate: x.estimate, ciLower: x.estimate - x.half, ciUpper: x.estimate + x.half },
          }));
          const axis = liftAxis(ps);
          expect(axis.min).toBeLessThanOrEqual(0);
          expect(axis.max).toBeGreaterThanOrEqual(0);
          for (const p of ps) {
            expect(p.relative.estimate * 100).toBeGreaterThanOrEqual(axis.min);
            expect(p.relative.estimate * 100).toBeLessThanOrEqual(axis.max);
          }
        },
      ),
    );
    const even = points.map((p) => ({ ...p, relative: { estimate: 0.15, ciLower: 0.05, ciUpper: 0.25 } }));
    expect(liftAxis(even).clipped).toBe(false);
  });
});
