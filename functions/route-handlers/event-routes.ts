/**
 * `POST /api/events`: a batch of exposure, metric and identify events from any channel. Each event
 * gets its own outcome (accepted, duplicate, stored raw only, or rejected with the reason), and
 * every one is kept in the raw event store with it (functions/services/raw-events.ts); a bad one never blocks the rest
 * and never writes a statistic. Accepted events change the statistics exactly once; an exposure
 * whose variant is not the platform's own assignment is refused and counted, once, as a mismatch.
 */
import { type Assign, servedAssignment } from '../../shared/experiments/assignment';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import { rawRecords } from '../../shared/experiments/raw-records';
import { ServiceUnavailableError } from '../../shared/model/errors';
import type { EventBatchResponse, EventOutcome } from '../../shared/model/event';
import type { Experiment } from '../../shared/model/experiment';
import type { Flag, SegmentDefinition } from '../../shared/model/flag';
import type { MetricDefinition } from '../../shared/model/metric';
import { json, type RouteHandlers } from '../http/api-types';
import type { EVENTS_ROUTES } from '../routes/events-routes';
import type { Runtime } from '../runtime/composition-root';
import { type BusinessMetric, countMetric } from '../runtime/metrics';
import { keepRawEvents } from '../services/raw-events';
import { releaseExposuresFor } from '../services/release-ingest';
import { IngestionUnavailableError } from '../stores/dynamo-event-store';

interface Catalogues {
  experiments: Experiment[];
  metrics: MetricDefinition[];
  flags: Flag[];
  segments: SegmentDefinition[];
  /** The platform's assignment per environment, compiled on first use. */
  assignments: Map<string, Assign>;
  at: number;
}

/** The dashboard's counter of each outcome (functions/runtime/metrics.ts). */
const OUTCOME_METRIC: Record<EventOutcome['status'], BusinessMetric> = {
  accepted: 'EventsAccepted',
  duplicate: 'EventsDuplicate',
  stored: 'EventsStored',
  rejected: 'EventsRejected',
};

export function eventRoutes(runtime: Runtime): RouteHandlers<typeof EVENTS_ROUTES> {
  let cached: Catalogues | undefined;

  // Experiments, metrics and flags change rarely: read them at most once per cache period per
  // instance (the same period as the documents the SDKs are served).
  async function catalogues(): Promise<Catalogues> {
    const now = Date.now();
    if (cached && now - cached.at < runtime.config.configCacheMs) return cached;
    const [experiments, metrics, flags, segments] = await Promise.all([
      runtime.experiments.list(),
      runtime.metrics.list(),
      runtime.flags.list(),
      runtime.segments.list(),
    ]);
    cached = { experiments, metrics, flags, segments, assignments: new Map(), at: now };
    return cached;
  }

  function assignmentFor(c: Catalogues, environment: string): Assign {
    let assign = c.assignments.get(environment);
    if (!assign) {
      assign = servedAssignment(c.flags, c.segments, { environment, channels: runtime.config.channels });
      c.assignments.set(environment, assign);
    }
    return assign;
  }

  return {
    'POST /api/events': async (req) => {
      const { events } = req.body;
      const environment = req.principal.environment ?? '';
      const received = runtime.now();
      const c = await catalogues();
      const { experiments, metrics } = c;
      const plan = planIngestion(events, {
        // A client token sends events for its own environment's experiments only.
        experiments: new Map(experiments.filter((e) => e.environment === environment).map((e) => [e.key, e])),
        catalogue: new Map(metrics.map((m) => [m.key, m])),
        channels: runtime.config.channels,
        now: received.getTime(),
        environment,
        // The server decides assignment: from the configuration it serves this environment's SDKs.
        assign: assignmentFor(c, environment),
      });
      let stored: Map<string, 'accepted' | 'duplicate'>;
      try {
        const [ingested] = await Promise.all([
          plan.accepted.length > 0
            ? runtime.events.ingest(
                // Release plans: the platform's own exposures of units their rollouts split.
                [
                  ...plan.accepted,
                  ...(await releaseExposuresFor(runtime, environment, events, plan.accepted)),
                ],
                metrics,
              )
            : new Map(),
          plan.mismatches.length > 0 ? runtime.events.recordMismatches(plan.mismatches) : undefined,
        ]);
        stored = ingested;
      } catch (e) {
        if (e instanceof IngestionUnavailableError) throw new ServiceUnavailableError(e.message, 1);
        throw e;
      }
      const results: EventOutcome[] = plan.slots.map(
        (slot) => slot.outcome ?? { id: slot.id, status: stored.get(slot.id) ?? 'duplicate' },
      );
      // Every event as received, with its outcome, before the answer (raw-events.ts: what a failure does).
      if (runtime.rawEvents)
        await keepRawEvents(
          runtime.rawEvents,
          rawRecords(events, plan.slots, results, { environment, receivedAt: received.toISOString() }),
        );
      const counts = new Map<BusinessMetric, number>();
      for (const r of results) {
        const name = OUTCOME_METRIC[r.status];
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      for (const [name, n] of counts) countMetric(name, n);
      const body: EventBatchResponse = { results };
      return json(200, body);
    },
  };
}
