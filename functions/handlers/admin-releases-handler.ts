/** The admin releases function: templates, plans and promotion (functions/route-handlers/release-routes.ts), run staged and governed; a person's pause is told through the real notification store. */

import { createGovernedHttpHandler } from '../http/governed-handler';
import { lazyHandler } from '../http/http-handler';
import { releaseRoutes } from '../route-handlers/release-routes';
import { ADMIN_RELEASES_ROUTES } from '../routes/admin-releases-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, ADMIN_RELEASES_ROUTES, (staged) =>
    releaseRoutes(staged, runtime.notifications),
  );
}

export const handler = lazyHandler(() => create(getRuntime()));
