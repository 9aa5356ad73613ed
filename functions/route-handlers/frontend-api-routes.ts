/**
 * The Unleash frontend API, as unleash-proxy-client calls it: evaluated on the server with the same
 * core, only enabled toggles returned (as Unleash does), with an ETag over the answer. The time and
 * the address are the server's (its clock, the request's source IP), never the caller's.
 */
import { evaluate } from '../../shared/evaluation/evaluate';
import type { Context } from '../../shared/model/client-features';
import { type ApiRequest, type ApiResponse, json, type RouteHandlers } from '../http/api-types';
import type { FRONTEND_API_ROUTES } from '../routes/frontend-api-routes';
import type { Runtime } from '../runtime/composition-root';
import { matchesEtag, recordMetrics, register } from '../services/client-metrics';
import { queryContext, unleashContext } from '../services/evaluation-context';
import { etagOf } from '../services/served-config';

export function frontendApiRoutes(runtime: Runtime): RouteHandlers<typeof FRONTEND_API_ROUTES> {
  async function answer(req: ApiRequest, input: Record<string, unknown>): Promise<ApiResponse> {
    const environment = req.principal.environment!;
    const ctx: Context = unleashContext(input, { environment, now: runtime.now(), sourceIp: req.sourceIp });
    const { config } = await runtime.served.compiled(environment);
    const toggles = [];
    for (const [name, feature] of config.features) {
      const result = evaluate(config, name, ctx);
      if (!result.enabled) continue;
      // Unleash's frontend API names the variant's flag state both ways (featureEnabled since v5).
      const variant = { ...result.variant, featureEnabled: result.variant.feature_enabled };
      toggles.push({ name, enabled: true, variant, impressionData: feature.impressionData });
    }
    const body = JSON.stringify({ toggles });
    const etag = etagOf(body);
    const headers = { etag, 'cache-control': 'no-cache' };
    if (matchesEtag(req.headers['if-none-match'], etag)) return { status: 304, headers };
    return json(200, body, headers);
  }

  return {
    'GET /api/frontend': (req) => answer(req, queryContext(req.query)),
    'POST /api/frontend': (req) => answer(req, req.body.context ?? {}),
    'POST /api/frontend/client/metrics': (req) => recordMetrics(runtime, req),
    'POST /api/frontend/client/register': (req) => register(runtime, req),
  };
}
