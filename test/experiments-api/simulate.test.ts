/**
 * `npm run simulate`: it fills the platform with a realistic experiment, a rerun changes no total,
 * and it has --help.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { simulate } from '../../local/simulate';
import type { ExperimentResults } from '../../shared/experiments/results-types';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

it('npm run simulate fills the platform with a realistic experiment, and a rerun changes no total', async () => {
  const lines: string[] = [];
  // 500 customers (1,483 events, each sent twice) exercise the same path as 1,500 did (4,304): all
  // 500 exposed, every channel with customers in both arms (the fewest, branch: 22 and 17).
  const args = [
    '--customers',
    '500',
    '--url',
    p.url,
    '--admin-token',
    p.tokens.admin,
    '--client-token',
    p.tokens.client,
  ];
  expect(await simulate(args, (l) => lines.push(l))).toBe(0);
  const output = lines.join('\n');
  expect(output).toMatch(/Events: \d+ accepted, 0 duplicates, 0 rejected/);
  expect(output).toContain('Verdict:');
  const first = await bodyOf<ExperimentResults>(
    await p.call('GET', '/api/admin/experiments/loan-banner-simulation/results', {
      token: p.tokens.productOwner,
    }),
  );
  expect(first.units).toBeGreaterThan(450);
  expect(first.breakdown.map((c) => c.channel).sort()).toEqual([
    'branch',
    'call_center',
    'mobile',
    'web',
    'wechat',
  ]);

  // Cumulative results by day of the events: growing, and ending where the results stand.
  const history = await bodyOf<{
    points: { at: string; metric: string; variant: string; units: number; relative: { estimate: number } }[];
  }>(
    await p.call('GET', '/api/admin/experiments/loan-banner-simulation/results/history', {
      token: p.tokens.productOwner,
    }),
  );
  const primary = history.points.filter(
    (pt) => pt.metric === 'loan_application_submitted' && pt.variant === 'banner',
  );
  expect(primary.length).toBeGreaterThan(5);
  expect(primary.map((pt) => pt.at)).toEqual([...primary.map((pt) => pt.at)].sort());
  for (let i = 1; i < primary.length; i++)
    expect(primary[i].units).toBeGreaterThanOrEqual(primary[i - 1].units);
  const final = first.metrics.find((m) => m.key === 'loan_application_submitted')!.comparisons[0];
  expect(primary.at(-1)!.relative.estimate).toBeCloseTo(final.relative.estimate, 10);

  lines.length = 0;
  expect(await simulate(args, (l) => lines.push(l))).toBe(0);
  expect(lines.join('\n')).toMatch(/Events: 0 accepted, \d+ duplicates, 0 rejected/);
  const second = await bodyOf<ExperimentResults>(
    await p.call('GET', '/api/admin/experiments/loan-banner-simulation/results', {
      token: p.tokens.productOwner,
    }),
  );
  expect(second.metrics).toEqual(first.metrics);
}, 120_000);

it('has --help', async () => {
  const lines: string[] = [];
  expect(await simulate(['--help'], (l) => lines.push(l))).toBe(0);
  expect(lines[0]).toContain('Usage: npm run simulate');
});
