/** The admin governance function: change requests, the audit chain and notifications (functions/route-handlers/governance-routes.ts). */

import { createHttpHandler, GOVERNED_WRITES, lazyHandler } from '../http/http-handler';
import { governanceRoutes } from '../route-handlers/governance-routes';
import { ADMIN_GOVERNANCE_ROUTES } from '../routes/admin-governance-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime) {
  // The change requests' own routes are the governed path: they commit through change-requests.ts.
  return createHttpHandler(httpDeps(runtime), ADMIN_GOVERNANCE_ROUTES, governanceRoutes(runtime), {
    governed: GOVERNED_WRITES,
  });
}

export const handler = lazyHandler(() => create(getRuntime()));
