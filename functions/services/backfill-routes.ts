/**
 * `POST /api/admin/experiments/{key}/backfill`, and how results read what it stored: the backfilled
 * metrics' cells over the live ones and the quantile metrics' reports (functions/services/backfill.ts).
 */
import type { StatsVector } from '../../shared/experiments/unit-state';
import { NotFoundError } from '../../shared/model/errors';
import type { BackfillStore } from '../../shared/store/backfill-store';
import { json, type RouteHandlers } from '../http/api-types';
import type { ADMIN_EXPERIMENTS_ROUTES } from '../routes/admin-experiments-routes';
import { createDynamoClients, type Runtime } from '../runtime/composition-root';
import { createDynamoBackfillStore } from '../stores/dynamo-backfill-store';
import { requireOwner } from './admin-support';
import { type BackfillOverlay, backfillOverlay, type RawEventsSource, runBackfill } from './backfill';

const stores = new WeakMap<Runtime['config'], BackfillStore>();

/** The runtime's backfill store (in the config table), built once per configuration. */
export function backfillStore(runtime: Runtime): BackfillStore {
  let store = stores.get(runtime.config);
  if (!store) {
    store = createDynamoBackfillStore(createDynamoClients(runtime.config).doc, runtime.tables);
    stores.set(runtime.config, store);
  }
  return store;
}

/** Where the runtime's raw event store keeps its records, as the backfill reads them. */
function sourceOf(runtime: Runtime): RawEventsSource {
  const location = runtime.rawEvents?.location();
  if (!location)
    // Not a passing outage (a 503 would invite retries): this deployment keeps no raw events.
    throw new NotFoundError(
      'no raw events are kept in this deployment, so there is nothing to backfill from: set OMNILAB_STATE_DIR locally, or deploy the raw event lake on AWS',
    );
  if (location.kind === 'local') return { kind: 'local', root: location.root };
  return {
    kind: 'athena',
    region: runtime.config.region,
    database: location.database,
    table: location.table,
    workGroup: location.workgroup,
  };
}

/** The backfill route of the admin-experiments function. */
type BackfillRoutes = Pick<typeof ADMIN_EXPERIMENTS_ROUTES, 'POST /api/admin/experiments/{key}/backfill'>;

export function backfillRoutes(runtime: Runtime): RouteHandlers<BackfillRoutes> {
  return {
    'POST /api/admin/experiments/{key}/backfill': async (req) => {
      const body = req.body;
      const experiment = await runtime.experiments.get(req.params.key);
      if (!experiment) throw new NotFoundError(`no experiment ${req.params.key}`);
      requireOwner(req.principal, experiment.squad, `experiment ${experiment.key}`);
      const result = await runBackfill(
        {
          experiments: runtime.experiments,
          metrics: runtime.metrics,
          backfills: backfillStore(runtime),
          source: sourceOf(runtime),
          now: runtime.now,
        },
        {
          experiment: experiment.key,
          ...(body.metrics ? { metrics: body.metrics } : {}),
          ...(body.stitch !== undefined ? { stitch: body.stitch } : {}),
          by: req.principal.name,
        },
      );
      return json(200, result);
    },
  };
}

/** The experiment's live cells with its stored backfills over them, for the results route. */
export async function cellsWithBackfill(
  runtime: Runtime,
  experiment: string,
  live: ReadonlyMap<string, StatsVector>,
): Promise<BackfillOverlay> {
  return backfillOverlay(experiment, live, await backfillStore(runtime).list(experiment));
}
