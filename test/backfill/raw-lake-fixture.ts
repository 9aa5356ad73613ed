/**
 * Test support: live ingestion's pure path (planIngestion, then each unit's state from its accepted
 * events, the reference the DynamoDB store is proven equal to) beside the raw records the contract
 * (/work/coord/raw-events.md) says the raw event store keeps for the same batches, written as JSONL
 * in its local layout, so a backfill can be compared with live ingestion on the same events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  type ExposureObservation,
  type MetricObservation,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { Experiment } from '../../shared/model/experiment';
import type { MetricDefinition } from '../../shared/model/metric';

export interface Batch {
  /** The platform's clock when the batch arrived (ms). */
  receivedAt: number;
  events: Record<string, unknown>[];
  /** The raw store wrote this batch's records twice (a retried write). */
  writtenTwice?: boolean;
  /**
   * The raw write failed after the statistics committed (the platform answered 503): none of the
   * batch's records were kept, and the sender resends it (its accepted events then `duplicate`).
   */
  rawLost?: boolean;
}

export interface LiveAndRaw {
  /** Live ingestion's cells for the catalogue given. */
  cells: Map<string, StatsVector>;
  /**
   * The reference for identity stitching: the same accepted events with each customer id an
   * identify event links (its first link by time, then id) replaced by that customer, then the
   * same unit rules; and how many stitched units' exposures name more than one variant.
   */
  stitched: { cells: Map<string, StatsVector>; crossover: number };
  /** The raw records, one JSON object each. */
  records: Record<string, unknown>[];
}

/**
 * Ingests the batches as live ingestion does (ingestion's catalogue: `known`; a metric event for any
 * other metric is kept raw as `stored`, as the raw store does) and computes the live statistics the
 * `analysed` catalogue would have had.
 */
