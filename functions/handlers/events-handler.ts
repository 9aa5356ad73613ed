/** The events function, `POST /api/events` (functions/route-handlers/event-routes.ts). */
import { httpDeps } from '../lib/admin-support';
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createHttpHandler, lazyHandler } from '../lib/http-handler';
import { eventRoutes } from '../route-handlers/event-routes';
import { EVENTS_ROUTES } from '../routes/events-routes';

export function create(runtime: Runtime) {
  return createHttpHandler(httpDeps(runtime), EVENTS_ROUTES, eventRoutes(runtime));
}

export const handler = lazyHandler(() => create(getRuntime()));
