/**
 * Guardrails: metrics a treatment must not make worse. The scheduled job checks them on every
 * run, per channel, and rolls a channel back when one trips, so a check must stay quiet on an
 * A/A experiment however often it looks, and still catch a real harm.
 *
 * The rule, for one guardrail metric, one treatment variant and one scope (a channel, or all
 * channels together):
 *   - `insufficient-data` when the metric is not in the catalogue, either arm has fewer than
 *     GUARDRAIL_MIN_UNITS units, or the engine cannot estimate the relative change (zero
 *     variance, or a control mean of 0 so no relative change exists);
 *   - `degraded` when the sequential test (always-valid confidence sequence, tuning N* = 5000,
 *     CUPED when the experiment uses it) rejects "no change" at the guardrail level
 *     (p < guardrailAlpha), the estimate lies in the harmful direction, and the estimated
 *     relative harm exceeds the guardrail's tolerance (harm > tolerance; with tolerance 0 any
 *     significant harm trips);
 *   - `ok` otherwise.
 * The status is this rule whichever engine the experiment's plan names, so a guardrail halts on
 * the always-valid test either way; the evidence also carries the Bayesian chance of harm (the
 * posterior probability that the harm exceeds the tolerance), which a Bayesian verdict adds as a
 * reason not to ship (verdict.ts), never as a reason to roll back.
 * The guardrail level is the experiment's alpha divided by the number of checks the job makes
 * (guardrails × treatment variants × (configured channels + 1 for all channels together)):
 * Bonferroni, so the chance that any check of an A/A experiment ever trips, at any look, stays
 * below alpha, asymptotically (the sequential p-value is valid at every look, not just at a planned
 * one; the uncorrected test never tripped either in the A/A runs of test/results/aa.test.ts).
 */
import { DEFAULT_CHANNELS } from '../model/channels';
import type { Experiment, Guardrail } from '../model/experiment';
import type { MetricDefinition } from '../model/metric';
import { DEFAULT_ALPHA } from '../stats';
import { experimentCells, type VariantChannelCells, variantTotals } from './results-cells';
import { chanceWorseBy, compareMetric, observedMean } from './results-compare';
import type { GuardrailCheck, GuardrailEvidence } from './results-types';
import type { StatsVector } from './unit-state';

/** Below this many units in an arm the normal approximation is too rough to roll anything back. */
export const GUARDRAIL_MIN_UNITS = 100;

/** The experiment's alpha when it is usable, else the default. */
export function experimentAlpha(experiment: Experiment): number {
  const alpha = experiment.analysis?.alpha;
  return typeof alpha === 'number' && alpha > 0 && alpha < 1 ? alpha : DEFAULT_ALPHA;
}

/** The configured channels, then any other channel the cells hold, so no unit goes unchecked. */
export function experimentChannels(experiment: Experiment, cells: VariantChannelCells): string[] {
  const configured = experiment.channels?.length ? experiment.channels : [...DEFAULT_CHANNELS];
  const seen = new Set<string>();
  for (const byChannel of cells.values()) for (const channel of byChannel.keys()) seen.add(channel);
  const extra = [...seen].filter((c) => !configured.includes(c)).sort();
  return [...configured, ...extra];
}

/** The significance level of one guardrail check: alpha, Bonferroni-corrected over the job's checks. */
export function guardrailAlpha(experiment: Experiment): number {
  const treatments = Math.max(1, experiment.variants.length - 1);
  const channels = experiment.channels?.length ? experiment.channels.length : DEFAULT_CHANNELS.length;
  const checks = Math.max(1, experiment.guardrails.length) * treatments * (channels + 1);
  return experimentAlpha(experiment) / checks;
}

const NO_EVIDENCE = {
  controlMean: 0,
  treatmentMean: 0,
  relativeChange: 0,
  ciLower: 0,
  ciUpper: 0,
  pValue: 1,
  harm: 0,
  chanceOfHarm: 0,
};

