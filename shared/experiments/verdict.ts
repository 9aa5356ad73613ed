/**
 * The verdict a product owner reads first: ship, do not ship, keep running, or invalid, with one
 * plain sentence saying why. The rules, applied to one scope (all channels, or one channel):
 *
 * 1. `invalid` when the sample-ratio check fails in the scope, or (for all channels together)
 *    on any channel: broken assignment biases every number, so nothing else is said.
 * 2. Each treatment variant is then
 *    - a winner: its primary metric moved in the better direction, significant after the Holm
 *      correction across goal metrics × treatments, and none of its guardrails is degraded
 *      (for all channels together: neither overall nor on any channel);
 *    - a loser: its primary metric moved in the worse direction, significant after correction,
 *      or one of its guardrails is degraded;
 *    - inconclusive otherwise (not significant, or not enough data).
 * 3. `ship` the winner with the largest improvement when there is a winner; `do-not-ship` when
 *    every treatment is a loser; otherwise `keep-running`, except that an experiment no longer
 *    collecting data (stopped or shipped) without a winner gets `do-not-ship`.
 * Secondary metrics inform (they share the correction) but do not decide.
 *
 * The plan's engine says what "significant" means in rule 2. Frequentist (the default): the
 * Holm-adjusted p-value of the experiment's test (fixed-horizon or sequential) below alpha.
 * Bayesian: the chance to beat control at least the plan's threshold (0.95 by default) for a
 * winner, at most 1 − threshold for a loser, with no correction; and a guardrail also stops a
 * treatment when its chance of harm beyond its tolerance reaches the threshold. Either way a
 * degraded guardrail (the always-valid rule of guardrail.ts) stops it. The reason quotes the
 * figure that decided: the p-value named by its test, or the chance.
 */
import { type AnalysisEngine, DEFAULT_CHANCE_THRESHOLD, type Experiment } from '../model/experiment';
import type { GuardrailCheck, MetricComparison, MetricResult, SrmCheck, Verdict } from './results-types';

export interface VerdictInput {
  experiment: Experiment;
  alpha: number;
  /** The scope's channel, or null for all channels together. */
  channel: string | null;
  srm: SrmCheck;
  /** For all channels together: the channels whose own sample-ratio check failed. */
  channelSrm: { channel: string; pValue: number }[];
  /** The primary metric's results, undefined when it is not in the catalogue. */
  primary: MetricResult | undefined;
  /** Every guardrail check that can stop a treatment from shipping in this scope. */
  guardrails: GuardrailCheck[];
  /** How many comparisons the Holm correction spans (goal metrics × treatments). */
  comparisons: number;
  /** Display names of guardrail metrics, by key. */
  metricNames: ReadonlyMap<string, string>;
  /** The plan's engine (absent: frequentist). */
  engine?: AnalysisEngine;
  /** Bayesian: the chance to beat control that decides (absent: 0.95). */
  threshold?: number;
}

/**
 * Whether a guardrail check stops its treatment from shipping: degraded by the always-valid rule
 * under either engine, or (Bayesian) its chance of harm beyond the tolerance reaching the threshold.
 */
export function guardrailBlocks(g: GuardrailCheck, engine: AnalysisEngine, threshold: number): boolean {
  if (g.status === 'degraded') return true;
  return engine === 'bayesian' && g.status === 'ok' && (g.evidence.chanceOfHarm ?? 0) >= threshold;
}

/**
 * A probability as a statistician prints it: "< 0.01", "0.957", "> 0.99", rounded toward 0.5 so
 * that the printed figure is past a threshold (of up to three decimals) exactly when the value is.
 */
export function formatChance(x: number): string {
  if (!(x >= 0.01)) return '< 0.01';
  if (x > 0.99) return '> 0.99';
  // Thousandths toward 0.5, checked against x itself so that float error never crosses a step.
  let k = x >= 0.5 ? Math.floor(x * 1000) : Math.ceil(x * 1000);
  if (x >= 0.5) {
    if ((k + 1) / 1000 <= x) k += 1;
    if (k / 1000 > x) k -= 1;
  } else {
    if ((k - 1) / 1000 >= x) k -= 1;
    if (k / 1000 < x) k += 1;
  }
  return (k / 1000).toFixed(3);
}

/** "= 0.957", "> 0.99" or "< 0.01": a chance after its label. */
export function quoteChance(x: number): string {
  const text = formatChance(x);
  return text.startsWith('<') || text.startsWith('>') ? text : `= ${text}`;
}

function engineOf(input: VerdictInput): AnalysisEngine {
  return input.engine === 'bayesian' ? 'bayesian' : 'frequentist';
}

function thresholdOf(input: VerdictInput): number {
  return input.threshold ?? DEFAULT_CHANCE_THRESHOLD;
}

type Outcome = 'winner' | 'loser' | 'inconclusive';

/** 0.041 → "4.1%"; never "-0.0%". */
export function formatPercent(x: number): string {
  const text = (x * 100).toFixed(1);
  return `${text === '-0.0' ? '0.0' : text}%`;
}

