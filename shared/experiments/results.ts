/**
 * An experiment's results from its exact cell totals: per metric and treatment variant the lift
 * with its interval and p-value, the Bayesian chance to win, the multiple-comparison correction,
 * the sample-ratio check, the guardrails, a per-channel breakdown, and a verdict in plain words.
 * Pure and synchronous: reading results costs the same whatever the number of events behind them.
 */
import { type AnalysisEngine, analysisEngine, chanceThreshold, type Experiment } from '../model/experiment';
import type { MetricDefinition } from '../model/metric';
import { adjustPValues, srmTest } from '../stats';
import { channelFit, channelHeterogeneity } from './channel-fit';
import { experimentAlpha, experimentChannels, guardrailAlpha, guardrailChecks } from './guardrail';
import {
  experimentCells,
  restrictToChannel,
  unitsOf,
  type VariantChannelCells,
  variantTotals,
} from './results-cells';
import {
  type CompareSettings,
  compareMetric,
  observedMean,
  SEQUENTIAL_TUNING,
  testKind,
} from './results-compare';
import type {
  AssignmentMismatchCheck,
  ExperimentResults,
  GuardrailCheck,
  MetricComparison,
  MetricResult,
  MetricRole,
  ScopeResults,
  SrmCheck,
  VariantSummary,
} from './results-types';
import type { StatsVector } from './unit-state';
import { decideVerdict, guardrailBlocks } from './verdict';

export type * from './results-types';

export interface ResultsInput {
  experiment: Experiment;
  catalogue: readonly MetricDefinition[];
  /** Cell totals keyed by cellKey(experiment, variant, channel); other experiments' cells are ignored. */
  cells: ReadonlyMap<string, StatsVector>;
  /** Restrict the top-level results (and the breakdown) to this channel. */
  channel?: string;
  /** Exposures refused for naming a variant the platform does not assign, per channel. */
  assignmentMismatch?: ReadonlyMap<string, number>;
}

function mismatchCheck(experiment: Experiment, input: ResultsInput): AssignmentMismatchCheck {
  const counts = input.assignmentMismatch ?? new Map<string, number>();
  const order = [
    ...experiment.channels,
    ...[...counts.keys()].filter((c) => !experiment.channels.includes(c)),
  ];
  const channels = order
    .filter((c) => (input.channel === undefined || c === input.channel) && (counts.get(c) ?? 0) > 0)
    .map((channel) => ({ channel, exposures: counts.get(channel) ?? 0 }));
  return { total: channels.reduce((n, c) => n + c.exposures, 0), channels };
}

