/**
 * Channels first: whether a treatment's effect differs by channel, and on which channels to ship.
 *
 * Heterogeneity: for every goal and guardrail metric × treatment, Cochran's Q on the per-channel
 * relative lifts (each with its delta-method standard error) tests the treatment × channel
 * interaction; Holm's correction across all those tests keeps the chance of any false "differs
 * by channel" at alpha. A test needs two channels with data.
 *
 * Channel fit, for the treatment the verdict is about (else the one whose primary lift is best):
 * - hold a channel when its own sample-ratio check fails, a guardrail is degraded there, or its
 *   own primary lift is significantly in the worse direction;
 * - ship on it when the primary metric wins overall and its effect does not differ by channel
 *   (the overall effect is the best estimate for each channel), or, when it does differ, when the
 *   channel's own primary lift is significantly in the better direction;
 * - otherwise wait.
 * Pure and synchronous.
 */
import { adjustPValues, cochranQ } from '../stats';
import type {
  ChannelFit,
  ChannelFitEntry,
  ChannelHeterogeneity,
  ChannelResults,
  GuardrailCheck,
  MetricComparison,
  MetricResult,
  ScopeResults,
} from './results-types';

function comparisonOn(scope: { metrics: MetricResult[] }, metric: string, variant: string) {
  return scope.metrics.find((m) => m.key === metric)?.comparisons.find((c) => c.variant === variant);
}

/** Cochran's Q per metric × treatment over the channels of the breakdown, Holm-adjusted together. */
export function channelHeterogeneity(
  top: ScopeResults,
  breakdown: readonly ChannelResults[],
  alpha: number,
): ChannelHeterogeneity[] {
  const out: ChannelHeterogeneity[] = [];
  for (const metric of top.metrics) {
    for (const c of metric.comparisons) {
      const channels = breakdown.flatMap((b) => {
        const own = comparisonOn(b, metric.key, c.variant);
        if (!own || own.error !== null || !(own.relative.se > 0)) return [];
        return [
          {
            channel: b.channel,
            estimate: own.relative.estimate,
            se: own.relative.se,
            ciLower: own.relative.ciLower,
            ciUpper: own.relative.ciUpper,
          },
        ];
      });
      const q = cochranQ(channels);
      out.push({
        metric: metric.key,
        metricName: metric.name,
        role: metric.role,
        variant: c.variant,
        channels,
        q: q?.q ?? 0,
        dof: q?.dof ?? 0,
        pValue: q?.pValue ?? 1,
        adjustedPValue: 1,
        i2: q?.i2 ?? 0,
        pooledLift: q?.pooled ?? 0,
        differs: false,
        error: q === null ? 'TOO_FEW_CHANNELS' : null,
      });
    }
  }
  const tested = out.filter((h) => h.error === null);
  const adjusted = adjustPValues(
    tested.map((h) => h.pValue),
    'holm',
  );
  tested.forEach((h, i) => {
    h.adjustedPValue = adjusted[i];
    h.differs = adjusted[i] < alpha;
  });
  return out;
}

function candidate(top: ScopeResults): string | null {
  if (top.verdict.variant) return top.verdict.variant;
  const primary = top.metrics.find((m) => m.role === 'primary');
  const usable = (primary?.comparisons ?? []).filter((c) => c.error === null);
  if (usable.length === 0) return null;
  const better = (x: number) => (primary?.direction === 'lower-is-better' ? -x : x);
  return usable.reduce((a, b) => (better(b.relative.estimate) > better(a.relative.estimate) ? b : a)).variant;
}

/** On which channels to ship the treatment, by the rules above. */
export function channelFit(
  top: ScopeResults,
  breakdown: readonly ChannelResults[],
  heterogeneity: readonly ChannelHeterogeneity[],
  alpha: number,
  /**
   * Whether a channel's own primary comparison decides, by the experiment's engine (default: its
   * raw p below alpha; the Bayesian engine: its chance to beat control reaches the threshold).
   */
  decisive: (c: MetricComparison) => boolean = (c) => c.relative.pValue < alpha,
  /** Whether a guardrail check holds a channel (default: degraded; Bayesian adds its chance of harm). */
  harmful: (g: GuardrailCheck) => boolean = (g) => g.status === 'degraded',
): ChannelFit {
  const variant = candidate(top);
  const primary = top.metrics.find((m) => m.role === 'primary');
  if (top.srm.detected) return { variant, summary: 'invalid', channels: [] };
  if (!variant || !primary) return { variant, summary: 'wait', channels: [] };
  const overall = primary.comparisons.find((c) => c.variant === variant);
  const primaryWins =
    overall !== undefined && overall.error === null && overall.significant && overall.improved;
  const differs = heterogeneity.some((h) => h.metric === primary.key && h.variant === variant && h.differs);
  const channels: ChannelFitEntry[] = breakdown.map((b) => {
    const own = comparisonOn(b, primary.key, variant);
    const harmed = b.guardrails.filter((g) => g.variant === variant && harmful(g));
    const significantHere = own !== undefined && own.error === null && decisive(own);
    const lift = own && own.error === null ? own.relative.estimate : null;
    if (b.srm.detected) return { channel: b.channel, advice: 'hold', because: 'srm', lift, metrics: [] };
    if (harmed.length > 0)
      return {
        channel: b.channel,
        advice: 'hold',
        because: 'guardrail-harm',
        lift,
        metrics: [...new Set(harmed.map((g) => g.metric))],
      };
    if (significantHere && own && !own.improved)
      return { channel: b.channel, advice: 'hold', because: 'primary-worse', lift, metrics: [primary.key] };
    if (primaryWins && !differs)
      return { channel: b.channel, advice: 'ship', because: 'consistent-win', lift, metrics: [] };
    if (differs && significantHere && own?.improved)
      return { channel: b.channel, advice: 'ship', because: 'channel-win', lift, metrics: [] };
    return {
      channel: b.channel,
      advice: 'wait',
      because: differs ? 'channel-inconclusive' : 'inconclusive',
      lift,
      metrics: [],
    };
  });
  const ship = channels.filter((c) => c.advice === 'ship').length;
  const hold = channels.filter((c) => c.advice === 'hold').length;
  const summary =
    ship > 0 && ship === channels.length
      ? 'ship-everywhere'
      : ship > 0
        ? 'ship-on-some'
        : hold > 0 && hold === channels.length
          ? 'ship-nowhere'
          : 'wait';
  return { variant, summary, channels };
}
