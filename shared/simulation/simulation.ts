/**
 * A seeded simulator of customers taking part in an experiment across channels: it assigns
 * variants by the configured weights (optionally losing some exposures, the usual cause of a
 * sample-ratio mismatch), and generates exposure and metric events with true effects planted per
 * variant and channel, plus pre-exposure behaviour correlated with the outcome (what CUPED uses).
 * Pure: randomness comes from the generator passed in, time from the configuration, so the same
 * seed gives the same events. Each unit's id is chosen so that the platform's own assignment (the
 * experiment's flags, evaluated as the SDKs do) puts it in the variant drawn for it: ingestion
 * refuses an exposure naming any other. `npm run simulate` sends these events through the public API;
 * tests turn them into cell totals with `simulationCells`, the same path ingestion takes.
 */
import { type Assign, experimentAssignment } from '../experiments/assignment';
import { MAX_VALUE, SCALE, toScaled } from '../experiments/exact';
import { foldUnitEvents, splitCellPeriod, type UnitEvent } from '../experiments/unit-fold';
import { addVectors, EMPTY_UNIT_STATE, type StatsVector } from '../experiments/unit-state';
import type { OmnilabEvent } from '../model/event';
import { type Experiment, unitIdOf } from '../model/experiment';
import type { MetricDefinition } from '../model/metric';

/** A uniform generator on [0, 1). */
export type Random = () => number;

/** mulberry32: small, fast and good enough for simulations; the same seed, the same stream. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How a base metric behaves per unit and per period (the pre-exposure window and the
 * post-exposure window are equally long). `spread` is how much units differ from one another;
 * because a unit keeps its level in both periods, it is what makes pre and post correlate.
 */
export type MetricModel =
  /** Each unit converts with probability rate × w, w uniform on [1 − spread, 1 + spread] (default 0.5). */
  | { kind: 'conversion'; rate: number; spread?: number }
  /**
   * With probability `presence` (default 1) a unit has a value: mean × w × g, where w (the
   * unit's level, log-sd `spread`, default 0.5) and g (the period's noise, log-sd `noise`,
   * default 0.3) are log-normal with mean 1. Values are rounded to cents.
   */
  | { kind: 'mean'; mean: number; presence?: number; spread?: number; noise?: number }
  /** Poisson(rate × w) events of value 1, w log-normal with mean 1 and log-sd `spread` (default 0.5). */
  | { kind: 'count'; rate: number; spread?: number };

/** Multiplies a metric's expected value under `variant` by 1 + relativeLift, on one channel or all. */
export interface PlantedEffect {
  variant: string;
  metric: string;
  relativeLift: number;
  channel?: string;
}

/** Loses the exposures of a share of the units assigned to `variant` (on one channel or all). */
export interface PlantedSrm {
  variant: string;
  lossRate: number;
  channel?: string;
}

export interface SimulationConfig {
  experiment: Experiment;
  /** Units assigned (some may be lost to a planted SRM). */
  units: number;
  /** The base (non-ratio) metrics to generate, by key. */
  metrics: Readonly<Record<string, MetricModel>>;
  /** Lets the summary give the planted lift of the catalogue's ratio metrics too. */
  catalogue?: readonly MetricDefinition[];
  effects?: readonly PlantedEffect[];
  /** Relative traffic per channel; default: equal over the experiment's channels. */
  channelMix?: Readonly<Record<string, number>>;
  /** Multiplier of every metric's baseline on a channel (default 1). */
  channelBaseline?: Readonly<Record<string, number>>;
  srm?: PlantedSrm;
  /** Epoch milliseconds of the first possible exposure (default 2025-03-03T00:00:00Z). */
  start?: number;
  /** Days over which exposures happen (default 14); each period (pre and post) is as long. */
  days?: number;
  /** Prefix of user and event ids, so several simulations can share a store. */
  idPrefix?: string;
}

