/** Middleware: whether the authenticated principal may call the route at all (shared/rights/access.ts), else 403. */
import { ForbiddenError } from '../../../shared/model/errors';
import { mayCall } from '../../../shared/rights/access';
import { type Middleware, principalOfRequest, routeOf } from './middleware-types';

export function authorize(): Middleware {
  return {
    before: async (request) => {
      const { key, declaration } = routeOf(request);
      const principal = principalOfRequest(request);
      if (!mayCall(declaration.access, principal)) {
        throw new ForbiddenError(
          `a ${principal.kind}${principal.role ? ` (${principal.role})` : ''} token may not call ${key}`,
        );
      }
    },
  };
}
