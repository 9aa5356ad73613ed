/**
 * Safeguards: every partial rollout is a controlled experiment. A milestone splits each channel's
 * units by the flag's hash, so the units outside the share are a valid control: exposed and
 * held-back units are compared on the plan's guardrail metrics per channel with the experiments'
 * own guardrail rule (shared/experiments/guardrail.ts: always-valid sequential test, Bonferroni,
 * harmful direction beyond the tolerance), and SDK impact metrics by threshold or flag-on vs
 * flag-off. Pure: the server decides each unit's arm from the hash, never the sender.
 */
import { checkGuardrails, evaluateGuardrail } from '../experiments/guardrail';
import type { PreparedEvent } from '../experiments/ingest-plan';
import { unitKey } from '../experiments/ingest-plan';
import { experimentCells, mergeVectors, unitsOf } from '../experiments/results-cells';
import type { StatsVector } from '../experiments/unit-state';
import type { Experiment } from '../model/experiment';
import type { MetricDefinition } from '../model/metric';
import { type ImpactCell, parseImpactCellKey } from './impact-metrics';
import type { ReleasePlan, SafeguardCheck } from './release-plan';
import { armOf } from './release-rollout';
import type { Safeguard } from './release-template';

export const EXPOSED = 'exposed';
export const HELD_BACK = 'held-back';

/** Plans whose flag serves a milestone (their safeguards are watched, their units counted). */
export function servingPlans(plans: readonly ReleasePlan[]): ReleasePlan[] {
  return plans.filter(
    (p) =>
      p.current >= 0 &&
      p.applied !== undefined &&
      ['active', 'paused', 'pending-approval'].includes(p.status),
  );
}

/**
 * The statistics key of the plan's current milestone: a milestone's units are counted apart from
 * the last one's (shares change between them), and a new plan on the same flag starts afresh.
 */
export function milestoneKey(
  plan: Pick<ReleasePlan, 'environment' | 'flag' | 'createdAt' | 'current'>,
): string {
  return `release:${plan.environment}:${plan.flag}:${plan.createdAt}:${plan.current}`;
}

/** The plan as the guardrail rule reads an experiment: held-back is the control, exposed the treatment. */
export function safeguardExperiment(plan: ReleasePlan, channels: readonly string[]): Experiment {
  const metricGuards = plan.safeguards.filter((s) => s.kind === 'metric');
  return {
    key: milestoneKey(plan),
    name: `release ${plan.flag}`,
    hypothesis: 'the release harms no guardrail metric',
    squad: plan.squad,
    environment: plan.environment,
    trafficPercent: 100,
    channels: [...channels],
    unit: 'customer',
    variants: [
      { name: HELD_BACK, weight: 1 },
      { name: EXPOSED, weight: 1 },
    ],
    primaryMetric: metricGuards[0]?.metric ?? '',
    secondaryMetrics: [],
    guardrails: metricGuards.map((s) => ({ metric: s.metric, tolerance: s.tolerance })),
    status: 'running',
    analysis: { sequential: true, alpha: plan.alpha, cuped: false },
  };
}

export interface RawMetricEvent {
  id: string;
  type: 'metric';
  userId: string;
  channel: string;
  metric: string;
}

function isMetricEvent(e: unknown): e is RawMetricEvent {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return (
    r.type === 'metric' &&
    typeof r.id === 'string' &&
    typeof r.userId === 'string' &&
    typeof r.channel === 'string' &&
    typeof r.metric === 'string'
  );
}

/**
 * The exposures the platform records for accepted metric events of units on a channel a serving
 * plan splits: one per unit and milestone (its id names both, so it is stored once however often
 * it is derived), at the milestone's start, in the arm the flag's hash puts the unit in. A unit
 * enters with its first event of any metric on the channel (a session, a page view), so units that
 * never trip a guarded metric count as zeros; channels at 0% have no split and are left out.
 */
export function releaseExposures(
  plans: readonly ReleasePlan[],
  events: readonly unknown[],
  acceptedIds: ReadonlySet<string>,
  environment: string,
): PreparedEvent[] {
  const out = new Map<string, PreparedEvent>();
  for (const plan of servingPlans(plans)) {
    if (plan.environment !== environment || !plan.enteredAt || !plan.applied) continue;
    const experiment = milestoneKey(plan);
    const at = Date.parse(plan.enteredAt);
    for (const e of events) {
      if (!isMetricEvent(e) || !acceptedIds.has(e.id)) continue;
      const percent = plan.applied.channels[e.channel] ?? 0;
      if (percent <= 0) continue;
      const id = `${experiment}:${e.userId}`;
      if (out.has(id)) continue;
      out.set(id, {
        id,
        units: [unitKey(environment, 'customer', e.userId)],
        exposure: { id, experiment, variant: armOf(plan.flag, e.userId, percent), channel: e.channel, at },
      });
    }
  }
  return [...out.values()];
}

/** Units exposed on the milestone, every channel together. */
export function exposedUnits(plan: ReleasePlan, cells: ReadonlyMap<string, StatsVector>): number {
  const own = experimentCells(milestoneKey(plan), cells);
  return unitsOf(mergeVectors(own.get(EXPOSED)?.values() ?? []));
}

function guardName(s: Safeguard): string {
  return s.kind === 'metric' ? s.metric : `${s.kind}:${s.impactMetric}`;
}

const SCALE = 10_000;
const scaled = (x: number, power: 1 | 2) => BigInt(Math.round(x * SCALE ** power));