/** The expected means of one metric under the control and one treatment, in one scope. */
export interface PlantedTruth {
  variant: string;
  metric: string;
  /** The channel, or null for all channels together (mixed as the exposed units are). */
  channel: string | null;
  controlMean: number;
  treatmentMean: number;
  relativeLift: number;
}

export interface SimulationSummary {
  units: number;
  exposedUnits: number;
  lostToSrm: number;
  /** Units assigned to each variant, and exposed (not lost), overall and per channel. */
  assigned: Record<string, number>;
  exposed: Record<string, number>;
  exposedByChannel: Record<string, Record<string, number>>;
  truths: PlantedTruth[];
}

export interface Simulation {
  /** Exposure and metric events, in time order. */
  events: OmnilabEvent[];
  summary: SimulationSummary;
}

const DAY = 86_400_000;
const DEFAULT_START = Date.UTC(2025, 2, 3);

function pick(random: Random, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = random() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

function standardNormal(random: Random): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with mean 1 and log-sd sigma. */
function unitMeanLogNormal(random: Random, sigma: number): number {
  return Math.exp(sigma * standardNormal(random) - (sigma * sigma) / 2);
}

function poisson(random: Random, lambda: number): number {
  // Knuth's method, in chunks so that e^-lambda never underflows.
  let count = 0;
  let rest = lambda;
  while (rest > 0) {
    const chunk = Math.min(rest, 30);
    rest -= chunk;
    const limit = Math.exp(-chunk);
    let p = random();
    while (p > limit) {
      count++;
      p *= random();
    }
  }
  return count;
}

/** E[min(1, a·w)] for w uniform on [1 − s, 1 + s]: the expected rate of a conversion model. */
function expectedConversion(a: number, spread: number): number {
  const lo = 1 - spread;
  const hi = 1 + spread;
  if (a * hi <= 1 || spread === 0) return Math.min(1, a);
  if (a * lo >= 1) return 1;
  const cut = 1 / a;
  return ((a * (cut * cut - lo * lo)) / 2 + (hi - cut)) / (hi - lo);
}

function conversionSpread(model: MetricModel): number {
  return Math.min(0.999, Math.max(0, model.spread ?? 0.5));
}

/** The expected per-unit value of a base metric with baseline multiplier and lift applied. */
function expectedValue(model: MetricModel, baseline: number, lift: number): number {
  if (model.kind === 'conversion')
    return expectedConversion(model.rate * baseline * lift, conversionSpread(model));
  if (model.kind === 'count') return model.rate * baseline * lift;
  return (model.presence ?? 1) * model.mean * baseline * lift;
}

interface Draft {
  at: number;
  /** Complete but for id and timestamp, which are given once the events are in time order. */
  event: OmnilabEvent;
}

/** Cents as a number with at most two decimals (exactly representable by ingestion). */
function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

/** What the generation of one unit's events needs, precomputed once per simulation. */
interface Plan {
  experiment: Experiment;
  period: number;
  channels: string[];
  mix: number[];
  metrics: [string, MetricModel][];
  /** lift[variant][channel][metric] and loss[variant][channel], by index. */
  lift: number[][][];
  loss: number[][];
  baseline: number[];
}

function plan(config: SimulationConfig): Plan {
  const { experiment } = config;
  const channels = experiment.channels.length > 0 ? experiment.channels : ['web'];
  const metrics = Object.entries(config.metrics);
  const srm = config.srm;
  return {
    experiment,
    period: (config.days ?? 14) * DAY,
    channels,
    mix: channels.map((c) => Math.max(0, config.channelMix?.[c] ?? 1)),
    metrics,
    lift: experiment.variants.map((v) =>
      channels.map((c) =>
        metrics.map(([key]) =>
          (config.effects ?? [])
            .filter((e) => e.variant === v.name && e.metric === key && (e.channel ?? c) === c)
            .reduce((l, e) => l * (1 + e.relativeLift), 1),
        ),
      ),
    ),
    loss: experiment.variants.map((v) =>
      channels.map((c) =>
        srm && srm.variant === v.name && (srm.channel ?? c) === c
          ? Math.min(1, Math.max(0, srm.lossRate))
          : 0,
      ),
    ),
    baseline: channels.map((c) => config.channelBaseline?.[c] ?? 1),
  };
}

/** One exposed unit's events: its exposures, and its metric events before and after the first. */
function unitEvents(
  p: Plan,
  random: Random,
  drafts: Draft[],
  unit: { userId: string; properties?: Record<string, string> },
  variantIndex: number,
  channelIndex: number,
  exposedAt: number,
): void {
  const variant = p.experiment.variants[variantIndex].name;
  const channel = p.channels[channelIndex];
  const { userId, properties } = unit;
  const push = (at: number, event: OmnilabEvent) => {
    if (properties) event.properties = properties;
    drafts.push({ at, event });
  };
  const exposure = (at: number, on: string) =>
    push(at, {
      type: 'exposure',
      id: '',
      timestamp: '',
      userId,
      channel: on,
      experiment: p.experiment.key,
      variant,
    });
  exposure(exposedAt, channel);
  // Some customers see the experiment again later, on another channel: same variant, and the
  // first exposure still decides the channel they are analysed in.
  if (random() < 0.3)
    exposure(exposedAt + 1 + Math.floor(random() * p.period), p.channels[pick(random, p.mix)]);

  const span = p.period - 1;
  const metricEvent = (post: boolean, metric: string, value: number) =>
    push(post ? exposedAt + 1 + Math.floor(random() * span) : exposedAt - 1 - Math.floor(random() * span), {
      type: 'metric',
      id: '',
      timestamp: '',
      userId,
      channel,
      metric,
      value,
    });
  const level = p.baseline[channelIndex];
  const lifts = p.lift[variantIndex][channelIndex];
  p.metrics.forEach(([metric, model], m) => {
    const lift = lifts[m];
    if (model.kind === 'conversion') {
      const spread = conversionSpread(model);
      const w = 1 + spread * (2 * random() - 1);
      if (random() < model.rate * level * w) metricEvent(false, metric, 1);
      if (random() < model.rate * level * w * lift) {
        metricEvent(true, metric, 1);
        // A repeat conversion still counts once: the unit converted.
        if (random() < 0.2) metricEvent(true, metric, 1);
      }
      return;
    }
    const w = unitMeanLogNormal(random, model.spread ?? 0.5);
    if (model.kind === 'count') {
      const pre = poisson(random, model.rate * level * w);
      for (let k = 0; k < pre; k++) metricEvent(false, metric, 1);
      const post = poisson(random, model.rate * level * w * lift);
      for (let k = 0; k < post; k++) metricEvent(true, metric, 1);
      return;
    }
    const presence = model.presence ?? 1;
    for (const post of [false, true]) {
      if (random() >= presence) continue;
      const noise = unitMeanLogNormal(random, model.noise ?? 0.3);
      const value = cents(model.mean * level * w * noise * (post ? lift : 1));
      // Half the values arrive as two events, which ingestion must add up.
      if (random() < 0.5) {
        metricEvent(post, metric, value);
      } else {
        const part = cents(value * random());
        metricEvent(post, metric, part);
        metricEvent(post, metric, cents(value - part));
      }
    }
  });
}

// Ids tried per unit before giving up (a variant the configuration never assigns).
const MAX_ID_TRIES = 10_000;

/**
 * The unit's ids (customer, and cluster when the experiment has one): the plain ones, or the first
 * numbered variation of them the platform assigns to `variant`. Consumes no randomness, so the
 * rest of the simulation is the same as if variants were drawn without ids.
 */
function unitFor(
  assign: Assign,
  experiment: Experiment,
  channel: string,
  base: { userId: string; cluster: string },
  variant: string,
): { userId: string; properties?: Record<string, string> } {
  const make = (suffix: string) =>
    experiment.unit === 'customer'
      ? { userId: `${base.userId}${suffix}` }
      : { userId: base.userId, properties: { [experiment.unit]: `${base.cluster}${suffix}` } };
  for (let k = 0; k < MAX_ID_TRIES; k++) {
    const unit = make(k === 0 ? '' : `.${k}`);
    if (assign(experiment.key, { ...unit, channel }) === variant) return unit;
  }
  return make('');
}

export function simulateExperiment(config: SimulationConfig, random: Random): Simulation {
  const p = plan(config);
  const { experiment } = config;
  const prefix = config.idPrefix ?? 'sim-';
  const start = config.start ?? DEFAULT_START;
  const weights = experiment.variants.map((v) => Math.max(0, v.weight));
  const names = experiment.variants.map((v) => v.name);
  const assigned: Record<string, number> = Object.fromEntries(names.map((v) => [v, 0]));
  const exposed: Record<string, number> = { ...assigned };
  const exposedByChannel: Record<string, Record<string, number>> = Object.fromEntries(
    p.channels.map((c) => [c, { ...assigned }]),
  );
  const drafts: Draft[] = [];
  let lostToSrm = 0;
  // The configuration as it runs, whatever status the caller's copy has.
  const assign = experimentAssignment({ ...experiment, status: 'running' });

  for (let i = 0; i < config.units; i++) {
    const channelIndex = pick(random, p.mix);
    const variantIndex = pick(random, weights);
    const variant = names[variantIndex];
    assigned[variant]++;
    if (random() < p.loss[variantIndex][channelIndex]) {
      lostToSrm++;
      continue;
    }
    exposed[variant]++;
    exposedByChannel[p.channels[channelIndex]][variant]++;
    const unit = unitFor(
      assign,
      experiment,
      p.channels[channelIndex],
      { userId: `${prefix}u${i}`, cluster: `${prefix}${experiment.unit}${i}` },
      variant,
    );
    unitEvents(p, random, drafts, unit, variantIndex, channelIndex, start + Math.floor(random() * p.period));
  }

  drafts.sort((a, b) => a.at - b.at);
  const events = drafts.map((d, n) => {
    d.event.id = `${prefix}e${n}`;
    d.event.timestamp = new Date(d.at).toISOString();
    return d.event;
  });
  return {
    events,
    summary: {
      units: config.units,
      exposedUnits: config.units - lostToSrm,
      lostToSrm,
      assigned,
      exposed,
      exposedByChannel,
      truths: plantedTruths(config, p),
    },
  };
}

function plantedTruths(config: SimulationConfig, p: Plan): PlantedTruth[] {
  const [control, ...treatments] = config.experiment.variants;
  if (!control) return [];
  const variantIndex = new Map(config.experiment.variants.map((v, i) => [v.name, i]));
  const metricIndex = new Map(p.metrics.map(([key], i) => [key, i]));
  // The expected per-unit value of a base metric for a variant on a channel.
  const value = (metric: string, variant: string, c: number) => {
    const m = metricIndex.get(metric);
    if (m === undefined) return 0;
    const lift = p.lift[variantIndex.get(variant) ?? 0][c][m];
    return expectedValue(p.metrics[m][1], p.baseline[c], lift);
  };
  // Ratio metrics are expected totals over expected totals; base metrics have denominator 1.
  const ratios = (config.catalogue ?? []).filter(
    (m) => m.kind === 'ratio' && metricIndex.has(m.numerator ?? '') && metricIndex.has(m.denominator ?? ''),
  );
  const targets = [
    ...p.metrics.map(([key]) => ({ key, numerator: key, denominator: null as string | null })),
    ...ratios.map((m) => ({ key: m.key, numerator: m.numerator ?? '', denominator: m.denominator ?? null })),
  ];
  const mean = (t: (typeof targets)[number], variant: string, scope: number[]) => {
    let numerator = 0;
    let denominator = 0;
    for (const c of scope) {
      // The exposed units' channel mix under this variant (a planted SRM on one channel shifts it).
      const share = p.mix[c] * (1 - p.loss[variantIndex.get(variant) ?? 0][c]);
      numerator += share * value(t.numerator, variant, c);
      denominator += share * (t.denominator === null ? 1 : value(t.denominator, variant, c));
    }
    return denominator === 0 ? 0 : numerator / denominator;
  };
  const all = p.channels.map((_, c) => c);
  const truths: PlantedTruth[] = [];
  for (const t of targets) {
    for (const v of treatments) {
      for (const scope of [null, ...all]) {
        const within = scope === null ? all : [scope];
        const controlMean = mean(t, control.name, within);
        const treatmentMean = mean(t, v.name, within);
        truths.push({
          variant: v.name,
          metric: t.key,
          channel: scope === null ? null : p.channels[scope],
          controlMean,
          treatmentMean,
          relativeLift: controlMean === 0 ? 0 : treatmentMean / controlMean - 1,
        });
      }
    }
  }
  return truths;
}

/** toScaled, with whole numbers (every conversion and count) spared the decimal parsing. */
function scaled(value: number): bigint | string {
  if (Number.isSafeInteger(value) && Math.abs(value) <= MAX_VALUE) return BigInt(value) * SCALE;
  return toScaled(value);
}

/** One unit's contribution to the cell totals, and when it was first exposed to the experiment. */
export interface UnitContribution {
  unit: string;
  exposedAt: number;
  cells: Map<string, StatsVector>;
}

/**
 * Each unit's contribution to the cells, the way ingestion computes it: the unit's events folded
 * by the same fold the event store commits (`foldUnitEvents`), summed over periods. Sorted by
 * first exposure to `experiment`, so that adding the first k gives the totals after k units (what
 * a look at the results would see). Events without a unit id, or with a value ingestion would
 * refuse, are left out.
 */
export function simulationUnitContributions(
  events: readonly OmnilabEvent[],
  experiment: Experiment,
  catalogue: readonly MetricDefinition[],
): UnitContribution[] {
  const units = new Map<string, UnitEvent[]>();
  for (const e of events) {
    const unit = unitIdOf(experiment.unit, e);
    if (unit === undefined) continue;
    let entry = units.get(unit);
    if (!entry) {
      entry = [];
      units.set(unit, entry);
    }
    const at = Date.parse(e.timestamp);
    if (e.type === 'exposure') {
      entry.push({
        id: e.id,
        exposure: { id: e.id, experiment: e.experiment, variant: e.variant, channel: e.channel, at },
      });
      continue;
    }
    const value = scaled(e.value);
    if (typeof value === 'bigint')
      entry.push({ id: e.id, metric: { id: e.id, metric: e.metric, value, at } });
  }
  const out: UnitContribution[] = [];
  for (const [unit, unitEvents] of units) {
    // Totals only: every event falls in one period, so the contribution is taken once.
    const fold = foldUnitEvents({
      before: EMPTY_UNIT_STATE,
      history: [],
      stored: null,
      events: unitEvents,
      catalogue,
      periodOf: () => '',
    });
    const entry = fold.after.experiments[experiment.key];
    if (!entry) continue;
    const cells = new Map<string, StatsVector>();
    for (const [key, d] of fold.changes) addVectors(cells, new Map([[splitCellPeriod(key).cell, d]]));
    out.push({ unit, exposedAt: entry.exposedAt, cells });
  }
  return out.sort((a, b) => a.exposedAt - b.exposedAt || a.unit.localeCompare(b.unit));
}

/** Cell totals from events, as ingestion builds them (see simulationUnitContributions). */
export function simulationCells(
  events: readonly OmnilabEvent[],
  experiment: Experiment,
  catalogue: readonly MetricDefinition[],
): Map<string, StatsVector> {
  const totals = new Map<string, StatsVector>();
  for (const u of simulationUnitContributions(events, experiment, catalogue)) addVectors(totals, u.cells);
  return totals;
}
