/** The console's pure parts: targeting edits, filters, the results CSV and the dictionaries. */
import { describe, expect, it } from 'vitest';
import { filterFlags, rolloutOf, strategiesFor, targetingOf } from '../../console/src/flag-state';
import { DICTIONARIES, formatters, translator } from '../../console/src/i18n';
import { forestRows, resultsCsv } from '../../console/src/results-view';
import { parseRoute } from '../../console/src/router';
import type { ExperimentResults, Flag, MetricResult, ScopeResults } from '../../console/src/types';

function flag(name: string, changes: Partial<Flag> = {}): Flag {
  return {
    name,
    description: '',
    squad: 'payments',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: { development: { enabled: true, channels: {}, strategies: [] } },
    archived: false,
    version: 1,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    ...changes,
  };
}

describe('targeting', () => {
  it('reads no strategy as 100%, one rollout as its percentage, anything richer as custom', () => {
    expect(rolloutOf({ enabled: true, channels: {}, strategies: [] })).toBe(100);
    expect(
      rolloutOf({
        enabled: true,
        channels: {},
        strategies: [{ name: 'flexibleRollout', parameters: { rollout: '25' } }],
      }),
    ).toBe(25);
    expect(
      rolloutOf({ enabled: true, channels: {}, strategies: [{ name: 'default' }, { name: 'userWithId' }] }),
    ).toBeNull();
  });

  it('writes everyone as no strategy, and a partial rollout sticky on the customer, grouped by flag', () => {
    const f = flag('loan-banner');
    expect(strategiesFor(f, { rollout: 100, constraints: [], segments: [] })).toEqual([]);
    const s = strategiesFor(f, {
      rollout: 5,
      constraints: [{ contextName: 'region', operator: 'IN', values: ['sh'] }],
      segments: [3],
    });
    expect(s).toEqual([
      {
        name: 'flexibleRollout',
        parameters: { rollout: '5', stickiness: 'default', groupId: 'loan-banner' },
        constraints: [{ contextName: 'region', operator: 'IN', values: ['sh'] }],
        segments: [3],
      },
    ]);
    expect(targetingOf({ enabled: true, channels: {}, strategies: s })).toEqual({
      rollout: 5,
      constraints: [{ contextName: 'region', operator: 'IN', values: ['sh'] }],
      segments: [3],
    });
  });

  it('filters by squad, tag and text, leaves archived flags out, sorts by name', () => {
    const flags = [
      flag('b-flag', { tags: ['loans'] }),
      flag('a-flag', { squad: 'cards', description: 'Cashback tile' }),
      flag('c-flag', { archived: true }),
    ];
    expect(filterFlags(flags, { query: '', squad: '', tag: '' }).map((f) => f.name)).toEqual([
      'a-flag',
      'b-flag',
    ]);
    expect(filterFlags(flags, { query: 'cashback', squad: '', tag: '' }).map((f) => f.name)).toEqual([
      'a-flag',
    ]);
    expect(filterFlags(flags, { query: '', squad: 'payments', tag: 'loans' }).map((f) => f.name)).toEqual([
      'b-flag',
    ]);
  });
});

describe('routes', () => {
  it('parses hash routes, decoding keys', () => {
    expect(parseRoute('')).toEqual({ page: 'flags' });
    expect(parseRoute('#/flags/a%2Fb')).toEqual({ page: 'flag', name: 'a/b' });
    expect(parseRoute('#/experiments')).toEqual({ page: 'experiments' });
    expect(parseRoute('#/experiments/loan.v2?x=1')).toEqual({ page: 'experiment', key: 'loan.v2' });
  });
});

describe('i18n', () => {
  it('has every English key in Chinese, non-empty, with the same placeholders', () => {
    const en = DICTIONARIES.en;
    const zh = DICTIONARIES['zh-CN'];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('fills placeholders and formats lifts with a sign', () => {
    expect(translator('zh-CN')('results.decision.ship', { variant: 'b' })).toBe('发布 b');
    expect(formatters('en').percent(0.041, { signed: true })).toBe('+4.1%');
    expect(formatters('en').percent(-0.1, { signed: true })).toBe('-10.0%');
    expect(formatters('zh-CN').number(12345)).toBe('12,345');
  });
});

describe('results', () => {
  const interval = (estimate: number) => ({
    estimate,
    se: 0.01,
    ciLower: estimate - 0.25,
    ciUpper: estimate + 0.25,
    pValue: 0.01,
  });
  const metric: MetricResult = {
    key: 'loan_submitted',
    name: 'Loan, submitted',
    role: 'primary',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
    variants: [
      { variant: 'control', units: 100, mean: 0.1 },
      { variant: 'banner', units: 100, mean: 0.13 },
    ],
    comparisons: [
      {
        variant: 'banner',
        error: null,
        test: 'sequential',
        absolute: interval(0.03),
        relative: interval(0.5),
        cupedTheta: null,
        adjustedPValue: { holm: 0.02, bh: 0.02 },
        significant: true,
        improved: true,
        chanceToWin: 0.99,
        risk: { ship: 0, keep: 0.1 },
      },
    ],
  };
  const scope: ScopeResults = {
    units: 200,
    variants: [],
    srm: { pValue: 0.9, detected: false, units: [100, 100], expectedShares: [0.5, 0.5] },
    metrics: [metric],
    guardrails: [],
    verdict: { decision: 'ship', variant: 'banner', reason: 'banner raised it' },
  };
  const results = {
    ...scope,
    experiment: 'loan-banner',
    channel: null,
    breakdown: [{ ...scope, channel: 'branch' }],
    channelVerdicts: [],
    unknownVariants: [],
    missingMetrics: [],
  } as unknown as ExperimentResults;

  it('draws one forest row per metric and treatment, toned by significance and direction', () => {
    expect(forestRows(scope)).toMatchObject([
      {
        metric: 'loan_submitted',
        variant: 'banner',
        estimate: 0.5,
        lower: 0.25,
        upper: 0.75,
        tone: 'better',
      },
    ]);
  });

  it('writes a CSV row per scope, metric and variant, quoting commas', () => {
    const lines = resultsCsv(results).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'scope,metric,metric_name,role,variant,units,mean,relative_lift,relative_ci_lower,relative_ci_upper,absolute_lift,p_value,holm_adjusted_p,chance_to_win,significant,srm_detected,decision',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe('all,loan_submitted,"Loan, submitted",primary,control,100,0.1,,,,,,,,,false,ship');
    expect(lines[4]).toMatch(
      /^branch,loan_submitted,"Loan, submitted",primary,banner,100,0\.13,0\.5,0\.25,0\.75,/,
    );
  });
});