export function ingestBatches(
  batches: readonly Batch[],
  experiment: Experiment,
  known: readonly MetricDefinition[],
  analysed: readonly MetricDefinition[],
  channels: readonly string[],
): LiveAndRaw {
  const liveSeen = new Set<string>();
  /** Ids the platform accepted: a later copy is answered (and kept raw as) `duplicate`. */
  const platformSeen = new Set<string>();
  const exposures = new Map<string, ExposureObservation[]>();
  const metrics = new Map<string, MetricObservation[]>();
  const records: Record<string, unknown>[] = [];
  const links = new Map<string, { customer: string; at: number; id: string }>();
  const all = new Map(analysed.map((m) => [m.key, m]));
  const context = (catalogue: ReadonlyMap<string, MetricDefinition>, now: number) => ({
    experiments: new Map([[experiment.key, experiment]]),
    catalogue,
    channels,
    now,
    environment: experiment.environment,
  });
  for (const batch of batches) {
    // What the live statistics would have been with the analysed metrics in the catalogue…
    const live = planIngestion(batch.events, context(all, batch.receivedAt));
    const accepted = new Map(live.accepted.map((p) => [p.id, p]));
    for (const slot of live.slots) {
      const prepared = slot.outcome === null ? accepted.get(slot.id) : undefined;
      if (!prepared || liveSeen.has(prepared.id)) continue;
      liveSeen.add(prepared.id);
      for (const unit of prepared.units) {
        if (prepared.exposure) exposures.set(unit, [...(exposures.get(unit) ?? []), prepared.exposure]);
        if (prepared.metric) metrics.set(unit, [...(metrics.get(unit) ?? []), prepared.metric]);
      }
    }
    // …and what the raw store keeps when ingestion knew only `known`: other metrics' events stored.
    const raw = planIngestion(batch.events, context(new Map(known.map((m) => [m.key, m])), batch.receivedAt));
    raw.slots.forEach((slot, i) => {
      const event = batch.events[i];
      let outcome: string;
      let reason: string | undefined;
      const status = slot.outcome?.status;
      const refusal = slot.outcome?.status === 'rejected' ? slot.outcome.reason : undefined;
      if (status === 'stored' || refusal?.startsWith('metric: no metric')) {
        // Stored events are not deduplicated by the platform: each copy is kept `stored`.
        outcome = 'stored';
        reason = 'metric: not in the catalogue yet';
      } else if (refusal !== undefined) {
        outcome = 'rejected';
        reason = refusal;
      } else outcome = status === 'duplicate' || platformSeen.has(slot.id) ? 'duplicate' : 'accepted';
      if (outcome === 'accepted') platformSeen.add(slot.id);
      const metric = typeof event.metric === 'string' ? all.get(event.metric) : undefined;
      const counted = outcome === 'accepted' && event.value === undefined && metric?.kind === 'count';
      const record = {
        ...event,
        ...(counted ? { value: 1 } : {}),
        receivedAt: new Date(batch.receivedAt).toISOString(),
        environment: experiment.environment,
        outcome,
        ...(reason ? { reason } : {}),
      };
      if (batch.rawLost) return;
      if (outcome === 'stored' && event.type === 'identify') {
        const link = { customer: String(event.userId), at: Date.parse(String(event.timestamp)), id: slot.id };
        const anon = String(event.anonymousId);
        const first = links.get(anon);
        if (!first || link.at < first.at || (link.at === first.at && link.id < first.id))
          links.set(anon, link);
      }
      records.push(record);
      if (batch.writtenTwice)
        records.push({ ...record, receivedAt: new Date(batch.receivedAt + 1).toISOString() });
    });
  }
  const cells = new Map<string, StatsVector>();
  const units = new Set([...exposures.keys(), ...metrics.keys()]);
  for (const unit of units) {
    const state = unitStateFromEvents(exposures.get(unit) ?? [], metrics.get(unit) ?? []);
    addVectors(cells, unitContributions(state, analysed));
  }
  const stitchedExposures = new Map<string, ExposureObservation[]>();
  const stitchedMetrics = new Map<string, MetricObservation[]>();
  const stitchedKey = (unit: string) => {
    const [prefix, id] = unit.split('#');
    return prefix.endsWith(':customer') ? `${prefix}#${links.get(id)?.customer ?? id}` : unit;
  };
  for (const [unit, xs] of exposures) {
    const key = stitchedKey(unit);
    stitchedExposures.set(key, [...(stitchedExposures.get(key) ?? []), ...xs]);
  }
  for (const [unit, ms] of metrics) {
    const key = stitchedKey(unit);
    stitchedMetrics.set(key, [...(stitchedMetrics.get(key) ?? []), ...ms]);
  }
  const stitchedCells = new Map<string, StatsVector>();
  let crossover = 0;
  for (const unit of new Set([...stitchedExposures.keys(), ...stitchedMetrics.keys()])) {
    const xs = (stitchedExposures.get(unit) ?? []).filter((x) => x.experiment === experiment.key);
    if (new Set(xs.map((x) => x.variant)).size > 1) crossover++;
    const state = unitStateFromEvents(xs, stitchedMetrics.get(unit) ?? []);
    addVectors(stitchedCells, unitContributions(state, analysed));
  }
  return { cells, records, stitched: { cells: stitchedCells, crossover } };
}

/** Writes records in the raw store's local layout under `root` (events/ and rejected/, by environment and day). */
export function writeLake(
  root: string,
  records: readonly Record<string, unknown>[],
  file = 'part-test.jsonl',
): void {
  const files = new Map<string, string[]>();
  for (const r of records) {
    const kind = r.outcome === 'rejected' ? 'rejected' : 'events';
    const dir = join(
      root,
      kind,
      `environment=${String(r.environment)}`,
      `day=${String(r.receivedAt).slice(0, 10)}`,
    );
    files.set(dir, [...(files.get(dir) ?? []), JSON.stringify(r)]);
  }
  for (const [dir, lines] of files) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
  }
}
