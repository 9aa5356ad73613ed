/**
 * `POST /api/events`: a batch of exposure and metric events from any channel. Each event gets its
 * own outcome (accepted, duplicate, or rejected with the reason); a bad one never blocks the rest
 * and never writes. Accepted events change the statistics exactly once.
 */
import { planIngestion } from '../../shared/experiments/ingest-plan';
import { ServiceUnavailableError } from '../../shared/model/errors';
import type { EventBatchResponse, EventOutcome } from '../../shared/model/event';
import type { Experiment } from '../../shared/model/experiment';
import type { MetricDefinition } from '../../shared/model/metric';
import { httpDeps } from '../lib/admin-support';
import { json } from '../lib/api-types';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler } from '../lib/http-handler';
import { IngestionUnavailableError } from '../stores/dynamo-event-store';

interface Catalogues {
  experiments: Experiment[];
  metrics: MetricDefinition[];
  at: number;
}

export function createEventsHandler(runtime: Runtime) {
  let cached: Catalogues | undefined;

  // Experiments and metrics change rarely: read them at most once per cache period per instance.
  async function catalogues(): Promise<Catalogues> {
    const now = Date.now();
    if (cached && now - cached.at < runtime.config.configCacheMs) return cached;
    const [experiments, metrics] = await Promise.all([runtime.experiments.list(), runtime.metrics.list()]);
    cached = { experiments, metrics, at: now };
    return cached;
  }

  return createHttpHandler(httpDeps(runtime), {
    'POST /api/events': async (req) => {
      const { events } = req.body as { events: unknown[] };
      const environment = req.principal.environment ?? '';
      const { experiments, metrics } = await catalogues();
      const plan = planIngestion(events, {
        // A client token sends events for its own environment's experiments only.
        experiments: new Map(experiments.filter((e) => e.environment === environment).map((e) => [e.key, e])),
        catalogue: new Map(metrics.map((m) => [m.key, m])),
        channels: runtime.config.channels,
        now: runtime.now().getTime(),
        environment,
      });
      let stored: Map<string, 'accepted' | 'duplicate'>;
      try {
        stored = plan.accepted.length > 0 ? await runtime.events.ingest(plan.accepted, metrics) : new Map();
      } catch (e) {
        if (e instanceof IngestionUnavailableError) throw new ServiceUnavailableError(e.message, 1);
        throw e;
      }
      const results: EventOutcome[] = plan.slots.map(
        (slot) => slot.outcome ?? { id: slot.id, status: stored.get(slot.id) ?? 'duplicate' },
      );
      const body: EventBatchResponse = { results };
      return json(200, body);
    },
  });
}

export const handler = createEventsHandler(getRuntime());
