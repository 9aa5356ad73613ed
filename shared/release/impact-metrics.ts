/**
 * Impact metrics as Unleash SDKs send them inside client metrics (`impactMetrics`: counters and
 * gauges with numeric samples, histograms with count, sum and cumulative buckets, each sample
 * labelled), and how omnilab files them for release safeguards: per flag a plan runs, milestone,
 * metric, channel and flag state (on/off, from the flag's label the SDK adds). Pure.
 */
import * as z from '../model/zod';

export const MAX_IMPACT_METRICS = 100;
export const MAX_IMPACT_SAMPLES = 1000;

const labels = z.optional(
  z.record(z.string().check(z.maxLength(200)), z.union([z.string().check(z.maxLength(200)), z.number()])),
);

const numericSample = z.looseObject({ value: z.number(), labels });
const bucketSample = z.looseObject({
  labels,
  count: z.number().check(z.gte(0)),
  sum: z.number(),
  buckets: z
    .array(
      z.looseObject({
        le: z.union([z.number(), z.literal('+Inf')]),
        count: z.number().check(z.gte(0)),
      }),
    )
    .check(z.maxLength(100)),
});

export const impactMetricSchema = z.discriminatedUnion('type', [
  z.looseObject({
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    help: z.optional(z.string().check(z.maxLength(1000))),
    type: z.enum(['counter', 'gauge']),
    samples: z.array(numericSample).check(z.maxLength(MAX_IMPACT_SAMPLES)),
  }),
  z.looseObject({
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    help: z.optional(z.string().check(z.maxLength(1000))),
    type: z.literal('histogram'),
    samples: z.array(bucketSample).check(z.maxLength(MAX_IMPACT_SAMPLES)),
  }),
]);
export const impactMetricsSchema = z.array(impactMetricSchema).check(z.maxLength(MAX_IMPACT_METRICS));
export type ImpactMetric = z.infer<typeof impactMetricSchema>;

export type FlagState = 'on' | 'off';

/** One aggregate cell's additions: counters add `sum`, histograms `count`, `sum`, `sumSquares` and buckets. */
export interface ImpactCell {
  /** `<milestone key>\u0000<metric>\u0000<channel>\u0000<on|off>` */
  key: string;
  flag: string;
  type: 'counter' | 'gauge' | 'histogram';
  count: number;
  sum: number;
  /** Histograms: Σ count × midpoint² over buckets (an estimate of the sum of squares). */
  sumSquares: number;
  /** Gauges: the value last reported. */
  last?: number;
}

export function impactCellKey(milestone: string, metric: string, channel: string, state: FlagState): string {
  return [milestone, metric, channel, state].join('\u0000');
}

export function parseImpactCellKey(key: string): {
  milestone: string;
  metric: string;
  channel: string;
  state: FlagState;
} {
  const [milestone, metric, channel, state] = key.split('\u0000');
  return { milestone, metric, channel, state: state === 'on' ? 'on' : 'off' };
}

/**
 * The sum of squares a histogram's buckets imply, each observation taken at its bucket's
 * midpoint (the last finite bound for `+Inf`). An estimate: histograms keep no squares.
 */
export function histogramSumSquares(buckets: readonly { le: number | '+Inf'; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => (a.le === '+Inf' ? 1 : b.le === '+Inf' ? -1 : a.le - b.le));
  let prevLe = 0;
  let prevCount = 0;
  let total = 0;
  for (const b of sorted) {
    const n = Math.max(0, b.count - prevCount);
    const mid = b.le === '+Inf' ? prevLe : (prevLe + b.le) / 2;
    total += n * mid * mid;
    if (b.le !== '+Inf') prevLe = b.le;
    prevCount = b.count;
  }
  return total;
}

/** A plan whose flag's impact metrics are filed: its flag and the key of the milestone it serves. */
export interface ImpactTarget {
  flag: string;
  milestone: string;
}

/**
 * The cells a batch adds to, per plan flag named in a sample's labels. The channel is the sample's
 * `channel` label when it names a configured channel, else the batch's. A sample without its flag's
 * label says nothing about the flag and is not filed for it.
 */
export function impactCells(
  metrics: readonly ImpactMetric[],
  targets: readonly ImpactTarget[],
  batchChannel: string,
  channels: readonly string[],
): ImpactCell[] {
  const out = new Map<string, ImpactCell>();
  const file = (m: ImpactMetric, l: Record<string, string | number>, add: (cell: ImpactCell) => void) => {
    const labelled = l.channel;
    const channel = typeof labelled === 'string' && channels.includes(labelled) ? labelled : batchChannel;
    for (const t of targets) {
      const flagLabel = l[t.flag];
      if (flagLabel === undefined) continue;
      const state: FlagState = String(flagLabel) === 'disabled' ? 'off' : 'on';
      const key = impactCellKey(t.milestone, m.name, channel, state);
      const cell = out.get(key) ?? { key, flag: t.flag, type: m.type, count: 0, sum: 0, sumSquares: 0 };
      add(cell);
      out.set(key, cell);
    }
  };
  for (const m of metrics) {
    if (m.type === 'histogram') {
      for (const sample of m.samples)
        file(m, sample.labels ?? {}, (cell) => {
          cell.count += sample.count;
          cell.sum += sample.sum;
          cell.sumSquares += histogramSumSquares(sample.buckets);
        });
      continue;
    }
    for (const sample of m.samples)
      file(m, sample.labels ?? {}, (cell) => {
        cell.count += 1;
        if (m.type === 'gauge') cell.last = sample.value;
        else cell.sum += sample.value;
      });
  }
  return [...out.values()];
}
