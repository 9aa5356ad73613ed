/**
 * From ingestion's exact cell totals to the statistics engine's ArmStats: cells grouped by
 * variant and channel, merged exactly (in bigint) before the one conversion to floating point.
 */
import type { ArmStats } from '../stats';
import { ARM_SUM_FIELDS } from '../stats/types';
import { scaledToNumber, VALUE_DECIMALS } from './exact';
import { parseCellKey, type StatsVector } from './unit-state';

/** Per variant, per channel: the cell totals of one experiment. */
export type VariantChannelCells = Map<string, Map<string, StatsVector>>;

/** Fields at the value scale (10^4); every other field is a square or a product (10^8). */
const VALUE_SCALE_FIELDS = new Set(['sum', 'covariateSum', 'denominatorSum', 'denominatorPreSum']);

const METRIC_FIELDS = ARM_SUM_FIELDS;

/** The cells of one experiment, by variant then channel. Other experiments' cells are ignored. */
export function experimentCells(
  experiment: string,
  cells: ReadonlyMap<string, StatsVector>,
): VariantChannelCells {
  const out: VariantChannelCells = new Map();
  for (const [key, vector] of cells) {
    const cell = parseCellKey(key);
    if (cell.experiment !== experiment || cell.variant === undefined || cell.channel === undefined) continue;
    let byChannel = out.get(cell.variant);
    if (!byChannel) {
      byChannel = new Map();
      out.set(cell.variant, byChannel);
    }
    byChannel.set(cell.channel, mergeVectors([byChannel.get(cell.channel), vector]));
  }
  return out;
}

/** The exact sum of some vectors (missing ones count as empty). */
export function mergeVectors(vectors: Iterable<StatsVector | undefined>): StatsVector {
  const out: StatsVector = new Map();
  for (const v of vectors) {
    if (!v) continue;
    for (const [field, value] of v) out.set(field, (out.get(field) ?? 0n) + value);
  }
  return out;
}

/** Keeps only the given channel's cells (still by variant then channel). */
export function restrictToChannel(cells: VariantChannelCells, channel: string): VariantChannelCells {
  const out: VariantChannelCells = new Map();
  for (const [variant, byChannel] of cells) {
    const v = byChannel.get(channel);
    if (v) out.set(variant, new Map([[channel, v]]));
  }
  return out;
}

/** Per variant, the totals over the channels given (all channels when none are given). */
export function variantTotals(cells: VariantChannelCells, channel?: string): Map<string, StatsVector> {
  const out = new Map<string, StatsVector>();
  for (const [variant, byChannel] of cells) {
    out.set(
      variant,
      channel === undefined ? mergeVectors(byChannel.values()) : mergeVectors([byChannel.get(channel)]),
    );
  }
  return out;
}

export function unitsOf(vector: StatsVector | undefined): number {
  return Number(vector?.get('n') ?? 0n);
}

/**
 * One metric's ArmStats from a cell's exact totals. Each total is rounded to a double once,
 * here; a metric with no events gives zeros, which the engine reports as zero variance.
 */
export function armStats(vector: StatsVector | undefined, metric: string): ArmStats {
  const arm: ArmStats = { n: unitsOf(vector), sum: 0 };
  for (const field of METRIC_FIELDS) {
    const total = vector?.get(`${metric}:${field}`) ?? 0n;
    const decimals = VALUE_SCALE_FIELDS.has(field) ? VALUE_DECIMALS : 2 * VALUE_DECIMALS;
    arm[field] = total === 0n ? 0 : scaledToNumber(total, decimals);
  }
  return arm;
}
