/** The experiment history function: cumulative results over time (functions/route-handlers/experiment-history-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { experimentHistoryRoutes } from '../route-handlers/experiment-history-routes';
import { EXPERIMENT_HISTORY_ROUTES } from '../routes/experiment-history-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), EXPERIMENT_HISTORY_ROUTES, experimentHistoryRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
