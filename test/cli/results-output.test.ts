/**
 * `npx omnilab results <experiment>`'s default output, read as a product owner reads it: harm on
 * one channel is on screen without asking, every row says which test decided and quotes the
 * figure the verdict quotes, capped sequential p-values are not printed as 1.0000, and a
 * keep-running verdict says about how many more days to wait.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client';
import { formatResults, runResults } from '../../cli/results-command';
import { buildResults } from '../../shared/experiments/results';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { daysToReach, sequentialSampleSizePerArm } from '../../shared/stats/power';
import { catalogue, experiment, simulate } from '../results/fixtures';

/** Complaints planted +40% on the branch channel only (the issue's scenario, on branch). */
function branchHarm(seed: number): ExperimentResults {
  const e = experiment({ guardrails: [{ metric: 'complaint_filed', tolerance: 0.1 }] });
  const s = simulate(seed, {
    experiment: e,
    units: 6000,
    effects: [
      { variant: 'banner', metric: 'complaint_filed', relativeLift: 0.4, channel: 'branch' },
      { variant: 'banner', metric: 'loan_application_submitted', relativeLift: 0.05 },
    ],
  });
  return buildResults({ experiment: e, catalogue, cells: s.cells });
}

function sequentialRun(seed: number, lift: number): ExperimentResults {
  const e = experiment({ analysis: { sequential: true, alpha: 0.05, cuped: false } });
  const s = simulate(seed, {
    experiment: e,
    units: 6000,
    effects: [{ variant: 'banner', metric: 'loan_application_submitted', relativeLift: lift }],
  });
  return buildResults({ experiment: e, catalogue, cells: s.cells });
}

/** The table whose header line starts with `first`, as rows of trimmed cells keyed by header. */
function table(text: string, first: string): Record<string, string>[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(first));
  expect(start, `a table starting with ${first}`).toBeGreaterThanOrEqual(0);
  const dashes = lines[start + 1];
  const spans: [number, number][] = [];
  for (const m of dashes.matchAll(/-+/g)) spans.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
  const cells = (l: string) => spans.map(([a, b]) => l.slice(a, b).trim());
  const keys = cells(lines[start]);
  const rows: Record<string, string>[] = [];
  for (const l of lines.slice(start + 2)) {
    if (l.trim() === '') break;
    const values = cells(l);
    rows.push(Object.fromEntries(keys.map((k, i) => [k, values[i]])));
  }
  return rows;
}

describe('harm on one channel is on screen by default', () => {
  it('flags the channel at the top and beside the overall "ok", with a row for the channel', () => {
    const r = branchHarm(1);
    // The scenario the issue describes: overall the guardrail is ok, on branch it is degraded.
    expect(r.guardrails.map((g) => g.status)).toEqual(['ok']);
    const branch = r.breakdown.find((b) => b.channel === 'branch')?.guardrails[0];
    expect(branch?.status).toBe('degraded');
    const text = formatResults(r);
    const harmLine = text.split('\n').find((l) => l.startsWith('HARM ON BRANCH'));
    expect(harmLine).toContain('Complaints');
    expect(harmLine).toContain(`+${(branch!.evidence.relativeChange * 100).toFixed(1)}%`);
    // Before the tables: the first thing after the header lines.
    expect(text.indexOf('HARM ON BRANCH')).toBeLessThan(text.indexOf('Sample ratio check'));
    const rows = table(text, 'guardrail');
    expect(rows).toContainEqual(
      expect.objectContaining({ channel: 'all', status: 'ok', channels: 'DEGRADED on branch' }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ channel: 'branch', status: 'degraded' }));
  });

  it('says nothing of harm when no channel degraded, on several seeds', () => {
    for (const seed of [1, 2, 3]) {
      const text = formatResults(sequentialRun(seed, 0.05));
      expect(text).not.toContain('HARM');
      expect(text).not.toContain('DEGRADED');
    }
  });
});

