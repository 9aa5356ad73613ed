/**
 * How the CLI and the console read one results document, so both tell the same story: which
 * test decides each row and the figure it decided on (the others labelled secondary), guardrail
 * harm on any channel, the verdict's explanation as structured parts each client renders in its
 * language, and, while an experiment keeps running, the days it likely still needs. Pure: reads
 * the payload the results endpoint serves, changes nothing in it.
 */

import type {
  ExperimentResults,
  GuardrailCheck,
  MetricComparison,
  MetricResult,
  TestKind,
} from '../experiments/results-types';
import { formatChance, guardrailBlocks, quoteChance } from '../experiments/verdict';
import type { AnalysisEngine } from '../model/experiment';
import {
  type Baseline,
  daysToReach,
  minimumDetectableEffect,
  sampleSizePerArm,
  sequentialSampleSizePerArm,
} from '../stats/power';

/** A p-value as a statistician prints it: "< 0.001", "0.031", "0.57", "> 0.99". */
export function formatP(p: number): string {
  if (!(p >= 0.001)) return '< 0.001';
  if (p > 0.99) return '> 0.99';
  if (p < 0.1) return p.toFixed(3);
  return p.toFixed(2);
}

/** "= 0.031", "< 0.001" or "> 0.99": a p-value after its label. */
export function quoteP(p: number): string {
  const text = formatP(p);
  return text.startsWith('<') || text.startsWith('>') ? text : `= ${text}`;
}

/** What a p-value is: the experiment's test, Holm-adjusted or not, or the guardrails' always-valid test. */
export type PLabel = 'p' | 'adjusted p' | 'always-valid p' | 'adjusted always-valid p';

export function pLabel(test: TestKind, adjusted: boolean): PLabel {
  if (test === 'sequential') return adjusted ? 'adjusted always-valid p' : 'always-valid p';
  return adjusted ? 'adjusted p' : 'p';
}

export { formatChance, quoteChance };

/** What a Bayesian figure is: the goal metrics' chance to beat control, a guardrail's chance of harm. */
export type ChanceLabel = 'chance to beat control' | 'chance of harm';

/** The label of any deciding figure. */
export type FigureLabel = PLabel | ChanceLabel;

/** The engine a document's verdict decides by (documents from before the engine say frequentist). */
export function engineOf(results: { engine?: ExperimentResults['engine'] }): AnalysisEngine {
  return results.engine?.name === 'bayesian' ? 'bayesian' : 'frequentist';
}

function thresholdOf(results: { engine?: ExperimentResults['engine'] }): number {
  return results.engine?.chanceThreshold ?? 0.95;
}

/** The figure that decided a row, and the level it was compared with. */
export interface DecidingFigure {
  label: FigureLabel;
  /** A p-value, or (kind `chance`) a posterior probability. */
  kind: 'p' | 'chance';
  /** The figure's value: the p-value, or the chance. */
  p: number;
  level: number;
  significant: boolean;
  /** Who decided: the experiment's test on a goal metric, or the guardrail check. */
  by: 'goal-test' | 'guardrail-check';
  /** Guardrail checks only: their status in the row's scope. */
  status: GuardrailCheck['status'] | null;
}

/** A deciding figure as printed after its label: "always-valid p < 0.001", "chance to beat control 0.957". */
export function formatFigure(figure: Pick<DecidingFigure, 'kind' | 'p'>): string {
  return figure.kind === 'chance' ? formatChance(figure.p) : formatP(figure.p);
}

/** "= 0.031" / "> 0.99": a figure's value after its label inside a sentence. */
export function quoteFigure(figure: Pick<DecidingFigure, 'kind' | 'p'>): string {
  return figure.kind === 'chance' ? quoteChance(figure.p) : quoteP(figure.p);
}

/** How many goal comparisons the Holm correction spans (goal metrics × treatments). */
export function goalComparisons(scope: { metrics: MetricResult[] }): number {
  return scope.metrics.filter((m) => m.role !== 'guardrail').reduce((n, m) => n + m.comparisons.length, 0);
}

/**
 * The deciding figure of one metric row. A goal metric is decided by the experiment's test, Holm-
 * adjusted when the family has more than one comparison; a guardrail metric by its guardrail check
 * (always-valid p at the Bonferroni level), which is the figure the verdict quotes. Under the
 * Bayesian engine a goal metric is decided by its chance to beat control against the plan's
 * threshold, and a guardrail not degraded by the always-valid rule by its chance of harm.
 */
