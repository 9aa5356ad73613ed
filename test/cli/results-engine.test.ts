// `npx omnilab results` for a Bayesian plan: the rows, the harm banner and the verdict's
// explanation quote the chance to beat control (and a guardrail's always-valid p when it
// halts), in English and in Simplified Chinese; a frequentist plan's output keeps its p-values.
import { describe, expect, it } from 'vitest';
import { formatResults } from '../../cli/results-command';
import { buildResults } from '../../shared/experiments/results';
import { formatChance } from '../../shared/experiments/verdict';
import { catalogue, experiment, simulate } from '../results/fixtures';

const guardrails = [{ metric: 'complaint_filed', tolerance: 0.05 }];
const frequentist = experiment({ guardrails });
const bayesian = experiment({
  guardrails,
  analysis: { engine: 'bayesian', chanceThreshold: 0.95, sequential: false, alpha: 0.05, cuped: false },
});
const s = simulate(7, {
  experiment: frequentist,
  units: 8000,
  effects: [
    { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.15 },
    { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
  ],
});
const rb = buildResults({ experiment: bayesian, catalogue, cells: s.cells });
const rf = buildResults({ experiment: frequentist, catalogue, cells: s.cells });

describe('npx omnilab results with a Bayesian plan', () => {
  const text = formatResults(rb);
  const primary = rb.metrics.find((m) => m.role === 'primary')?.comparisons[0];

  it('says which engine decides and by what rule, guardrails included', () => {
    expect(text).toContain(
      'Decided by: Bayesian engine, ship when the chance to beat control is at least 0.95',
    );
    expect(text).toContain('guardrails: halt on the sequential test (always-valid p)');
    expect(text).not.toContain('Holm correction');
  });

  it('shows each goal row with its credible interval and chance to beat control, the verdict quoting the same figure', () => {
    if (!primary) throw new Error('no primary comparison');
    const header = text.split('\n').find((l) => l.startsWith('metric') && l.includes('deciding figure'));
    expect(header).toContain('credible interval');
    expect(header).toContain('risk if shipped');
    const chance = formatChance(primary.chanceToWin);
    const row = text.split('\n').find((l) => l.startsWith('Loan applications (primary)'));
    expect(row).toContain(`chance to beat control ${chance}`);
    const explanation = text.split('\n').find((l) => l.startsWith('  banner: Loan applications'));
    expect(explanation).toContain('credible interval');
    expect(explanation).toContain(
      `chance to beat control ${chance.startsWith('>') ? chance : `= ${chance}`}`,
    );
    expect(text).toContain('Decided by the Bayesian engine');
  });

  it('puts the branch harm at the top with the always-valid p that halted it', () => {
    expect(text).toMatch(/HARM ON BRANCH: Complaints \+\d+\.\d% for banner on branch \(always-valid p/);
    expect(text).toMatch(/Verdict: DO-NOT-SHIP/);
  });

  it('renders the same in Simplified Chinese', () => {
    const zh = formatResults(rb, { lang: 'zh-CN' });
    expect(zh).toContain('由贝叶斯引擎判定');
    expect(zh).toContain('胜过对照组的概率');
    expect(zh).toContain('可信区间');
  });

  it('leaves a frequentist plan on its p-values', () => {
    const f = formatResults(rf);
    expect(f).toContain('deciding p');
    expect(f).not.toContain('deciding figure');
    expect(f).toContain('Decided by: fixed-horizon test');
  });
});
