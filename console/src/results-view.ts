/** What the results page shows, computed from the results document (pure, so it is unit-tested). */
import { csvCell } from '../../shared/model/csv-cell';
import { channelRows } from '../../shared/presentation/results-presentation';
import type { ExperimentResults, MetricComparison, MetricResult, ScopeResults } from './types';

export type Tone = 'better' | 'worse' | 'neutral';

export interface ForestRow {
  metric: string;
  metricName: string;
  role: MetricResult['role'];
  variant: string;
  estimate: number;
  lower: number;
  upper: number;
  pValue: number;
  chanceToWin: number;
  significant: boolean;
  tone: Tone;
}

export function toneOf(c: MetricComparison): Tone {
  if (!c.significant) return 'neutral';
  return c.improved ? 'better' : 'worse';
}

/**
 * A guardrail metric's row is decided by its guardrail check (always-valid interval and p, at the
 * guardrail level), so it shows that check's figures and tone rather than the row's own test.
 */
function guardrailRow(scope: ScopeResults, m: MetricResult, c: MetricComparison): ForestRow | null {
  if (m.role !== 'guardrail') return null;
  const g = scope.guardrails.find((x) => x.metric === m.key && x.variant === c.variant);
  if (!g || g.status === 'insufficient-data') return null;
  return {
    metric: m.key,
    metricName: m.name,
    role: m.role,
    variant: c.variant,
    estimate: g.evidence.relativeChange,
    lower: g.evidence.ciLower,
    upper: g.evidence.ciUpper,
    pValue: g.evidence.pValue,
    chanceToWin: c.chanceToWin,
    significant: g.status === 'degraded',
    tone: g.status === 'degraded' ? 'worse' : 'neutral',
  };
}

/** One row per metric and treatment variant; comparisons the engine could not make are left out. */
export function forestRows(scope: ScopeResults): ForestRow[] {
  return scope.metrics.flatMap((m) =>
    m.comparisons
      .filter((c) => c.error === null)
      .map(
        (c) =>
          guardrailRow(scope, m, c) ?? {
            metric: m.key,
            metricName: m.name,
            role: m.role,
            variant: c.variant,
            estimate: c.relative.estimate,
            lower: c.relative.ciLower,
            upper: c.relative.ciUpper,
            pValue: c.relative.pValue,
            chanceToWin: c.chanceToWin,
            significant: c.significant,
            tone: toneOf(c),
          },
      ),
  );
}

const CSV_COLUMNS = [
  'scope',
  'metric',
  'metric_name',
  'role',
  'variant',
  'units',
  'mean',
  'relative_lift',
  'relative_ci_lower',
  'relative_ci_upper',
  'absolute_lift',
  'p_value',
  'holm_adjusted_p',
  'chance_to_win',
  'significant',
  'srm_detected',
  'decision',
];

/**
 * Every scope (all channels, then each channel), metric and variant; the control's row has no lift.
 * Names and keys that look like formulas open as text (shared/model/csv-cell.ts).
 */
export function resultsCsv(results: ExperimentResults): string {
  const rows: (string | number | boolean | null)[][] = [CSV_COLUMNS];
  const scopes: [string, ScopeResults][] = [
    [results.channel ?? 'all', results],
    ...results.breakdown.map((b): [string, ScopeResults] => [b.channel, b]),
  ];
  for (const [scope, s] of scopes) {
    for (const m of s.metrics) {
      for (const v of m.variants) {
        const c = m.comparisons.find((x) => x.variant === v.variant);
        rows.push([
          scope,
          m.key,
          m.name,
          m.role,
          v.variant,
          v.units,
          v.mean,
          c && c.error === null ? c.relative.estimate : null,
          c && c.error === null ? c.relative.ciLower : null,
          c && c.error === null ? c.relative.ciUpper : null,
          c && c.error === null ? c.absolute.estimate : null,
          c && c.error === null ? c.relative.pValue : null,
          c?.adjustedPValue?.holm ?? null,
          c ? c.chanceToWin : null,
          c ? c.significant : null,
          s.srm.detected,
          s.verdict.decision,
        ]);
      }
    }
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const CHANNEL_CSV_COLUMNS = [
  'channel',
  'metric',
  'metric_name',
  'role',
  'variant',
  'relative_lift',
  'relative_ci_lower',
  'relative_ci_upper',
  'deciding_label',
  'deciding_p',
  'status',
  'channel_advice',
  'channel_advice_reason',
];

/**
 * Channels first, as a spreadsheet: every primary and guardrail metric on every channel with its
 * deciding figure and status (harm for a degraded guardrail), and the channel's advice.
 */
export function channelsCsv(results: ExperimentResults): string {
  const rows: (string | number | boolean | null)[][] = [CHANNEL_CSV_COLUMNS];
  const fit = results.channelAnalysis?.fit.channels ?? [];
  for (const r of channelRows(results)) {
    const advice = fit.find((x) => x.channel === r.channel);
    rows.push([
      r.channel,
      r.metric,
      r.metricName,
      r.role,
      r.variant,
      r.lift,
      r.lower,
      r.upper,
      r.figure?.label ?? null,
      r.figure?.p ?? null,
      r.tone,
      advice?.advice ?? null,
      advice?.because ?? null,
    ]);
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
