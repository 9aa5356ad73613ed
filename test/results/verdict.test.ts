// The verdict a product owner reads: the right decision, and a sentence that says why in words
// and numbers, for ship, do-not-ship, keep-running and invalid, overall and per channel.

import { describe, expect, it } from 'vitest';
import { buildResults } from '../../shared/experiments/results';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { formatPercent, formatPValue } from '../../shared/experiments/verdict';
import type { Experiment } from '../../shared/model/experiment';
import { catalogue, experiment, type Simulated, simulate } from './fixtures';

type Config = Parameters<typeof simulate>[1];

function run(
  seed: number,
  config: Omit<Config, 'experiment'> & { experiment?: Experiment },
): {
  s: Simulated;
  results: ExperimentResults;
} {
  const e = config.experiment ?? experiment();
  const s = simulate(seed, { ...config, experiment: e });
  return { s, results: buildResults({ experiment: e, catalogue, cells: s.cells }) };
}

const NUMBER = String.raw`-?\d+\.\d%`;
const CI = String.raw`\(95% CI ${NUMBER} to ${NUMBER}\)`;

describe('the verdict', () => {
  it('ships a clear winner and says by how much, with its interval', () => {
    const { results } = run(60_000, {
      units: 4000,
      effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.4 }],
    });
    expect(results.verdict.decision).toBe('ship');
    expect(results.verdict.variant).toBe('banner');
    expect(results.verdict.reason).toMatch(
      new RegExp(
        `^banner raised Loan applications by \\d+\\.\\d% ${CI}, significant after correction; no guardrail degraded\\.$`,
      ),
    );
    const c = results.metrics[0].comparisons[0];
    expect(results.verdict.reason).toContain(formatPercent(c.relative.estimate));
    expect(results.verdict.reason).toContain(formatPercent(c.relative.ciLower));
  });

  it('does not ship a variant that makes the primary metric worse', () => {
    const { results } = run(60_001, {
      units: 4000,
      effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: -0.4 }],
    });
    expect(results.verdict.decision).toBe('do-not-ship');
    expect(results.verdict.reason).toMatch(
      new RegExp(
        `^banner lowered Loan applications by \\d+\\.\\d% ${CI}, significant after correction: it makes Loan applications worse\\.$`,
      ),
    );
  });

  it('does not ship a winner that degrades a guardrail, and names the guardrail', () => {
    const { results } = run(60_002, {
      units: 4000,
      effects: [
        { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.4 },
        { variant: 'banner', metric: 'complaint_filed', relativeLift: 1 },
      ],
    });
    expect(results.verdict.decision).toBe('do-not-ship');
    expect(results.verdict.reason).toMatch(
      new RegExp(
        `^banner raised Loan applications by \\d+\\.\\d% ${CI}, but Complaints( per session)? rose by \\d+\\.\\d% ` +
          String.raw`\(p = [^)]+\), beyond its 5\.0% tolerance: do not ship as is\.$`,
      ),
    );
  });

  it('keeps running while nothing is significant, showing the estimate so far', () => {
    const { results } = run(60_003, { units: 1000 });
    expect(results.verdict.decision).toBe('keep-running');
    expect(results.verdict.reason).toMatch(
      new RegExp(
        `^No significant difference in Loan applications yet: banner [+-]?\\d+\\.\\d% \\(95% CI ${NUMBER} to ${NUMBER}, adjusted p = [\\d.e-]+\\); keep running\\.$`,
      ),
    );
  });

  it('says so when an experiment has no data yet', () => {
    const e = experiment();
    const results = buildResults({ experiment: e, catalogue, cells: new Map() });
    expect(results.verdict).toEqual({
      decision: 'keep-running',
      variant: null,
      reason: 'No units exposed yet; keep running.',
    });
    const stopped = buildResults({ experiment: { ...e, status: 'stopped' }, catalogue, cells: new Map() });
    expect(stopped.verdict.decision).toBe('do-not-ship');
  });

  it('does not ship a stopped experiment without a winner', () => {
    const { results } = run(60_003, { units: 1000, experiment: experiment({ status: 'stopped' }) });
    expect(results.verdict.decision).toBe('do-not-ship');
    expect(results.verdict.reason).toMatch(
      /^The experiment stopped without a winner\. No significant difference/,
    );
  });

  it('is invalid on a sample-ratio mismatch, whatever the lift', () => {
    const { results } = run(60_004, {
      units: 4000,
      srm: { variant: 'banner', lossRate: 0.3 },
      effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.4 }],
    });
    expect(results.verdict.decision).toBe('invalid');
    expect(results.verdict.reason).toMatch(
      /^Sample ratio mismatch \(p = [\d.e-]+\): assignment is broken, do not trust these numbers\.$/,
    );
  });

  it('names the primary metric missing from the catalogue rather than guessing', () => {
    const e = experiment({ primaryMetric: 'not_in_catalogue' });
    const s = simulate(60_005, { experiment: e, units: 500 });
    const results = buildResults({ experiment: e, catalogue, cells: s.cells });
    expect(results.missingMetrics).toEqual(['not_in_catalogue']);
    expect(results.verdict.decision).toBe('keep-running');
    expect(results.verdict.reason).toMatch(/not_in_catalogue is not in the metric catalogue/);
  });

  it('gives a line per channel, each judged on its own units', () => {
    const { results } = run(60_006, {
      units: 6000,
      effects: [
        { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.6, channel: 'branch' },
      ],
    });
    expect(results.channelVerdicts.map((v) => v.channel)).toEqual(['mobile', 'web', 'branch']);
    const branch = results.channelVerdicts.find((v) => v.channel === 'branch');
    expect(branch?.decision).toBe('ship');
    expect(branch?.reason).toMatch(
      /^banner raised Loan applications on branch by|^banner raised Loan applications by/,
    );
    expect(branch?.reason).toContain('on branch');
    for (const line of results.channelVerdicts.filter((v) => v.channel !== 'branch')) {
      expect(line.decision).toBe('keep-running');
      expect(line.reason).toContain(`on ${line.channel}`);
    }
  });

  it('ships the better of two winning treatments', () => {
    const e = experiment({
      variants: [
        { name: 'control', weight: 1 },
        { name: 'small', weight: 1 },
        { name: 'large', weight: 1 },
      ],
    });
    const { results } = run(60_007, {
      experiment: e,
      units: 6000,
      effects: [
        { variant: 'small', metric: 'loan_application_submitted', relativeLift: 0.3 },
        { variant: 'large', metric: 'loan_application_submitted', relativeLift: 0.6 },
      ],
    });
    expect(results.verdict.decision).toBe('ship');
    expect(results.verdict.variant).toBe('large');
  });
});

describe('numbers in words', () => {
  it('formats percentages and p-values the way a reader expects', () => {
    expect(formatPercent(0.041)).toBe('4.1%');
    expect(formatPercent(-0.0004)).toBe('0.0%');
    expect(formatPercent(-0.123)).toBe('-12.3%');
    expect(formatPValue(0.5712)).toBe('0.57');
    expect(formatPValue(0.03123)).toBe('0.031');
    expect(formatPValue(2.1e-6)).toBe('2e-6');
    expect(formatPValue(0)).toBe('< 1e-300');
  });
});