export function decidingFigure(
  results: ExperimentResults,
  scope: { metrics: MetricResult[]; guardrails: GuardrailCheck[] },
  channel: string | null,
  metric: MetricResult,
  c: MetricComparison,
): DecidingFigure | null {
  if (c.error !== null) return null;
  if (metric.role === 'guardrail') {
    const check = scope.guardrails.find(
      (g) => g.metric === metric.key && g.variant === c.variant && g.channel === channel,
    );
    if (!check || check.evidence.error !== null || check.status === 'insufficient-data') return null;
    if (engineOf(results) === 'bayesian' && check.status !== 'degraded') {
      const chance = check.evidence.chanceOfHarm ?? 0;
      return {
        label: 'chance of harm',
        kind: 'chance',
        p: chance,
        level: thresholdOf(results),
        significant: chance >= thresholdOf(results),
        by: 'guardrail-check',
        status: check.status,
      };
    }
    return {
      label: 'always-valid p',
      kind: 'p',
      p: check.evidence.pValue,
      level: check.evidence.alpha,
      significant: check.evidence.pValue < check.evidence.alpha,
      by: 'guardrail-check',
      status: check.status,
    };
  }
  if (engineOf(results) === 'bayesian') {
    return {
      label: 'chance to beat control',
      kind: 'chance',
      p: c.chanceToWin,
      level: thresholdOf(results),
      significant: c.significant,
      by: 'goal-test',
      status: null,
    };
  }
  const adjusted = goalComparisons(scope) > 1 && c.adjustedPValue !== null;
  return {
    label: pLabel(c.test, adjusted),
    kind: 'p',
    p: adjusted && c.adjustedPValue ? c.adjustedPValue.holm : c.relative.pValue,
    level: results.analysis.alpha,
    significant: c.significant,
    by: 'goal-test',
    status: null,
  };
}

/** A guardrail check that tripped, with its scope. */
export interface Harm {
  metric: string;
  metricName: string;
  variant: string;
  /** null: all channels together. */
  channel: string | null;
  change: number;
  harm: number;
  p: number;
  level: number;
  tolerance: number;
  /**
   * null: degraded by the always-valid rule (p, level). A number: the Bayesian engine's chance of
   * harm beyond the tolerance, which reached the threshold (in `level`) while the check is ok.
   */
  chanceOfHarm: number | null;
}

function metricNames(results: ExperimentResults): Map<string, string> {
  return new Map(results.metrics.map((m) => [m.key, m.name]));
}

