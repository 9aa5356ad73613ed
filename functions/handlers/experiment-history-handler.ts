/** The experiment history function: cumulative results over time (functions/route-handlers/experiment-history-routes.ts). */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { experimentHistoryRoutes } from '../route-handlers/experiment-history-routes';
import { EXPERIMENT_HISTORY_ROUTES } from '../routes/experiment-history-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), EXPERIMENT_HISTORY_ROUTES, experimentHistoryRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