/** One guardrail, one treatment, one scope: the status by the rule above, with its evidence. */
export function evaluateGuardrail(
  experiment: Experiment,
  metric: MetricDefinition | undefined,
  guardrail: Guardrail,
  variant: string,
  channel: string | null,
  control: StatsVector | undefined,
  treatment: StatsVector | undefined,
): GuardrailCheck {
  const alpha = guardrailAlpha(experiment);
  const controlUnits = Number(control?.get('n') ?? 0n);
  const treatmentUnits = Number(treatment?.get('n') ?? 0n);
  // A tolerance that is not a finite non-negative number (the schema forbids it) tolerates nothing.
  const tolerance = Number.isFinite(guardrail.tolerance) && guardrail.tolerance > 0 ? guardrail.tolerance : 0;
  const base = { controlUnits, treatmentUnits, alpha, tolerance };
  const check = (status: GuardrailCheck['status'], evidence: GuardrailEvidence): GuardrailCheck => ({
    metric: guardrail.metric,
    variant,
    channel,
    status,
    evidence,
  });
  if (!metric) return check('insufficient-data', { ...base, ...NO_EVIDENCE, error: 'UNKNOWN_METRIC' });
  const means = {
    controlMean: observedMean(metric, control),
    treatmentMean: observedMean(metric, treatment),
  };
  if (controlUnits < GUARDRAIL_MIN_UNITS || treatmentUnits < GUARDRAIL_MIN_UNITS) {
    return check('insufficient-data', { ...base, ...NO_EVIDENCE, ...means, error: null });
  }
  const comparison = compareMetric(metric, variant, control, treatment, {
    // The test runs at the experiment's alpha only to build the interval the evidence shows at
    // that level; the decision compares the always-valid p-value with the corrected level.
    alpha: experimentAlpha(experiment),
    sequential: true,
    cuped: experiment.analysis?.cuped === true,
  });
  if (comparison.error !== null) {
    return check('insufficient-data', { ...base, ...NO_EVIDENCE, ...means, error: comparison.error });
  }
  const { estimate, ciLower, ciUpper, pValue } = comparison.relative;
  const harm = metric.direction === 'higher-is-better' ? -estimate : estimate;
  const degraded = pValue < alpha && harm > 0 && harm > tolerance;
  return check(degraded ? 'degraded' : 'ok', {
    ...base,
    ...means,
    relativeChange: estimate,
    ciLower,
    ciUpper,
    pValue,
    harm,
    chanceOfHarm: chanceWorseBy(comparison, metric.direction === 'higher-is-better', tolerance),
    error: null,
  });
}

/** Every guardrail × treatment variant on one scope, given each variant's totals there. */
export function guardrailChecks(
  experiment: Experiment,
  catalogue: ReadonlyMap<string, MetricDefinition>,
  totals: ReadonlyMap<string, StatsVector>,
  channel: string | null,
): GuardrailCheck[] {
  const [control, ...treatments] = experiment.variants;
  if (!control) return [];
  const out: GuardrailCheck[] = [];
  for (const guardrail of experiment.guardrails) {
    for (const t of treatments) {
      out.push(
        evaluateGuardrail(
          experiment,
          catalogue.get(guardrail.metric),
          guardrail,
          t.name,
          channel,
          totals.get(control.name),
          totals.get(t.name),
        ),
      );
    }
  }
  return out;
}

/**
 * The scheduled job's check: every guardrail × treatment variant × channel (configured channels
 * and any other channel seen), each on that channel's units only, by the rule above.
 */
export function checkGuardrails(
  experiment: Experiment,
  catalogue: readonly MetricDefinition[],
  cells: ReadonlyMap<string, StatsVector>,
): GuardrailCheck[] {
  const byKey = new Map(catalogue.map((m) => [m.key, m]));
  const own = experimentCells(experiment.key, cells);
  return experimentChannels(experiment, own).flatMap((channel) =>
    guardrailChecks(experiment, byKey, variantTotals(own, channel), channel),
  );
}