/** Impact cells of one metric on the plan's milestone, per channel and flag state. */
function impactTotals(
  cells: readonly ImpactCell[],
  milestone: string,
  metric: string,
): Map<string, { on?: ImpactCell; off?: ImpactCell }> {
  const out = new Map<string, { on?: ImpactCell; off?: ImpactCell }>();
  for (const c of cells) {
    const k = parseImpactCellKey(c.key);
    if (k.milestone !== milestone || k.metric !== metric) continue;
    const entry = out.get(k.channel) ?? {};
    entry[k.state] = c;
    out.set(k.channel, entry);
  }
  return out;
}

/**
 * A vector the guardrail rule reads: a counter over its denominator counter is a proportion per
 * denominator event (n = denominator, sum = numerator, each 0/1, so squares = sum), a histogram a
 * mean per observation (squares estimated from its buckets).
 */
function impactVector(key: string, num?: ImpactCell, den?: ImpactCell): StatsVector | undefined {
  if (!num) return undefined;
  if (num.type === 'histogram')
    return new Map([
      ['n', BigInt(Math.round(num.count))],
      [`${key}:sum`, scaled(num.sum, 1)],
      [`${key}:sumSquares`, scaled(num.sumSquares, 2)],
    ]);
  if (!den) return undefined;
  const sum = Math.min(num.sum, den.sum);
  return new Map([
    ['n', BigInt(Math.round(den.sum))],
    [`${key}:sum`, scaled(sum, 1)],
    [`${key}:sumSquares`, scaled(sum, 2)],
  ]);
}

function impactValue(num?: ImpactCell, den?: ImpactCell): { value: number; samples: number } | null {
  if (!num) return null;
  if (num.type === 'gauge') return num.last === undefined ? null : { value: num.last, samples: num.count };
  if (num.type === 'histogram')
    return num.count > 0 ? { value: num.sum / num.count, samples: num.count } : null;
  if (den) return den.sum > 0 ? { value: num.sum / den.sum, samples: den.sum } : null;
  return { value: num.sum, samples: num.count };
}

/**
 * Every safeguard of the plan on its current milestone, per channel it splits (and all channels
 * together for event metrics, as guardrails). Impact comparisons use the guardrail rule at the
 * plan's alpha Bonferroni-corrected over impact comparisons × (channels + 1).
 */
export function safeguardChecks(
  plan: ReleasePlan,
  catalogue: readonly MetricDefinition[],
  cells: ReadonlyMap<string, StatsVector>,
  impact: readonly ImpactCell[],
  channels: readonly string[],
): SafeguardCheck[] {
  const out: SafeguardCheck[] = [];
  const split = channels.filter((c) => (plan.applied?.channels[c] ?? 0) > 0);
  const experiment = safeguardExperiment(plan, channels);
  if (experiment.guardrails.length > 0)
    for (const g of checkGuardrails(experiment, catalogue, cells)) {
      if (g.channel !== null && !split.includes(g.channel)) continue;
      out.push({
        safeguard: g.metric,
        channel: g.channel,
        status: g.status,
        evidence: {
          pValue: g.evidence.pValue,
          alpha: g.evidence.alpha,
          harm: g.evidence.harm,
          tolerance: g.evidence.tolerance,
          relativeChange: g.evidence.relativeChange,
          ciLower: g.evidence.ciLower,
          ciUpper: g.evidence.ciUpper,
          heldBackMean: g.evidence.controlMean,
          exposedMean: g.evidence.treatmentMean,
          heldBackUnits: g.evidence.controlUnits,
          exposedUnits: g.evidence.treatmentUnits,
        },
      });
    }
  const milestone = milestoneKey(plan);
  const compares = plan.safeguards.filter((s) => s.kind === 'impact-compare').length;
  for (const s of plan.safeguards) {
    if (s.kind === 'metric') continue;
    const num = impactTotals(impact, milestone, s.impactMetric);
    const den = s.denominator ? impactTotals(impact, milestone, s.denominator) : undefined;
    for (const channel of split) {
      const n = num.get(channel);
      const d = den?.get(channel);
      if (s.kind === 'impact-threshold') {
        const v = impactValue(n?.on, d?.on);
        const status =
          v === null || v.samples < s.minSamples ? 'insufficient-data' : v.value > s.max ? 'degraded' : 'ok';
        out.push({
          safeguard: guardName(s),
          channel,
          status,
          evidence: { value: v?.value ?? null, max: s.max, samples: v?.samples ?? 0 },
        });
        continue;
      }
      const key = s.impactMetric;
      const metric: MetricDefinition = {
        key,
        name: key,
        kind: n?.on?.type === 'histogram' ? 'mean' : 'conversion',
        direction: s.direction,
        unit: '',
      };
      const judge: Experiment = {
        ...experiment,
        guardrails: Array.from({ length: Math.max(1, compares) }, () => ({
          metric: key,
          tolerance: s.tolerance,
        })),
      };
      const g = evaluateGuardrail(
        judge,
        metric,
        { metric: key, tolerance: s.tolerance },
        EXPOSED,
        channel,
        impactVector(key, n?.off, d?.off),
        impactVector(key, n?.on, d?.on),
      );
      out.push({
        safeguard: guardName(s),
        channel,
        status: g.status,
        evidence: {
          pValue: g.evidence.pValue,
          alpha: g.evidence.alpha,
          harm: g.evidence.harm,
          tolerance: g.evidence.tolerance,
          flagOffMean: g.evidence.controlMean,
          flagOnMean: g.evidence.treatmentMean,
          flagOffSamples: g.evidence.controlUnits,
          flagOnSamples: g.evidence.treatmentUnits,
        },
      });
    }
  }
  return out;
}
