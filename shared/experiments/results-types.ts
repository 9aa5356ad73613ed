/**
 * The shape of an experiment's results, as the results endpoint, the CLI and the console read
 * them. Plain JSON: numbers are always finite, and there are no Maps or bigints.
 */
import type { AnalysisEngine } from '../model/experiment';
import type { StatsError } from '../stats';

export type Decision = 'ship' | 'do-not-ship' | 'keep-running' | 'invalid';

export type MetricRole = 'primary' | 'secondary' | 'guardrail';

export type TestKind = 'fixed-horizon' | 'sequential';

export type GuardrailStatus = 'ok' | 'degraded' | 'insufficient-data';

/** Why a comparison carries no information: the engine's reasons, or the metric is not in the catalogue. */
/** `NOT_BACKFILLED`: a quantile metric, computed from the raw events only, before its first backfill. */
export type ComparisonError = StatsError | 'UNKNOWN_METRIC' | 'NOT_BACKFILLED';

export interface Interval {
  estimate: number;
  se: number;
  ciLower: number;
  ciUpper: number;
  pValue: number;
}

export interface VariantMetricStats {
  variant: string;
  units: number;
  /** The conversion rate, the mean per unit, or the ratio of totals. */
  mean: number;
}

/** One treatment variant against the control on one metric. */
export interface MetricComparison {
  variant: string;
  error: ComparisonError | null;
  test: TestKind;
  /** treatment − control, in the metric's unit. */
  absolute: Interval;
  /** treatment / control − 1 (0.041 is +4.1%). */
  relative: Interval;
  /** CUPED's regression coefficient when CUPED is on (0: the covariate carried no signal). */
  cupedTheta: number | null;
  /** Goal metrics only: the relative p-value adjusted across goal metrics × treatment variants. */
  adjustedPValue: { holm: number; bh: number } | null;
  /**
   * Goal metrics, by the experiment's engine: frequentist, Holm-adjusted p < alpha; Bayesian, the
   * chance to beat control at least the threshold or at most 1 − threshold. Guardrail metrics:
   * raw p < alpha.
   */
  significant: boolean;
  /** The estimate moved in the metric's better direction. */
  improved: boolean;
  /** Posterior probability that the treatment is better, given the metric's direction. */
  chanceToWin: number;
  /**
   * Expected relative loss (0.01 is 1%) of each decision: shipping the treatment when it is in
   * fact worse, or keeping the control when the treatment is in fact better.
   */
  risk: { ship: number; keep: number };
  /**
   * The Gaussian posterior of the relative lift (treatment / control − 1): its mean, standard
   * deviation and (1 − alpha) credible interval, as the engine computed them (prior N(0, 0.3²)).
   * Always served by the results endpoint; absent from documents built before it existed.
   */
  posterior?: { mean: number; sd: number; ciLower: number; ciUpper: number };
}

export interface MetricResult {
  key: string;
  name: string;
  role: MetricRole;
  kind: string;
  direction: string;
  unit: string;
  variants: VariantMetricStats[];
  comparisons: MetricComparison[];
}

export interface SrmCheck {
  pValue: number;
  detected: boolean;
  /** Units per configured variant, in the experiment's order. */
  units: number[];
  /** The configured weights as shares summing to 1. */
  expectedShares: number[];
}

export interface GuardrailEvidence {
  controlUnits: number;
  treatmentUnits: number;
  controlMean: number;
  treatmentMean: number;
  /** Relative change, treatment / control − 1, with its always-valid interval and p-value. */
  relativeChange: number;
  ciLower: number;
  ciUpper: number;
  pValue: number;
  /** The significance level this check used (the experiment's alpha, Bonferroni-corrected). */
  alpha: number;
  /** The relative change oriented so that positive is harmful (e.g. +0.12: 12% worse). */
  harm: number;
  tolerance: number;
  /**
   * Posterior probability that the harm exceeds the tolerance (the Bayesian engine's figure; the
   * status is still the always-valid rule's). 0 without data.
   */
  chanceOfHarm: number;
  error: ComparisonError | null;
}

export interface GuardrailCheck {
  metric: string;
  variant: string;
  /** The channel checked, or null for all channels together. */
  channel: string | null;
  status: GuardrailStatus;
  evidence: GuardrailEvidence;
}

export interface Verdict {
  decision: Decision;
  /** The variant to ship (ship), or the variant the reason is about; null when about none. */
  variant: string | null;
  reason: string;
}

