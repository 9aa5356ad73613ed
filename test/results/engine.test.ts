// One engine per experiment: the plan names frequentist or Bayesian, and the verdict, the rows'
// deciding figures, the explanation and the CSVs all use that engine's numbers; guardrails halt
// on the always-valid rule under either engine.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelsCsv, resultsCsv } from '../../console/src/results-view';
import { buildResults } from '../../shared/experiments/results';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { formatChance, guardrailBlocks, quoteChance } from '../../shared/experiments/verdict';
import type { Experiment } from '../../shared/model/experiment';
import { experimentSchema } from '../../shared/model/experiment-schema';
import { decidingFigure, explainVerdict, harms } from '../../shared/presentation/results-presentation';
import { catalogue, experiment, simulate } from './fixtures';

const bayesian = (threshold?: number, overrides: Partial<Experiment> = {}): Experiment =>
  experiment({
    analysis: {
      engine: 'bayesian',
      sequential: false,
      alpha: 0.05,
      cuped: false,
      ...(threshold === undefined ? {} : { chanceThreshold: threshold }),
    },
    ...overrides,
  });

/** A thousandths threshold as the plan would write it (0.501 … 0.99). */
const thresholdArb = fc.integer({ min: 501, max: 990 }).map((k) => k / 1000);

describe('chances are printed as a statistician prints them', () => {
  it('"< 0.01", "> 0.99", else three decimals, past a threshold exactly when the value is', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), thresholdArb, (x, t) => {
        const text = formatChance(x);
        expect(text).toMatch(/^(< 0\.01|> 0\.99|0\.\d{3})$/);
        const atLeast = text.startsWith('>') ? true : text.startsWith('<') ? false : Number(text) >= t;
        expect(atLeast).toBe(x >= t);
        const low = Math.round((1 - t) * 1000) / 1000;
        const atMost = text.startsWith('<') ? true : text.startsWith('>') ? false : Number(text) <= low;
        expect(atMost).toBe(x <= low);
      }),
      { numRuns: 2000 },
    );
    expect(formatChance(0.9996)).toBe('> 0.99');
    expect(formatChance(0.0004)).toBe('< 0.01');
    expect(formatChance(0.9499)).toBe('0.949');
    expect(quoteChance(0.957)).toBe('= 0.957');
  });
});

describe('the plan names the engine', () => {
  it('accepts engine and threshold, defaults to frequentist, refuses a threshold at or below 0.5', () => {
    const base = {
      key: 'x',
      name: 'X',
      hypothesis: 'h',
      squad: 's',
      variants: [
        { name: 'control', weight: 1 },
        { name: 'b', weight: 1 },
      ],
      primaryMetric: 'm',
    };
    const parsed = experimentSchema.parse({
      ...base,
      analysis: { engine: 'bayesian', chanceThreshold: 0.9 },
    });
    expect(parsed.analysis).toMatchObject({ engine: 'bayesian', chanceThreshold: 0.9, sequential: true });
    const none = experimentSchema.parse(base);
    expect(buildResults({ experiment: none, catalogue, cells: new Map() }).engine).toEqual({
      name: 'frequentist',
      chanceThreshold: null,
    });
    const bad = experimentSchema.safeParse({
      ...base,
      analysis: { engine: 'bayesian', chanceThreshold: 0.5 },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['analysis', 'chanceThreshold']);
    expect(experimentSchema.safeParse({ ...base, analysis: { engine: 'thompson' } }).success).toBe(false);
  });
});

function primaryOf(r: ExperimentResults) {
  const primary = r.metrics.find((m) => m.role === 'primary');
  const c = primary?.comparisons[0];
  if (!primary || !c) throw new Error('no primary comparison');
  return { primary, c };
}

describe('a Bayesian verdict decides by the chance to beat control and quotes it', () => {
  it('ships exactly when the chance reaches the threshold and no guardrail blocks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        thresholdArb,
        (seed, lift, threshold) => {
          const e = bayesian(threshold, { guardrails: [], secondaryMetrics: [], channels: ['mobile'] });
          const s = simulate(seed, {
            experiment: e,
            units: 2000,
            effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: lift }],
          });
          const r = buildResults({ experiment: e, catalogue, cells: s.cells });
          const { primary, c } = primaryOf(r);
          expect(r.engine).toEqual({ name: 'bayesian', chanceThreshold: threshold });
          const ship = c.error === null && c.chanceToWin >= threshold;
          const lose = c.error === null && c.chanceToWin <= 1 - threshold;
          expect(r.verdict.decision).toBe(ship ? 'ship' : lose ? 'do-not-ship' : 'keep-running');
          if (c.error !== null) return;
          // The row, the explanation and the verdict's sentence quote the same figure.
          const figure = decidingFigure(r, r, null, primary, c);
          expect(figure).toMatchObject({ label: 'chance to beat control', kind: 'chance', p: c.chanceToWin });
          const lift0 = explainVerdict(r).find((p) => p.code === 'lift');
          expect(lift0).toMatchObject({ p: c.chanceToWin, interval: 'credible', threshold });
          expect(r.verdict.reason).toContain(`chance to beat control ${quoteChance(c.chanceToWin)}`);
          expect(r.verdict.reason).toContain('credible interval');
          expect(r.verdict.reason).not.toMatch(/\bp = /);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('on the same cells each engine quotes its own figure', () => {
    // A clear lift on one channel: both engines ship, each by its own figure.
    const f = experiment({ guardrails: [], secondaryMetrics: [], channels: ['mobile'] });
    const b = bayesian(undefined, { guardrails: [], secondaryMetrics: [], channels: ['mobile'] });
    const s = simulate(11, {
      experiment: f,
      units: 4000,
      effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.3 }],
    });
    const rf = buildResults({ experiment: f, catalogue, cells: s.cells });
    const rb = buildResults({ experiment: b, catalogue, cells: s.cells });
    expect(rf.verdict.decision).toBe('ship');
    expect(rb.verdict.decision).toBe('ship');
    expect(rf.verdict.reason).not.toContain('chance to beat control');
    expect(rb.verdict.reason).toContain('chance to beat control > 0.99, at least 0.95');
    // The frequentist numbers stay in the Bayesian document (additive), they just do not decide.
    expect(primaryOf(rb).c.relative).toEqual(primaryOf(rf).c.relative);
  });
});