describe('one row, one story', () => {
  it('quotes the same always-valid p for a guardrail in its row, its guardrail line and the verdict', () => {
    for (const seed of [1, 2, 3]) {
      const r = branchHarm(seed);
      const text = formatResults(r);
      const rows = table(text, 'guardrail');
      const verdictLines = text.split('\n').filter((l) => l.includes('Complaints rose by'));
      expect(verdictLines.length).toBeGreaterThan(0);
      for (const l of verdictLines) {
        const channel = l.includes('on all channels together') ? 'all' : 'branch';
        const row = rows.find((x) => x.channel === channel && x.status === 'degraded');
        const p = row?.['always-valid p'] ?? 'missing';
        expect(l).toContain(`always-valid p ${p.startsWith('<') ? p : `= ${p}`}`);
      }
    }
  });

  it('puts the deciding figure first, labelled, and the others as secondary', () => {
    const r = branchHarm(1);
    const text = formatResults(r);
    expect(text).toMatch(
      /^Decided by: fixed-horizon test, alpha 0.05, Holm correction over 2 goal comparisons/m,
    );
    const rows = table(text, 'metric');
    const header = text.split('\n').find((l) => l.startsWith('metric')) ?? '';
    expect(header.indexOf('deciding p')).toBeLessThan(header.indexOf('secondary: chance to win'));
    const primary = rows.find((x) => x.metric === 'Loan applications (primary)');
    const c = r.metrics[0].comparisons[0];
    // Two goal comparisons: the Holm-adjusted p decides, the raw one is secondary.
    expect(primary?.['deciding p']).toMatch(/^adjusted p /);
    expect(primary?.['deciding p']).toContain(String(Number(c.adjustedPValue?.holm.toFixed(2))));
    expect(primary?.['secondary: p (unadjusted)']).toMatch(/^p /);
    // The guardrail metric's row is decided by its guardrail check, not by the row's own test.
    const guardrail = rows.find((x) => x.metric === 'Complaints (guardrail)');
    expect(guardrail?.['deciding p']).toMatch(/^always-valid p /);
    expect(guardrail?.significant).toBe(r.guardrails[0].status);
  });

  it('never prints a capped sequential p as 1.0000', () => {
    const r = sequentialRun(4, 0.0);
    expect(r.metrics[0].comparisons[0].relative.pValue).toBe(1);
    const text = formatResults(r);
    expect(text).not.toMatch(/1\.0000/);
    const primary = table(text, 'metric').find((x) => x.metric === 'Loan applications (primary)');
    expect(primary?.['deciding p']).toBe('adjusted always-valid p > 0.99');
    expect(text).toContain('adjusted always-valid p > 0.99), not significant.');
  });
});

describe('keep running: how long', () => {
  it('says about how many more days at the rate so far, as the power module computes it', () => {
    const r = sequentialRun(2, 0.15);
    expect(r.verdict.decision).toBe('keep-running');
    const primary = r.metrics[0];
    const [control, treated] = primary.variants;
    const c = primary.comparisons[0];
    // The per-unit variance the projection uses comes from the comparison's se; for a
    // conversion with arms of about equal size it is close to the mean of the arms' p(1 − p).
    const variance = (c.absolute.se ** 2 * control.units * treated.units) / (control.units + treated.units);
    const binomial = (control.mean * (1 - control.mean) + treated.mean * (1 - treated.mean)) / 2;
    expect(Math.abs(variance / binomial - 1)).toBeLessThan(0.02);
    const required = sequentialSampleSizePerArm(
      { kind: 'mean', mean: control.mean, variance },
      Math.abs(c.relative.estimate),
      { alpha: 0.05 / 2, power: 0.8 },
    );
    const perArm = Math.min(control.units, treated.units);
    const days = daysToReach(required ?? 0, perArm, perArm / 10);
    const text = formatResults(r, { daysSoFar: 10 });
    expect(text).toContain(
      `banner: keep running, about ${days} more days at the rate so far (${Math.round(perArm / 10)} units per arm a day) to detect a ${Number((Math.abs(c.relative.estimate) * 100).toFixed(1))}% lift`,
    );
    // Without a start date there is no estimate; with a ship verdict there is none either.
    expect(formatResults(r)).not.toContain('more days');
    expect(formatResults(sequentialRun(6, 0.15), { daysSoFar: 10 })).not.toContain('more days');
  });

  it('says when the lift seen so far is too small to confirm, and what could be detected', () => {
    const text = formatResults(sequentialRun(4, 0.08), { daysSoFar: 10 });
    expect(text).toMatch(
      /banner: the \d+(\.\d)?% lift seen so far is too small to confirm within 90 days at the rate so far; by then a lift of \d+(\.\d)?% or more would be detected/,
    );
  });

  it('reads the start date from the experiment, through the API client', async () => {
    const r = sequentialRun(2, 0.15);
    const started = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const asked: string[] = [];
    const api: ApiClient = {
      async get<T>(path: string): Promise<T> {
        asked.push(path);
        return (path.endsWith('/results') ? r : { startedAt: started }) as T;
      },
      find: async () => null,
      post: async () => {
        throw new Error('no writes');
      },
      put: async () => {
        throw new Error('no writes');
      },
    };
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    expect(await runResults(api, 'loan-banner', { json: false }, sink, sink)).toBe(0);
    expect(asked).toEqual([
      '/api/admin/experiments/loan-banner/results',
      '/api/admin/experiments/loan-banner',
    ]);
    expect(out).toMatch(/banner: keep running, about \d+ more days/);
  });
});
