/** Middleware: the declared route of the request (404 for any other), its headers lower-cased and bounded. */
import { NotFoundError } from '../../../shared/model/errors';
import type { RouteDeclaration } from '../../routes/route-declaration';
import { logger } from '../../runtime/logger';
import { checkHeaderLengths } from '../request-bounds';
import type { Middleware } from './middleware-types';

function lowerCased(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

export function findRoute(options: {
  declared: ReadonlyMap<string, RouteDeclaration>;
  /** Keys this function has a route function for. */
  served: { has(key: string): boolean };
}): Middleware {
  return {
    before: async (request) => {
      const key = request.event.routeKey;
      const declaration = options.declared.get(key);
      if (!declaration || !options.served.has(key)) throw new NotFoundError(`no route ${key}`);
      // Every line logged while this request runs names its route (reset after the invocation).
      logger.appendKeys({ route: key });
      const headers = lowerCased(request.event.headers);
      checkHeaderLengths(headers);
      request.internal.route = { key, declaration, headers };
    },
  };
}
