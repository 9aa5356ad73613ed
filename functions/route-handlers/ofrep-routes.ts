/**
 * OFREP (OpenFeature Remote Evaluation Protocol), as @openfeature/ofrep-provider calls it.
 *
 * The value rule: a flag whose chosen variant carries a payload resolves to the payload, typed by
 * its `type` (json → parsed JSON, number → number, string and csv → string); any other flag
 * resolves to its boolean `enabled`. `variant` names the chosen variant, or `on`/`off` when the
 * flag has none. A disabled flag with payload variants therefore answers `false`, and a provider
 * asked for a string falls back to the caller's default, as OpenFeature wants.
 *
 * Who sees what: a frontend key ships inside apps, so it sees what the Unleash frontend API shows,
 * only the flags enabled for the context; a flag it may not see answers FLAG_NOT_FOUND exactly as
 * an unknown flag does, so no flag's existence leaks. Client (server-side) keys see every flag.
 * For both, the time and the address are the server's (its clock, the request's source IP).
 */

import type { CompiledConfig } from '../../shared/evaluation/compile';
import { evaluate } from '../../shared/evaluation/evaluate';
import type { Context, EvaluationResult, Payload } from '../../shared/model/client-features';
import { type ApiRequest, json, type RequestOf, type RouteHandlers } from '../http/api-types';
import type { OFREP_ROUTES } from '../routes/ofrep-routes';
import type { Runtime } from '../runtime/composition-root';
import { matchesEtag } from '../services/client-metrics';
import { canonicalContext, openFeatureContext } from '../services/evaluation-context';
import { ofrepEventStreams } from '../services/ofrep-event-streams';
import { etagOf } from '../services/served-config';

export function payloadValue(payload: Payload): unknown {
  if (payload.type === 'json') {
    try {
      return JSON.parse(payload.value);
    } catch {
      return payload.value;
    }
  }
  if (payload.type === 'number') {
    const n = Number(payload.value);
    return payload.value.trim() !== '' && Number.isFinite(n) ? n : payload.value;
  }
  return payload.value;
}

function resolution(key: string, result: EvaluationResult) {
  const { variant } = result;
  const typed = variant.enabled && variant.payload !== undefined;
  return {
    key,
    value: typed ? payloadValue(variant.payload!) : result.enabled,
    reason: result.reason,
    variant: variant.enabled ? variant.name : result.enabled ? 'on' : 'off',
    metadata: { enabled: result.enabled },
  };
}

/** A frontend key sees a flag only when it is on for the context, as the Unleash frontend API shows. */
function visible(req: ApiRequest, result: EvaluationResult): boolean {
  return req.principal.kind !== 'frontend' || result.enabled;
}

export function ofrepRoutes(runtime: Runtime): RouteHandlers<typeof OFREP_ROUTES> {
  async function setup(
    req: RequestOf<(typeof OFREP_ROUTES)['POST /ofrep/v1/evaluate/flags']>,
  ): Promise<{ ctx: Context; config: CompiledConfig; etag: string }> {
    const environment = req.principal.environment!;
    const body = req.body;
    const ctx = openFeatureContext(body.context ?? {}, {
      environment,
      now: runtime.now(),
      sourceIp: req.sourceIp,
    });
    const { config, etag } = await runtime.served.compiled(environment);
    return { ctx, config, etag };
  }

  return {
    'POST /ofrep/v1/evaluate/flags/{key}': async (req) => {
      const key = req.params.key;
      const { ctx, config } = await setup(req);
      const result = evaluate(config, key, ctx);
      if (result.errorCode === 'FLAG_NOT_FOUND' || !visible(req, result)) {
        return json(404, { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `no flag ${key}` });
      }
      if (result.errorCode)
        return json(500, { key, errorCode: 'GENERAL', errorDetails: 'evaluation failed' });
      return json(200, resolution(key, result));
    },

    'POST /ofrep/v1/evaluate/flags': async (req) => {
      const { ctx, config, etag: configEtag } = await setup(req);
      const flags = [];
      for (const key of config.features.keys()) {
        const result = evaluate(config, key, ctx);
        if (visible(req, result)) flags.push(resolution(key, result));
      }
      // ADR-0008: where the provider hears of a change instead of polling.
      const body = JSON.stringify({ flags, eventStreams: ofrepEventStreams() });
      // The tag covers the flags, the context and the answer: a changed context is never answered
      // 304, nor is an answer the server's clock has changed (a date constraint that turned).
      const etag = etagOf(`${configEtag}|${canonicalContext(ctx)}|${body}`);
      const headers = { etag, 'cache-control': 'no-cache' };
      if (matchesEtag(req.headers['if-none-match'], etag)) return { status: 304, headers };
      return json(200, body, headers);
    },
  };
}
