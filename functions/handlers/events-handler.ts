/** The events function, `POST /api/events` (functions/route-handlers/event-routes.ts). */

import { createHttpHandler, lazyHandler } from '../http/http-handler';
import { eventRoutes } from '../route-handlers/event-routes';
import { EVENTS_ROUTES } from '../routes/events-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), EVENTS_ROUTES, eventRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