function signedPercent(x: number): string {
  const text = formatPercent(x);
  return text.startsWith('-') || text === '0.0%' ? text : `+${text}`;
}

/** 0.57 → "0.57", 0.0312 → "0.031", 2.1e-6 → "2e-6". */
export function formatPValue(p: number): string {
  if (!(p > 0)) return '< 1e-300';
  if (p < 0.001) return p.toExponential(0);
  return String(Number(p.toPrecision(2)));
}

function confidenceLabel(alpha: number): string {
  return `${Number(((1 - alpha) * 100).toFixed(1))}% CI`;
}

function intervalText(c: MetricComparison, alpha: number, engine: AnalysisEngine = 'frequentist'): string {
  if (engine === 'bayesian') {
    const label = `${Number(((1 - alpha) * 100).toFixed(1))}% credible interval`;
    const p = c.posterior ?? c.relative;
    return `${label} ${formatPercent(p.ciLower)} to ${formatPercent(p.ciUpper)}`;
  }
  return `${confidenceLabel(alpha)} ${formatPercent(c.relative.ciLower)} to ${formatPercent(c.relative.ciUpper)}`;
}

function chanceText(c: MetricComparison): string {
  return `chance to beat control ${quoteChance(c.chanceToWin)}`;
}

function moved(c: MetricComparison, name: string): string {
  const verb = c.relative.estimate >= 0 ? 'raised' : 'lowered';
  return `${verb} ${name} by ${formatPercent(Math.abs(c.relative.estimate))}`;
}

function onScope(channel: string | null): string {
  return channel === null ? '' : ` on ${channel}`;
}

function significanceText(input: VerdictInput, c?: MetricComparison): string {
  if (engineOf(input) === 'bayesian' && c) {
    const t = thresholdOf(input);
    return c.chanceToWin >= t
      ? `${chanceText(c)}, at least ${t}`
      : `${chanceText(c)}, at most ${Number((1 - t).toFixed(6))}`;
  }
  return input.comparisons > 1 ? 'significant after correction' : 'significant';
}

function pValueText(c: MetricComparison, input: VerdictInput): string {
  if (engineOf(input) === 'bayesian') return chanceText(c);
  if (input.comparisons > 1 && c.adjustedPValue) return `adjusted p = ${formatPValue(c.adjustedPValue.holm)}`;
  return `p = ${formatPValue(c.relative.pValue)}`;
}

function outcomeOf(c: MetricComparison, degraded: GuardrailCheck[]): Outcome {
  if (degraded.length > 0) return 'loser';
  if (c.error !== null || !c.significant) return 'inconclusive';
  return c.improved ? 'winner' : 'loser';
}

function guardrailText(g: GuardrailCheck, input: VerdictInput): string {
  const name = input.metricNames.get(g.metric) ?? g.metric;
  const verb = g.evidence.relativeChange >= 0 ? 'rose' : 'fell';
  if (g.status !== 'degraded') {
    return (
      `${name} ${verb} by ${formatPercent(Math.abs(g.evidence.relativeChange))}${onScope(g.channel)} ` +
      `(chance of harm beyond its ${formatPercent(g.evidence.tolerance)} tolerance ${quoteChance(g.evidence.chanceOfHarm)}, at least ${thresholdOf(input)})`
    );
  }
  return (
    `${name} ${verb} by ${formatPercent(Math.abs(g.evidence.relativeChange))}${onScope(g.channel)} ` +
    `(p = ${formatPValue(g.evidence.pValue)}), beyond its ${formatPercent(g.evidence.tolerance)} tolerance`
  );
}

function clean(guardrails: GuardrailCheck[], variant: string, input: VerdictInput): string {
  const own = guardrails.filter((g) => g.variant === variant);
  if (own.length === 0) return 'no guardrails are set';
  const pending = [
    ...new Set(
      own
        .filter((g) => g.status === 'insufficient-data' && g.channel === input.channel)
        .map((g) => input.metricNames.get(g.metric) ?? g.metric),
    ),
  ];
  if (pending.length === 0) return 'no guardrail degraded';
  return `no guardrail degraded (not enough data yet on ${pending.join(', ')})`;
}

function describeLoser(
  c: MetricComparison,
  degraded: GuardrailCheck[],
  name: string,
  input: VerdictInput,
): string {
  const effect = `${c.variant} ${moved(c, name)}${onScope(input.channel)} (${intervalText(c, input.alpha, engineOf(input))})`;
  const first = degraded[0];
  if (!first) return `${effect}, ${significanceText(input, c)}: it makes ${name} worse.`;
  if (c.error === null && c.significant && c.improved) {
    return `${effect}, but ${guardrailText(first, input)}: do not ship as is.`;
  }
  const what = first.status === 'degraded' ? 'degraded a guardrail' : 'likely harms a guardrail';
  return `${c.variant} ${what}: ${guardrailText(first, input)}.`;
}