interface Context {
  experiment: Experiment;
  catalogue: ReadonlyMap<string, MetricDefinition>;
  settings: CompareSettings;
  engine: AnalysisEngine;
  /** Bayesian: the chance to beat control that decides. */
  threshold: number;
  /** The metrics analysed, in order: primary, secondary, then guardrails not already goals. */
  metrics: { metric: MetricDefinition; role: MetricRole }[];
  metricNames: ReadonlyMap<string, string>;
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function analysedMetrics(
  experiment: Experiment,
  catalogue: ReadonlyMap<string, MetricDefinition>,
): { metrics: Context['metrics']; missing: string[] } {
  const roles = new Map<string, MetricRole>();
  const assign = (key: string, role: MetricRole) => {
    if (!roles.has(key)) roles.set(key, role);
  };
  assign(experiment.primaryMetric, 'primary');
  for (const key of experiment.secondaryMetrics) assign(key, 'secondary');
  for (const g of experiment.guardrails) assign(g.metric, 'guardrail');
  const metrics: Context['metrics'] = [];
  const missing: string[] = [];
  for (const [key, role] of roles) {
    const metric = catalogue.get(key);
    if (metric) metrics.push({ metric, role });
    else missing.push(key);
  }
  return { metrics, missing };
}

function expectedShares(experiment: Experiment): number[] {
  const weights = experiment.variants.map((v) => (Number.isFinite(v.weight) && v.weight > 0 ? v.weight : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return weights.map(() => 1 / Math.max(1, weights.length));
  return weights.map((w) => w / total);
}

function variantSummaries(
  experiment: Experiment,
  totals: ReadonlyMap<string, StatsVector>,
): VariantSummary[] {
  const shares = expectedShares(experiment);
  const units = experiment.variants.map((v) => unitsOf(totals.get(v.name)));
  const all = units.reduce((a, b) => a + b, 0);
  return experiment.variants.map((v, i) => ({
    name: v.name,
    weight: finite(v.weight),
    expectedShare: shares[i],
    units: units[i],
    share: all === 0 ? 0 : units[i] / all,
  }));
}

function srmCheck(experiment: Experiment, variants: VariantSummary[]): SrmCheck {
  const units = variants.map((v) => v.units);
  const result = srmTest(
    units,
    variants.map((v) => v.expectedShare),
  );
  return {
    pValue: finite(result.pValue),
    detected: result.detected,
    units,
    expectedShares: expectedShares(experiment),
  };
}

function metricResults(ctx: Context, totals: ReadonlyMap<string, StatsVector>): MetricResult[] {
  const [control, ...treatments] = ctx.experiment.variants;
  const results: MetricResult[] = ctx.metrics.map(({ metric, role }) => ({
    key: metric.key,
    name: metric.name,
    role,
    kind: metric.kind,
    direction: metric.direction,
    unit: metric.unit,
    variants: ctx.experiment.variants.map((v) => ({
      variant: v.name,
      units: unitsOf(totals.get(v.name)),
      mean: observedMean(metric, totals.get(v.name)),
    })),
    comparisons: control
      ? treatments.map((t) =>
          compareMetric(metric, t.name, totals.get(control.name), totals.get(t.name), ctx.settings),
        )
      : [],
  }));
  // One family for the correction: every goal metric against every treatment, errors counting
  // as p = 1 so that a metric without data never makes the others look stronger.
  const family = results.filter((r) => r.role !== 'guardrail').flatMap((r) => r.comparisons);
  const raw = family.map((c) => (c.error === null ? c.relative.pValue : 1));
  const holm = adjustPValues(raw, 'holm');
  const bh = adjustPValues(raw, 'bh');
  family.forEach((c, i) => {
    c.adjustedPValue = { holm: holm[i], bh: bh[i] };
    c.significant =
      c.error === null &&
      (ctx.engine === 'bayesian'
        ? bayesianDecisive(c.chanceToWin, ctx.threshold)
        : holm[i] < ctx.settings.alpha);
  });
  return results;
}

/** The Bayesian engine decides when the chance to beat control reaches the threshold, either way. */
export function bayesianDecisive(chanceToWin: number, threshold: number): boolean {
  return chanceToWin >= threshold || chanceToWin <= 1 - threshold;
}

function scopeResults(
  ctx: Context,
  totals: ReadonlyMap<string, StatsVector>,
  channel: string | null,
  channelScopes: { channel: string; srm: SrmCheck; guardrails: GuardrailCheck[] }[],
): ScopeResults {
  const variants = variantSummaries(ctx.experiment, totals);
  const srm = srmCheck(ctx.experiment, variants);
  const metrics = metricResults(ctx, totals);
  const guardrails = guardrailChecks(ctx.experiment, ctx.catalogue, totals, channel);
  const goals = metrics.filter((m) => m.role !== 'guardrail');
  const verdict = decideVerdict({
    experiment: ctx.experiment,
    alpha: ctx.settings.alpha,
    engine: ctx.engine,
    threshold: ctx.threshold,
    channel,
    srm,
    channelSrm: channelScopes
      .filter((s) => s.srm.detected)
      .map((s) => ({ channel: s.channel, pValue: s.srm.pValue })),
    primary: metrics.find((m) => m.role === 'primary'),
    guardrails: [...guardrails, ...channelScopes.flatMap((s) => s.guardrails)],
    comparisons: goals.reduce((n, m) => n + m.comparisons.length, 0),
    metricNames: ctx.metricNames,
  });
  return {
    units: variants.reduce((n, v) => n + v.units, 0),
    variants,
    srm,
    metrics,
    guardrails,
    verdict,
  };
}

function unknownVariants(
  experiment: Experiment,
  cells: VariantChannelCells,
): { name: string; units: number }[] {
  const configured = new Set(experiment.variants.map((v) => v.name));
  return [...variantTotals(cells)]
    .filter(([name]) => !configured.has(name))
    .map(([name, vector]) => ({ name, units: unitsOf(vector) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The results of `experiment` from its cell totals. With `channel`, everything (top level and
 * breakdown) is computed on that channel's cells only.
 */
export function buildResults(input: ResultsInput): ExperimentResults {
  const { experiment } = input;
  const catalogue = new Map(input.catalogue.map((m) => [m.key, m]));
  const { metrics, missing } = analysedMetrics(experiment, catalogue);
  const sequential = experiment.analysis?.sequential === true;
  const ctx: Context = {
    experiment,
    catalogue,
    settings: { alpha: experimentAlpha(experiment), sequential, cuped: experiment.analysis?.cuped === true },
    engine: analysisEngine(experiment),
    threshold: chanceThreshold(experiment),
    metrics,
    metricNames: new Map(input.catalogue.map((m) => [m.key, m.name])),
  };

  const all = experimentCells(experiment.key, input.cells);
  const cells = input.channel === undefined ? all : restrictToChannel(all, input.channel);
  const channels = input.channel === undefined ? experimentChannels(experiment, cells) : [input.channel];
  const breakdown = channels.map((channel) => ({
    channel,
    ...scopeResults(ctx, variantTotals(cells, channel), channel, []),
  }));
  // Restricted to one channel, the top level is that channel: its checks are already its own.
  const channelScopes = input.channel === undefined ? breakdown : [];
  const top = scopeResults(ctx, variantTotals(cells), input.channel ?? null, channelScopes);
  const heterogeneity =
    input.channel === undefined ? channelHeterogeneity(top, breakdown, ctx.settings.alpha) : [];
  const decisiveOn = (c: MetricComparison) =>
    ctx.engine === 'bayesian'
      ? bayesianDecisive(c.chanceToWin, ctx.threshold)
      : c.relative.pValue < ctx.settings.alpha;

  return {
    experiment: experiment.key,
    channel: input.channel ?? null,
    engine: { name: ctx.engine, chanceThreshold: ctx.engine === 'bayesian' ? ctx.threshold : null },
    analysis: {
      alpha: ctx.settings.alpha,
      test: testKind(sequential),
      sequentialTuning: sequential ? SEQUENTIAL_TUNING : null,
      cuped: ctx.settings.cuped,
      correction: 'holm',
      guardrailAlpha: guardrailAlpha(experiment),
    },
    ...top,
    unknownVariants: unknownVariants(experiment, cells),
    missingMetrics: missing,
    breakdown,
    channelVerdicts: breakdown.map((b) => ({ channel: b.channel, ...b.verdict })),
    health: { assignmentMismatch: mismatchCheck(experiment, input) },
    channelAnalysis: {
      heterogeneity,
      fit:
        input.channel === undefined
          ? channelFit(top, breakdown, heterogeneity, ctx.settings.alpha, decisiveOn, (g) =>
              guardrailBlocks(g, ctx.engine, ctx.threshold),
            )
          : { variant: top.verdict.variant, summary: 'wait', channels: [] },
    },
  };
}