export interface VariantSummary {
  name: string;
  weight: number;
  expectedShare: number;
  units: number;
  share: number;
}

/** Everything computed on one set of cells: all channels, or one channel. */
export interface ScopeResults {
  units: number;
  variants: VariantSummary[];
  srm: SrmCheck;
  metrics: MetricResult[];
  guardrails: GuardrailCheck[];
  verdict: Verdict;
}

export interface ChannelResults extends ScopeResults {
  channel: string;
}

export interface ChannelVerdict extends Verdict {
  channel: string;
}

/**
 * Exposures the platform refused because their variant is not the one it assigns the unit (a
 * forged or tampered event, or an SDK reading another configuration), per channel: they count in
 * no variant, and a channel with many is worth a look beside the sample-ratio check.
 */
export interface AssignmentMismatchCheck {
  /** Refused exposures, each counted once by its event id. */
  total: number;
  /** Per channel in the experiment's order (only channels with any). */
  channels: { channel: string; exposures: number }[];
}

/**
 * Whether a treatment's effect on a metric differs by channel: Cochran's Q on the per-channel
 * relative lifts, Holm-adjusted across every metric × treatment tested (see channel-fit.ts).
 */
export interface ChannelHeterogeneity {
  metric: string;
  metricName: string;
  role: MetricRole;
  variant: string;
  /** The channels tested, each with its own relative lift and interval. */
  channels: { channel: string; estimate: number; se: number; ciLower: number; ciUpper: number }[];
  q: number;
  dof: number;
  pValue: number;
  /** Holm-adjusted across all the heterogeneity tests of the document. */
  adjustedPValue: number;
  /** Share of the spread between channels beyond chance (0 to 1). */
  i2: number;
  /** The inverse-variance pooled lift. */
  pooledLift: number;
  /** The adjusted p is below alpha: the effect differs by channel. */
  differs: boolean;
  /** Fewer than two channels with data: nothing tested. */
  error: 'TOO_FEW_CHANNELS' | null;
}

export type ChannelAdvice = 'ship' | 'hold' | 'wait';

export type ChannelAdviceReason =
  | 'consistent-win'
  | 'channel-win'
  | 'guardrail-harm'
  | 'primary-worse'
  | 'srm'
  | 'inconclusive'
  | 'channel-inconclusive';

export interface ChannelFitEntry {
  channel: string;
  advice: ChannelAdvice;
  because: ChannelAdviceReason;
  /** The channel's own primary relative lift, null without data. */
  lift: number | null;
  /** The metrics behind a hold (the degraded guardrails, or the primary). */
  metrics: string[];
}

/** On which channels to ship the treatment the verdict is about (see channel-fit.ts). */
export interface ChannelFit {
  variant: string | null;
  summary: 'ship-everywhere' | 'ship-on-some' | 'ship-nowhere' | 'wait' | 'invalid';
  channels: ChannelFitEntry[];
}

export interface ExperimentResults extends ScopeResults {
  experiment: string;
  /** The channel the top-level results are restricted to, or null for all channels. */
  channel: string | null;
  /**
   * The engine the verdict decides by and the rows' deciding figures come from (the plan's
   * `analysis.engine`, frequentist by default), with the Bayesian engine's threshold: the chance
   * to beat control a winner needs, and the chance of harm at which a guardrail blocks (null for
   * frequentist). Guardrails halt on the always-valid rule under either engine.
   */
  engine: { name: AnalysisEngine; chanceThreshold: number | null };
  analysis: {
    alpha: number;
    test: TestKind;
    sequentialTuning: number | null;
    cuped: boolean;
    correction: 'holm';
    /** The significance level of each guardrail check (see guardrail.ts). */
    guardrailAlpha: number;
  };
  /** Units exposed under a variant name the experiment does not configure (left out of the analysis). */
  unknownVariants: { name: string; units: number }[];
  /** Metrics the experiment names that are not in the catalogue. */
  missingMetrics: string[];
  breakdown: ChannelResults[];
  channelVerdicts: ChannelVerdict[];
  /** Health checks on what reached the platform, beside `srm`. */
  health: { assignmentMismatch: AssignmentMismatchCheck };
  /** Whether effects differ by channel, and on which channels to ship (empty within one channel). */
  channelAnalysis: { heterogeneity: ChannelHeterogeneity[]; fit: ChannelFit };
}