function describeInconclusive(c: MetricComparison, name: string, input: VerdictInput): string {
  if (c.error === 'BASELINE_ZERO') return `${c.variant}: no ${name} in the control yet`;
  if (c.error !== null) return `${c.variant}: not enough data on ${name} yet`;
  return `${c.variant} ${signedPercent(c.relative.estimate)} (${intervalText(c, input.alpha, engineOf(input))}, ${pValueText(c, input)})`;
}

function primaryUnits(primary: MetricResult): number {
  return primary.variants.reduce((total, v) => total + v.units, 0);
}

/** The verdict for one scope, by the rules above. */
export function decideVerdict(input: VerdictInput): Verdict {
  const where = onScope(input.channel);
  if (input.srm.detected) {
    return {
      decision: 'invalid',
      variant: null,
      reason: `Sample ratio mismatch${where} (p = ${formatPValue(input.srm.pValue)}): assignment is broken, do not trust these numbers.`,
    };
  }
  const broken = input.channelSrm[0];
  if (broken) {
    return {
      decision: 'invalid',
      variant: null,
      reason: `Sample ratio mismatch on ${broken.channel} (p = ${formatPValue(broken.pValue)}): assignment is broken there, do not trust these numbers.`,
    };
  }
  const primary = input.primary;
  if (!primary) {
    return {
      decision: 'keep-running',
      variant: null,
      reason: `The primary metric ${input.experiment.primaryMetric} is not in the metric catalogue, so the experiment cannot be judged.`,
    };
  }
  const name = primary.name;
  const stopped = input.experiment.status === 'stopped' || input.experiment.status === 'shipped';
  const comparisons = primary.comparisons;
  if (comparisons.length === 0 || primaryUnits(primary) === 0) {
    return {
      decision: stopped ? 'do-not-ship' : 'keep-running',
      variant: null,
      reason: stopped
        ? `The experiment stopped before any unit was exposed${where}; do not ship.`
        : `No units exposed${where} yet; keep running.`,
    };
  }

  const judged = comparisons.map((c) => {
    // Overall degradations first, so the reason names the broadest one.
    const degraded = input.guardrails
      .filter((g) => g.variant === c.variant && guardrailBlocks(g, engineOf(input), thresholdOf(input)))
      // Overall first, and an always-valid degradation before a Bayesian chance of harm.
      .sort(
        (a, b) =>
          Number(a.channel !== null) - Number(b.channel !== null) ||
          Number(a.status !== 'degraded') - Number(b.status !== 'degraded'),
      );
    return { c, degraded, outcome: outcomeOf(c, degraded) };
  });

  const winners = judged.filter((j) => j.outcome === 'winner');
  if (winners.length > 0) {
    const best = winners.reduce((a, b) =>
      Math.abs(b.c.relative.estimate) > Math.abs(a.c.relative.estimate) ? b : a,
    );
    const c = best.c;
    return {
      decision: 'ship',
      variant: c.variant,
      reason:
        `${c.variant} ${moved(c, name)}${where} (${intervalText(c, input.alpha, engineOf(input))}), ` +
        `${significanceText(input, c)}; ${clean(input.guardrails, c.variant, input)}.`,
    };
  }

  const losers = judged.filter((j) => j.outcome === 'loser');
  const loserText = losers.map((j) => describeLoser(j.c, j.degraded, name, input)).join(' ');
  if (losers.length === judged.length) {
    return {
      decision: 'do-not-ship',
      variant: losers.length === 1 ? losers[0].c.variant : null,
      reason: loserText,
    };
  }

  const open = judged.filter((j) => j.outcome === 'inconclusive').map((j) => j.c);
  const raw =
    engineOf(input) === 'bayesian'
      ? undefined
      : open.find((c) => c.error === null && c.relative.pValue < input.alpha);
  let sentence: string;
  if (open.length === 1 && raw && input.comparisons > 1) {
    sentence =
      `${raw.variant} ${moved(raw, name)}${where} (${intervalText(raw, input.alpha)}), ` +
      `but this is not significant after correcting for ${input.comparisons} comparisons (${pValueText(raw, input)})`;
  } else if (open.every((c) => c.error !== null)) {
    sentence = `Not enough data yet on ${name}${where} (${primaryUnits(primary)} units so far)`;
  } else {
    const yet = stopped ? '' : ' yet';
    const difference = engineOf(input) === 'bayesian' ? 'clear' : 'significant';
    sentence = `No ${difference} difference in ${name}${where}${yet}: ${open.map((c) => describeInconclusive(c, name, input)).join('; ')}`;
  }
  if (stopped) {
    return {
      decision: 'do-not-ship',
      variant: null,
      reason: `The experiment stopped without a winner. ${sentence}. ${loserText}`.trim(),
    };
  }
  return {
    decision: 'keep-running',
    variant: null,
    reason: `${sentence}; keep running.${loserText ? ` ${loserText}` : ''}`,
  };
}
