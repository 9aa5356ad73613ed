/** The admin releases function: templates, plans and promotion (functions/route-handlers/release-routes.ts), run staged and governed; a person's pause is told through the real notification store. */
import { getRuntime, type Runtime } from '../lib/composition-root';
import { createGovernedHttpHandler } from '../lib/governed-handler';
import { lazyHandler } from '../lib/http-handler';
import { releaseRoutes } from '../route-handlers/release-routes';

export function create(runtime: Runtime) {
  return createGovernedHttpHandler(runtime, (staged) => releaseRoutes(staged, runtime.notifications));
}

export const handler = lazyHandler(() => create(getRuntime()));
