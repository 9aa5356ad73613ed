/**
 * The pure half of ingestion: each raw event is checked against the schema, the experiments and
 * the metric catalogue, and mapped to the randomisation units whose statistics it changes. A bad
 * event is rejected with its reason and never blocks the good ones. The server decides
 * assignment: an exposure must name the variant the platform itself assigns its unit, must not
 * predate the experiment's start, and a metric value must be one its metric can take.
 */
import type { EventOutcome } from '../model/event';
import { eventSchema } from '../model/event-schema';
import { type Experiment, type RandomisationUnit, unitIdOf } from '../model/experiment';
import { type MetricDefinition, metricValueProblem, valueDefaultsToOne } from '../model/metric';
import type * as z from '../model/zod';
import type { Assign } from './assignment';
import { toScaled } from './exact';
import type { ExposureObservation, MetricObservation } from './unit-state';

/** A unit's key: its environment, type and id. Customers and clusters live side by side. */
export function unitKey(environment: string, unit: RandomisationUnit, id: string): string {
  return `${environment}:${unit}#${id}`;
}

export interface PreparedEvent {
  id: string;
  /** The units whose state this event changes; all of them commit together. */
  units: string[];
  exposure?: ExposureObservation;
  metric?: MetricObservation;
}

/**
 * An exposure refused because its variant is not the platform's assignment: counted once (by its
 * id) in the experiment's assignment-mismatch health check for its channel, and in no variant.
 */
export interface MismatchedExposure {
  id: string;
  unit: string;
  experiment: string;
  channel: string;
  at: number;
}

export interface IngestPlan {
  accepted: PreparedEvent[];
  /** Refused exposures whose mismatch the store records (they answer `rejected` all the same). */
  mismatches: MismatchedExposure[];
  /** Outcomes decided without storage: rejections, and repeats of an id within the batch. */
  decided: EventOutcome[];
  /**
   * One slot per event, in the batch's order: the outcome decided here, or null for an event
   * whose outcome storage decides (looked up by its id). `event` is the event as validated (absent
   * when it failed the schema) and `value` a metric event's value as counted (a count metric's
   * event without one counts 1): what the raw event store keeps.
   */
  slots: { id: string; outcome: EventOutcome | null; event?: ValidEvent; value?: number }[];
}

/** An event that passed the schema. */
export type ValidEvent = z.infer<typeof eventSchema>;

/** Valid but counted in no statistic: kept raw only, answered `stored` with the reason. */
interface StoredOnly {
  stored: string;
  value?: number;
}

export interface PlanContext {
  experiments: ReadonlyMap<string, Experiment>;
  catalogue: ReadonlyMap<string, MetricDefinition>;
  channels: readonly string[];
  /**
   * Milliseconds since the epoch, by the server's clock: metric events from further ahead than a
   * day are refused, exposures from further ahead than the clock skew.
   */
  now: number;
  /** Units are kept apart per environment, so test traffic never mixes with production's. */
  environment: string;
  /**
   * The platform's assignment (see assignment.ts). Absent, exposures are taken at their word:
   * only benchmarks comparing the cost of the check leave it out.
   */
  assign?: Assign;
}

const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
/** The clock skew tolerated between a device and the server, either side of an exposure's window. */
export const EXPOSURE_CLOCK_SKEW_MS = 5 * 60 * 1000;

function describe(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function eventId(raw: unknown, index: number): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : `#${index}`;
}

function clusterUnits(ctx: PlanContext): RandomisationUnit[] {
  const units = new Set<RandomisationUnit>();
  for (const e of ctx.experiments.values())
    if (e.unit !== 'customer' && e.status === 'running') units.add(e.unit);
  return [...units];
}

/**
 * One valid event checked and mapped to its units, or the reason it is refused (with its
 * mismatch, if that is why), or why it is only kept raw.
 */