/** Every guardrail check of the document (top level, then each channel), once each. */
export function allGuardrailChecks(results: ExperimentResults): GuardrailCheck[] {
  const seen = new Set<string>();
  const out: GuardrailCheck[] = [];
  for (const g of [...results.guardrails, ...results.breakdown.flatMap((b) => b.guardrails)]) {
    const id = `${g.metric}\u0000${g.variant}\u0000${g.channel ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(g);
  }
  return out;
}

/**
 * Guardrails that stop a treatment (degraded; under the Bayesian engine also a chance of harm at
 * the threshold), all channels first, then per channel in the document's order.
 */
export function harms(results: ExperimentResults): Harm[] {
  const names = metricNames(results);
  const engine = engineOf(results);
  const threshold = thresholdOf(results);
  return allGuardrailChecks(results)
    .filter((g) => guardrailBlocks(g, engine, threshold))
    .sort((a, b) => Number(a.channel !== null) - Number(b.channel !== null))
    .map((g) => ({
      metric: g.metric,
      metricName: names.get(g.metric) ?? g.metric,
      variant: g.variant,
      channel: g.channel,
      change: g.evidence.relativeChange,
      harm: g.evidence.harm,
      p: g.evidence.pValue,
      level: g.status === 'degraded' ? g.evidence.alpha : threshold,
      tolerance: g.evidence.tolerance,
      chanceOfHarm: g.status === 'degraded' ? null : (g.evidence.chanceOfHarm ?? 0),
    }));
}

/** One guardrail × treatment in the scope, with what each channel says beside the overall status. */
export interface GuardrailSummary {
  check: GuardrailCheck;
  metricName: string;
  degradedOn: string[];
  pendingOn: string[];
}

export function guardrailSummaries(results: ExperimentResults): GuardrailSummary[] {
  const names = metricNames(results);
  const perChannel = results.breakdown.flatMap((b) => b.guardrails);
  return results.guardrails.map((check) => {
    const own = perChannel.filter(
      (g) => g.metric === check.metric && g.variant === check.variant && g.channel !== check.channel,
    );
    return {
      check,
      metricName: names.get(check.metric) ?? check.metric,
      degradedOn: own.filter((g) => g.status === 'degraded').map((g) => g.channel ?? ''),
      pendingOn: own.filter((g) => g.status === 'insufficient-data').map((g) => g.channel ?? ''),
    };
  });
}

/** One sentence of the verdict's explanation: a code and its parameters, rendered by each client. */
export type ReasonPart =
  | { code: 'srm'; channel: string | null; p: number }
  | { code: 'primary-missing' }
  | { code: 'no-units'; channel: string | null }
  | {
      code: 'lift';
      variant: string;
      metric: string;
      channel: string | null;
      lift: number;
      lower: number;
      upper: number;
      /** Confidence of the interval (0.95). */
      confidence: number;
      label: FigureLabel;
      /** The label's figure: a p-value, or the chance to beat control. */
      p: number;
      significant: boolean;
      /** A confidence interval (frequentist), or the posterior's credible interval (Bayesian). */
      interval?: 'confidence' | 'credible';
      /** Bayesian: the chance to beat control the decision needs. */
      threshold?: number;
    }
  | { code: 'not-enough-data'; variant: string; metric: string }
  | {
      code: 'guardrail-harm';
      variant: string;
      metric: string;
      channel: string | null;
      change: number;
      p: number;
      level: number;
      tolerance: number;
      /** Bayesian: the chance of harm beyond the tolerance that stopped it (null: the always-valid rule). */
      chanceOfHarm?: number | null;
    }
  | { code: 'guardrails-clean'; pending: string[]; acrossChannels: boolean }
  | {
      code: 'decided-by';
      test: TestKind;
      alpha: number;
      comparisons: number;
      guardrailLevel: number | null;
      /** Absent: frequentist. */
      engine?: AnalysisEngine;
      /** Bayesian: the chance to beat control a winner needs. */
      threshold?: number;
    };

/**
 * The verdict's explanation from the document's structured parts: why the top-level decision is
 * what the server says it is, quoting the same figures the rows show.
 */
export function explainVerdict(results: ExperimentResults): ReasonPart[] {
  const scope = results.channel;
  const names = metricNames(results);
  if (results.srm.detected) return [{ code: 'srm', channel: scope, p: results.srm.pValue }];
  const broken = results.breakdown.find((b) => b.srm.detected && b.channel !== scope);
  if (broken && scope === null) return [{ code: 'srm', channel: broken.channel, p: broken.srm.pValue }];
  const primary = results.metrics.find((m) => m.role === 'primary');
  if (!primary) return [{ code: 'primary-missing' }];
  if (primary.comparisons.length === 0 || primary.variants.every((v) => v.units === 0)) {
    return [{ code: 'no-units', channel: scope }];
  }
  const parts: ReasonPart[] = [];
  const ordered = [...primary.comparisons].sort(
    (a, b) => Number(b.variant === results.verdict.variant) - Number(a.variant === results.verdict.variant),
  );
  for (const c of ordered) {
    const figure = decidingFigure(results, results, scope, primary, c);
    if (!figure) {
      parts.push({ code: 'not-enough-data', variant: c.variant, metric: primary.name });
      continue;
    }
    const credible = figure.kind === 'chance';
    const interval = credible ? (c.posterior ?? c.relative) : c.relative;
    parts.push({
      code: 'lift',
      variant: c.variant,
      metric: primary.name,
      channel: scope,
      lift: c.relative.estimate,
      lower: interval.ciLower,
      upper: interval.ciUpper,
      confidence: 1 - results.analysis.alpha,
      label: figure.label,
      p: figure.p,
      significant: figure.significant,
      ...(credible ? { interval: 'credible' as const, threshold: figure.level } : {}),
    });
  }
  const harmful = harms(results);
  for (const h of harmful) {
    parts.push({
      code: 'guardrail-harm',
      variant: h.variant,
      metric: h.metricName,
      channel: h.channel,
      change: h.change,
      p: h.p,
      level: h.level,
      tolerance: h.tolerance,
      ...(h.chanceOfHarm === null ? {} : { chanceOfHarm: h.chanceOfHarm }),
    });
  }
  if (harmful.length === 0 && results.guardrails.length > 0) {
    const pending = [
      ...new Set(
        results.guardrails
          .filter((g) => g.status === 'insufficient-data')
          .map((g) => names.get(g.metric) ?? g.metric),
      ),
    ];
    parts.push({ code: 'guardrails-clean', pending, acrossChannels: results.breakdown.length > 0 });
  }
  parts.push({
    code: 'decided-by',
    test: results.analysis.test,
    alpha: results.analysis.alpha,
    comparisons: goalComparisons(results),
    guardrailLevel: results.guardrails.length > 0 ? results.analysis.guardrailAlpha : null,
    ...(engineOf(results) === 'bayesian'
      ? { engine: 'bayesian' as const, threshold: thresholdOf(results) }
      : {}),
  });
  return parts;
}

/** The results document as seen from one channel of its breakdown (for that channel's verdict). */
export function channelView(results: ExperimentResults, channel: string): ExperimentResults | null {
  const b = results.breakdown.find((x) => x.channel === channel);
  if (!b) return null;
  return { ...results, ...b, channel: b.channel, breakdown: [], channelVerdicts: [] };
}

/** What "keep running" means in days, for the primary metric of one treatment. */
export type Projection =
  | {
      kind: 'days';
      variant: string;
      /** The relative lift it is sized for (the one seen so far, as a magnitude). */
      lift: number;
      moreDays: number;
      requiredPerArm: number;
      dailyPerArm: number;
    }
  | {
      /** The lift seen so far is too small to confirm within `horizonDays`: what could be detected then. */
      kind: 'too-small';
      variant: string;
      lift: number;
      horizonDays: number;
      detectable: number;
      dailyPerArm: number;
    }
  | { kind: 'no-traffic'; variant: string };

export const PROJECTION_POWER = 0.8;
/** Beyond this many more days an estimate says more about the lift than about the calendar. */
export const PROJECTION_HORIZON_DAYS = 90;

const DAY_MS = 86_400_000;

/** Whole days (at least 1) between the start and now. */
export function daysRunning(startedAt: string | null | undefined, now: number): number | null {
  const start = startedAt ? Date.parse(startedAt) : Number.NaN;
  if (!Number.isFinite(start) || now <= start) return null;
  return Math.max(1, (now - start) / DAY_MS);
}

/**
 * For a keep-running verdict: per treatment of the primary metric, about how many more days at
 * the rate so far until the test the experiment runs is likely (power 0.8) to decide on the lift
 * seen so far. The baseline is the control's mean; the per-unit variance comes from the
 * comparison's standard error (so CUPED and ratio metrics are sized as the engine tests them),
 * σ² = se² · n_c · n_t / (n_c + n_t). The level is alpha / (goal comparisons), Holm's first step.
 * Empty when the verdict is not keep-running or nothing can be said.
 */
export function projectDecision(results: ExperimentResults, daysSoFar: number | null): Projection[] {
  if (results.verdict.decision !== 'keep-running' || daysSoFar === null || !(daysSoFar > 0)) return [];
  const primary = results.metrics.find((m) => m.role === 'primary');
  const control = primary?.variants[0];
  if (!primary || !control) return [];
  const k = Math.max(1, goalComparisons(results));
  const settings = { alpha: results.analysis.alpha / k, power: PROJECTION_POWER };
  const out: Projection[] = [];
  for (const c of primary.comparisons) {
    const treated = primary.variants.find((v) => v.variant === c.variant);
    if (!treated) continue;
    const nc = control.units;
    const nt = treated.units;
    const perArmNow = Math.min(nc, nt);
    const dailyPerArm = perArmNow / daysSoFar;
    if (!(dailyPerArm > 0)) {
      out.push({ kind: 'no-traffic', variant: c.variant });
      continue;
    }
    const se = c.absolute.se;
    if (c.error !== null || !(se > 0) || !(control.mean !== 0)) continue;
    const baseline: Baseline = {
      kind: 'mean',
      mean: control.mean,
      variance: (se * se * nc * nt) / (nc + nt),
    };
    const lift = Math.abs(c.relative.estimate);
    const size = (l: number) =>
      results.analysis.test === 'sequential'
        ? sequentialSampleSizePerArm(baseline, l, settings, results.analysis.sequentialTuning ?? undefined)
        : sampleSizePerArm(baseline, l, settings);
    const required = lift > 0 ? size(lift) : null;
    const moreDays = required === null ? null : daysToReach(required, perArmNow, dailyPerArm);
    if (required !== null && moreDays !== null && moreDays <= PROJECTION_HORIZON_DAYS) {
      out.push({ kind: 'days', variant: c.variant, lift, moreDays, requiredPerArm: required, dailyPerArm });
      continue;
    }
    const horizonPerArm = perArmNow + dailyPerArm * PROJECTION_HORIZON_DAYS;
    const detectable = detectableAt(baseline, horizonPerArm, settings, results.analysis.test, size);
    if (detectable === null) continue;
    out.push({
      kind: 'too-small',
      variant: c.variant,
      lift,
      horizonDays: PROJECTION_HORIZON_DAYS,
      detectable,
      dailyPerArm,
    });
  }
  return out;
}

/** The smallest lift whose sample size (by `size`) fits in `perArm` units. */
function detectableAt(
  baseline: Baseline,
  perArm: number,
  settings: { alpha: number; power: number },
  test: TestKind,
  size: (lift: number) => number | null,
): number | null {
  const fixed = minimumDetectableEffect(baseline, perArm, settings);
  if (fixed === null || test !== 'sequential') return fixed;
  // The sequential size is monotone in the lift: bisect between the fixed MDE and 10× it.
  let low = fixed;
  let high = fixed * 10;
  if ((size(high) ?? Number.POSITIVE_INFINITY) > perArm) return null;
  for (let i = 0; i < 60; i += 1) {
    const mid = (low + high) / 2;
    if ((size(mid) ?? Number.POSITIVE_INFINITY) <= perArm) high = mid;
    else low = mid;
  }
  return high;
}

/** The interval a row shows: the confidence interval, or under the Bayesian engine the credible one. */
export function intervalOf(
  results: { engine?: ExperimentResults['engine'] },
  c: MetricComparison,
): { ciLower: number; ciUpper: number } {
  return engineOf(results) === 'bayesian' ? (c.posterior ?? c.relative) : c.relative;
}

/** One row of the per-channel table: a primary or guardrail metric × treatment on one channel. */
export interface ChannelRow {
  metric: string;
  metricName: string;
  role: MetricResult['role'];
  variant: string;
  channel: string;
  /** null without data on the channel. */
  lift: number | null;
  lower: number | null;
  upper: number | null;
  figure: DecidingFigure | null;
  /** harm: a degraded guardrail; better/worse: the deciding figure is significant that way. */
  tone: 'harm' | 'better' | 'worse' | 'none' | 'pending';
}

/**
 * Every guardrail and the primary metric on every channel of the breakdown, each decided as on the
 * channel's own scope (its guardrail check, or the experiment's test): harm on one channel is a row
 * of its own, not hidden in the total.
 */
export function channelRows(results: ExperimentResults): ChannelRow[] {
  const rows: ChannelRow[] = [];
  const keys = results.metrics
    .filter((m) => m.role === 'primary' || m.role === 'guardrail')
    .map((m) => m.key);
  const guardrailKeys = new Set(results.guardrails.map((g) => g.metric));
  for (const key of keys) {
    for (const b of results.breakdown) {
      const view = channelView(results, b.channel);
      const metric = b.metrics.find((m) => m.key === key);
      if (!view || !metric) continue;
      for (const c of metric.comparisons) {
        // A goal metric that is also a guardrail shows its guardrail check's figure on the channel.
        const asGuardrail = guardrailKeys.has(key) ? { ...metric, role: 'guardrail' as const } : metric;
        const figure = decidingFigure(view, b, b.channel, asGuardrail, c);
        const check = b.guardrails.find((g) => g.metric === key && g.variant === c.variant);
        const tone: ChannelRow['tone'] =
          check && guardrailBlocks(check, engineOf(results), thresholdOf(results))
            ? 'harm'
            : c.error !== null || !figure
              ? 'pending'
              : figure.significant
                ? c.improved
                  ? 'better'
                  : 'worse'
                : 'none';
        rows.push({
          metric: key,
          metricName: metric.name,
          role: metric.role,
          variant: c.variant,
          channel: b.channel,
          lift: c.error === null ? c.relative.estimate : null,
          lower: c.error === null ? intervalOf(results, c).ciLower : null,
          upper: c.error === null ? intervalOf(results, c).ciUpper : null,
          figure,
          tone,
        });
      }
    }
  }
  return rows;
}