describe('guardrails stay protected under the Bayesian engine', () => {
  const effects = [
    { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.15 },
    { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
  ];
  const guardrails = [{ metric: 'complaint_filed', tolerance: 0.05 }];
  const f = experiment({ guardrails });
  const b = bayesian(undefined, { guardrails });
  const s = simulate(7, { experiment: f, units: 12_000, effects });
  const rf = buildResults({ experiment: f, catalogue, cells: s.cells });
  const rb = buildResults({ experiment: b, catalogue, cells: s.cells });

  it('halts on the same always-valid checks as the frequentist plan, and does not ship', () => {
    const statuses = (r: ExperimentResults) =>
      r.breakdown.flatMap((x) => x.guardrails).map((g) => [g.channel, g.status, g.evidence.pValue]);
    expect(statuses(rb)).toEqual(statuses(rf));
    const branch = rb.breakdown.find((x) => x.channel === 'branch')?.guardrails[0];
    expect(branch?.status).toBe('degraded');
    expect(branch?.evidence.chanceOfHarm).toBeGreaterThan(0.95);
    expect(rb.verdict.decision).toBe('do-not-ship');
    expect(harms(rb).some((h) => h.channel === 'branch' && h.chanceOfHarm === null)).toBe(true);
    expect(rb.channelAnalysis.fit.channels.find((c) => c.channel === 'branch')?.advice).toBe('hold');
  });

  it('blocks shipping on a chance of harm at the threshold while the always-valid check is still ok', () => {
    const check = rb.breakdown.find((x) => x.channel === 'branch')?.guardrails[0];
    if (!check) throw new Error('no branch check');
    const quiet = { ...check, status: 'ok' as const };
    expect(guardrailBlocks(quiet, 'bayesian', 0.95)).toBe(true);
    expect(guardrailBlocks(quiet, 'frequentist', 0.95)).toBe(false);
    expect(
      guardrailBlocks({ ...quiet, evidence: { ...quiet.evidence, chanceOfHarm: 0.5 } }, 'bayesian', 0.95),
    ).toBe(false);
  });

  it('CSV: a Bayesian document adds its deciding figures; the per-channel CSV labels them', () => {
    const lines = resultsCsv(rb).trimEnd().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 17).join(',')).toBe(
      'scope,metric,metric_name,role,variant,units,mean,relative_lift,relative_ci_lower,relative_ci_upper,absolute_lift,p_value,holm_adjusted_p,chance_to_win,significant,srm_detected,decision',
    );
    expect(header.slice(17)).toEqual([
      'engine',
      'deciding_label',
      'deciding_value',
      'credible_lower',
      'credible_upper',
      'risk_if_shipped',
      'risk_if_kept',
    ]);
    const row = lines.find((l) => l.startsWith('all,loan_application_submitted,') && l.includes(',banner,'));
    const cells = row?.split(',') ?? [];
    const c = primaryOf(rb).c;
    expect(cells[17]).toBe('bayesian');
    expect(cells[18]).toBe('chance to beat control');
    expect(Number(cells[19])).toBe(c.chanceToWin);
    expect(Number(cells[20])).toBe(c.posterior?.ciLower);
    expect(resultsCsv(rf).split('\r\n')[0].split(',')).toHaveLength(17);

    const channelLines = channelsCsv(rb).trimEnd().split('\r\n');
    expect(channelLines[0]).toMatch(
      /,deciding_label,deciding_p,status,channel_advice,channel_advice_reason,engine,deciding_value$/,
    );
    expect(channelLines.find((l) => l.startsWith('mobile,loan_application_submitted,'))).toMatch(
      /,chance to beat control,,(better|none),/,
    );
    expect(channelLines.find((l) => l.startsWith('branch,complaint_filed,'))).toMatch(
      /,always-valid p,[0-9.e-]+,harm,hold,guardrail-harm,bayesian,[0-9.e-]+$/,
    );
  });
});
