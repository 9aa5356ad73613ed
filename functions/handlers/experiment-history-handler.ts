/**
 * The experiment history function: the read-only analysis of experiments, their results and a
 * metric's planning power (functions/route-handlers/experiment-results-routes.ts) and the results'
 * cumulative history (functions/route-handlers/experiment-history-routes.ts).
 */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { experimentHistoryRoutes } from '../route-handlers/experiment-history-routes';
import { experimentResultsRoutes } from '../route-handlers/experiment-results-routes';
import { EXPERIMENT_HISTORY_ROUTES } from '../routes/experiment-history-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), EXPERIMENT_HISTORY_ROUTES, {
    ...experimentResultsRoutes(runtime),
    ...experimentHistoryRoutes(runtime),
  });
}

export const handler = lazyHandler(() => create(getRuntime()));
