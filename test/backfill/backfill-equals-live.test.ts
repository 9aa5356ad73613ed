/**
 * Backfill equals live ingestion: on random event streams (exposures and metric events of a few
 * customers on two channels, times in several zones, resent events, batches the raw store wrote
 * twice, events before the start, out-of-range values, metrics defined only after the events were
 * sent), the statistics DuckDB's backfill computes from the raw records equal, to the last digit,
 * those live ingestion's unit state gives for the same events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_SOURCE, runLocalBackfillQuery } from '../../functions/services/backfill-duckdb';
import { foldBackfill, metricsToRead } from '../../shared/experiments/backfill';
import { backfillSql } from '../../shared/experiments/backfill-sql';
import type { StatsVector } from '../../shared/experiments/unit-state';
import type { Experiment } from '../../shared/model/experiment';
import type { MetricDefinition } from '../../shared/model/metric';
import { type Batch, ingestBatches, writeLake } from './raw-lake-fixture';

const known: MetricDefinition[] = [
  { key: 'conv', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'spend', name: 'Spend', kind: 'mean', direction: 'higher-is-better', unit: 'EUR', min: 0, max: 100 },
  { key: 'cnt', name: 'Sessions', kind: 'count', direction: 'higher-is-better', unit: 'sessions' },
  {
    key: 'csat',
    name: 'CSAT',
    kind: 'mean-of-events',
    direction: 'higher-is-better',
    unit: 'points',
    min: 1,
    max: 5,
  },
];
/** Defined after the events were sent: their events were kept raw only (`stored`). */
const later: MetricDefinition[] = [
  { key: 'late', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
  {
    key: 'late_per_session',
    name: 'Complaints per session',
    kind: 'ratio',
    direction: 'lower-is-better',
    unit: 'complaints',
    numerator: 'late',
    denominator: 'cnt',
  },
];
const analysed = [...known, ...later];
const CHANNELS = ['web', 'app'];

function experiment(unit: Experiment['unit']): Experiment {
  return {
    key: 'exp',
    name: 'Exp',
    hypothesis: 'h',
    squad: 'sq',
    environment: 'production',
    trafficPercent: 100,
    channels: CHANNELS,
    unit,
    variants: [
      { name: 'control', weight: 500 },
      { name: 'treatment', weight: 500 },
    ],
    primaryMetric: 'conv',
    secondaryMetrics: [],
    guardrails: [],
    status: 'running',
    startedAt: '2026-12-01T09:00:00Z',
    analysis: { sequential: false, alpha: 0.05, cuped: true },
  };
}

const BASE = Date.parse('2026-12-01T10:00:00Z');

/** An instant written as a client might: in another zone, with or without (over-long) fractions. */
function stamp(ms: number, zone: number, fraction: number): string {
  const offsetMin = [0, 60, -330, 480][zone];
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const frac = ['', `.${String(ms % 1000).padStart(3, '0')}`, `.${String(ms % 1000).padStart(3, '0')}9`][
    fraction
  ];
  if (fraction === 0 && ms % 1000 !== 0) return stamp(ms - (ms % 1000), zone, 0);
  const z =
    offsetMin === 0
      ? 'Z'
      : `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offsetMin) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMin) % 60).padStart(2, '0')}`;
  return `${local}${frac}${z}`;
}

const eventArb = fc.record({
  user: fc.integer({ min: 0, max: 3 }),
  household: fc.constantFrom('h1', 'h2', undefined),
  exposure: fc.boolean(),
  variant: fc.constantFrom('control', 'treatment'),
  channel: fc.constantFrom(...CHANNELS),
  metric: fc.constantFrom('conv', 'spend', 'cnt', 'csat', 'late', 'unknown'),
  value: fc.option(fc.constantFrom(0, 1, 2, 3.5, 4.1234, 250, -1, 0.00001), { nil: undefined }),
  // Minutes from 10:00 UTC: some before the start (09:00) and its 5 minutes' skew.
  minute: fc.integer({ min: -90, max: 600 }),
  second: fc.integer({ min: 0, max: 59_999 }),
  zone: fc.integer({ min: 0, max: 3 }),
  fraction: fc.integer({ min: 0, max: 2 }),
});

const streamArb = fc.record({
  events: fc.array(eventArb, { minLength: 1, maxLength: 30 }),
  cuts: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
  resend: fc.array(fc.nat(), { maxLength: 5 }),
  twice: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  lost: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  // Identify events: an anonymous id (here another customer's id, or a device's) linked to a customer.
  links: fc.array(
    fc.record({
      anon: fc.integer({ min: 0, max: 5 }),
      customer: fc.integer({ min: 0, max: 3 }),
      minute: fc.integer({ min: -90, max: 600 }),
    }),
    { maxLength: 4 },
  ),
});

type Stream = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;

function batchesOf(s: Stream): Batch[] {
  const events: Record<string, unknown>[] = s.events.map((e, i) => {
    const at = BASE + e.minute * 60_000 + e.second;
    const base = {
      id: `e${i}`,
      timestamp: stamp(at, e.zone, e.fraction),
      userId: `u${e.user}`,
      channel: e.channel,
      ...(e.household ? { properties: { household: e.household } } : {}),
    };
    return e.exposure
      ? { ...base, type: 'exposure', experiment: 'exp', variant: e.variant }
      : { ...base, type: 'metric', metric: e.metric, ...(e.value !== undefined ? { value: e.value } : {}) };
  });
  s.links.forEach((l, i) => {
    events.push({
      id: `i${i}`,
      type: 'identify',
      timestamp: stamp(BASE + l.minute * 60_000, 0, 0),
      userId: `u${l.customer}`,
      anonymousId: `u${l.anon}`,
      channel: 'web',
    });
  });
  const cuts = [...new Set([0, ...s.cuts.map((c) => Math.min(c, events.length)), events.length])].sort(
    (a, b) => a - b,
  );
  const batches: Batch[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const slice = events.slice(cuts[i], cuts[i + 1]);
    if (slice.length === 0) continue;
    // Received the next day and the day after (two partitions), never before the events' times.
    const receivedAt = BASE + 86_400_000 * (1 + (i % 2)) + i * 10;
    if (s.lost[i % 4]) {
      // The raw write failed after the statistics committed: the sender resends the batch.
      batches.push({ receivedAt, events: slice, rawLost: true });
      batches.push({ receivedAt: receivedAt + 5, events: slice });
    } else batches.push({ receivedAt, events: slice, writtenTwice: s.twice[i % 4] });
  }
  // Some events sent again in a last batch: duplicates by id.
  const again = s.resend.map((r) => events[r % events.length]);
  if (again.length > 0)
    batches.push({ receivedAt: BASE + 3 * 86_400_000, events: again, writtenTwice: s.twice[3] });
  return batches;
}

function sorted(cells: ReadonlyMap<string, StatsVector>): [string, [string, string][]][] {
  return [...cells]
    .map(([k, v]): [string, [string, string][]] => [
      k,
      [...v].map(([f, x]): [string, string] => [f, x.toString()]).sort(),
    ])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function backfill(root: string, exp: Experiment, stitch = false) {
  const catalogue = new Map(analysed.map((m) => [m.key, m]));
  const sql = backfillSql({
    source: LOCAL_SOURCE,
    environment: exp.environment,
    experiment: exp.key,
    unit: exp.unit,
    metrics: metricsToRead(analysed, catalogue),
    stitch,
  });
  return foldBackfill(await runLocalBackfillQuery(root, sql), exp, analysed, 0.05);
}

describe('backfill from the raw events equals live ingestion', () => {
  for (const unit of ['customer', 'household'] as const) {
    it(`on any event stream (${unit} unit)`, { timeout: 60_000 }, async () => {
      const exp = experiment(unit);
      let run = 0;
      let nonEmpty = 0;
      await fc.assert(
        fc.asyncProperty(streamArb, async (s) => {
          const live = ingestBatches(batchesOf(s), exp, known, analysed, CHANNELS);
          const root = mkdtempSync(join(tmpdir(), `backfill-eq-${run++}-`));
          dirs.push(root);
          writeLake(root, live.records);
          const got = await backfill(root, exp);
          expect(sorted(got.cells)).toEqual(sorted(live.cells));
          if (live.cells.size > 0) nonEmpty++;
        }),
        { numRuns: unit === 'customer' ? 30 : 15, seed: unit === 'customer' ? 2101 : 2102 },
      );
      // The property saw real statistics, not only empty experiments.
      expect(nonEmpty).toBeGreaterThan(5);
    });
  }

  it('with identity stitching, equals the same events with linked ids replaced by their customer', {
    timeout: 60_000,
  }, async () => {
    const exp = experiment('customer');
    let run = 0;
    let crossed = 0;
    await fc.assert(
      fc.asyncProperty(streamArb, async (s) => {
        const live = ingestBatches(batchesOf(s), exp, known, analysed, CHANNELS);
        const root = mkdtempSync(join(tmpdir(), `backfill-stitch-${run++}-`));
        dirs.push(root);
        writeLake(root, live.records);
        const got = await backfill(root, exp, true);
        expect(sorted(got.cells)).toEqual(sorted(live.stitched.cells));
        expect(got.crossover).toBe(live.stitched.crossover);
        if (got.crossover > 0) crossed++;
      }),
      { numRuns: 20, seed: 2103 },
    );
    // Some streams stitched units of two variants together.
    expect(crossed).toBeGreaterThan(0);
  });
});
