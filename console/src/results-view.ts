/** What the results page shows, computed from the results document (pure, so it is unit-tested). */
import { csvCell } from '../../shared/model/csv-cell';
import {
  channelRows,
  decidingFigure,
  engineOf,
  intervalOf,
} from '../../shared/presentation/results-presentation';
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

/**
 * One row per metric and treatment variant; comparisons the engine could not make are left out.
 * With the document's analysis, a goal row shows its engine's interval (Bayesian: the credible one).
 */
export function forestRows(scope: ScopeResults & { engine?: ExperimentResults['engine'] }): ForestRow[] {
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
            lower: intervalOf(scope, c).ciLower,
            upper: intervalOf(scope, c).ciUpper,
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

/** A Bayesian document's extra columns: the figures its verdict decides by. */
const BAYESIAN_CSV_COLUMNS = [
  'engine',
  'deciding_label',
  'deciding_value',
  'credible_lower',
  'credible_upper',
  'risk_if_shipped',
  'risk_if_kept',
];

/**
 * Every scope (all channels, then each channel), metric and variant; the control's row has no lift.
 * Names and keys that look like formulas open as text (shared/model/csv-cell.ts).
 */
export function resultsCsv(results: ExperimentResults): string {
  const bayesian = engineOf(results) === 'bayesian';
  const rows: (string | number | boolean | null)[][] = [
    bayesian ? [...CSV_COLUMNS, ...BAYESIAN_CSV_COLUMNS] : CSV_COLUMNS,
  ];
  const scopes: [string, ScopeResults][] = [
    [results.channel ?? 'all', results],
    ...results.breakdown.map((b): [string, ScopeResults] => [b.channel, b]),
  ];
  for (const [scope, s] of scopes) {
    for (const m of s.metrics) {
      for (const v of m.variants) {
        const c = m.comparisons.find((x) => x.variant === v.variant);
        const figure =
          bayesian && c && c.error === null
            ? decidingFigure(results, s, scope === 'all' ? results.channel : scope, m, c)
            : null;
        const posterior = c && c.error === null ? c.posterior : undefined;
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
          ...(bayesian
            ? [
                'bayesian',
                figure?.label ?? null,
                figure?.p ?? null,
                posterior?.ciLower ?? null,
                posterior?.ciUpper ?? null,
                c && c.error === null ? c.risk.ship : null,
                c && c.error === null ? c.risk.keep : null,
              ]
            : []),
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
  const bayesian = engineOf(results) === 'bayesian';
  // A Bayesian document's deciding figures are chances: deciding_p keeps only p-values (the
  // guardrails' always-valid rule) and deciding_value holds every figure.
  const rows: (string | number | boolean | null)[][] = [
    bayesian ? [...CHANNEL_CSV_COLUMNS, 'engine', 'deciding_value'] : CHANNEL_CSV_COLUMNS,
  ];
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
      r.figure && r.figure.kind === 'p' ? r.figure.p : null,
      r.tone,
      advice?.advice ?? null,
      advice?.because ?? null,
      ...(bayesian ? ['bayesian', r.figure?.p ?? null] : []),
    ]);
  }
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