function prepare(
  e: ValidEvent,
  ctx: PlanContext,
  clusters: readonly RandomisationUnit[],
):
  | (PreparedEvent & { given?: number })
  | string
  | { reason: string; mismatch: MismatchedExposure }
  | StoredOnly {
  if (!ctx.channels.includes(e.channel)) return `channel: must be one of ${ctx.channels.join(', ')}`;
  const at = Date.parse(e.timestamp);
  if (at > ctx.now + MAX_FUTURE_MS) return 'timestamp: is more than a day in the future';

  if (e.type === 'exposure') {
    const experiment = ctx.experiments.get(e.experiment);
    if (!experiment) return `experiment: no experiment "${e.experiment}"`;
    if (experiment.status !== 'running')
      return `experiment: "${e.experiment}" is ${experiment.status}, not running`;
    if (!experiment.variants.some((v) => v.name === e.variant))
      return `variant: "${e.variant}" is not a variant of "${e.experiment}"`;
    if (!experiment.channels.includes(e.channel))
      return `channel: "${e.experiment}" does not run on ${e.channel}`;
    const unitId = unitIdOf(experiment.unit, e);
    if (!unitId)
      return `properties.${experiment.unit}: is required, "${e.experiment}" is randomised by ${experiment.unit}`;
    if (at > ctx.now + EXPOSURE_CLOCK_SKEW_MS)
      return 'timestamp: an exposure may not be more than 5 minutes ahead of the server clock';
    const started = experiment.startedAt === undefined ? Number.NaN : Date.parse(experiment.startedAt);
    if (at < started - EXPOSURE_CLOCK_SKEW_MS)
      return `timestamp: is before "${e.experiment}" started (${experiment.startedAt})`;
    const unit = unitKey(ctx.environment, experiment.unit, unitId);
    if (ctx.assign) {
      const assigned = ctx.assign(e.experiment, {
        userId: e.userId,
        channel: e.channel,
        ...(e.appName !== undefined && { appName: e.appName }),
        ...(e.properties !== undefined && { properties: e.properties }),
      });
      if (assigned !== e.variant) {
        const reason =
          assigned === null
            ? `variant: the platform does not assign this ${experiment.unit} to "${e.experiment}" at all`
            : `variant: the platform assigns this ${experiment.unit} to "${assigned}", not "${e.variant}"`;
        return {
          reason,
          mismatch: { id: e.id, unit, experiment: e.experiment, channel: e.channel, at },
        };
      }
    }
    return {
      id: e.id,
      units: [unit],
      exposure: { id: e.id, experiment: e.experiment, variant: e.variant, channel: e.channel, at },
    };
  }

  if (e.type === 'identify')
    return { stored: 'identify: links an anonymous id to a customer for analysis; changes no statistic' };

  const metric = ctx.catalogue.get(e.metric);
  if (!metric) {
    // Kept raw for a metric defined later, with a value it could count; counted in no statistic now.
    if (e.value !== undefined) {
      const scaled = toScaled(e.value);
      if (typeof scaled === 'string') return `value: ${scaled}`;
    }
    return {
      stored: `metric: no metric "${e.metric}" in the catalogue (kept raw, counted in no statistic)`,
      ...(e.value !== undefined && { value: e.value }),
    };
  }
  // A count event without a value counts once; every other kind needs its value.
  const given = e.value ?? (valueDefaultsToOne(metric) ? 1 : undefined);
  if (given === undefined) return `value: is required for a ${metric.kind} metric (${metric.key})`;
  const value = toScaled(given);
  if (typeof value === 'string') return `value: ${value}`;
  const outOfRange = metricValueProblem(metric, given);
  if (outOfRange) return outOfRange;
  const units = [unitKey(ctx.environment, 'customer', e.userId)];
  for (const unit of clusters) {
    const unitId = unitIdOf(unit, e);
    if (unitId) units.push(unitKey(ctx.environment, unit, unitId));
  }
  return { id: e.id, units, metric: { id: e.id, metric: e.metric, value, at }, given };
}

export function planIngestion(raw: readonly unknown[], ctx: PlanContext): IngestPlan {
  const accepted: PreparedEvent[] = [];
  const mismatches: MismatchedExposure[] = [];
  const decided: EventOutcome[] = [];
  const slots: IngestPlan['slots'] = [];
  const seen = new Set<string>();
  const clusters = clusterUnits(ctx);
  for (let index = 0; index < raw.length; index++) {
    const id = eventId(raw[index], index);
    const parsed = eventSchema.safeParse(raw[index]);
    const event = parsed.success ? parsed.data : undefined;
    const decide = (outcome: EventOutcome, value?: number) => {
      decided.push(outcome);
      slots.push({
        id: outcome.id,
        outcome,
        ...(event && { event }),
        ...(value !== undefined && { value }),
      });
    };
    const prepared = parsed.success ? prepare(parsed.data, ctx, clusters) : describe(parsed.error);
    if (typeof prepared === 'string') {
      decide({ id, status: 'rejected', reason: prepared });
      continue;
    }
    if ('mismatch' in prepared) {
      // A repeat of the id within the batch is the same event: it is counted once, answered the same.
      if (!seen.has(prepared.mismatch.id)) mismatches.push(prepared.mismatch);
      seen.add(prepared.mismatch.id);
      decide({ id, status: 'rejected', reason: prepared.reason });
      continue;
    }
    if ('stored' in prepared) {
      if (seen.has(id)) decide({ id, status: 'duplicate' }, prepared.value);
      else decide({ id, status: 'stored', reason: prepared.stored }, prepared.value);
      seen.add(id);
      continue;
    }
    const { given, ...ready } = prepared;
    if (seen.has(ready.id)) {
      decide({ id, status: 'duplicate' }, given);
      continue;
    }
    seen.add(ready.id);
    accepted.push(ready);
    slots.push({ id, outcome: null, ...(event && { event }), ...(given !== undefined && { value: given }) });
  }
  return { accepted, mismatches, decided, slots };
}
