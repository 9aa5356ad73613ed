/** The counting side of the Unleash client and frontend APIs, shared by both. */
import type { Principal } from '../../shared/model/token';
import type { ClientMetrics, ClientRegister } from '../schemas/client-schemas';
import type { ApiRequest, ApiResponse } from './api-types';
import type { Runtime } from './composition-root';

/** Unleash SDKs cannot add a field to their metrics, but all of them can send a custom header. */
export const CHANNEL_HEADER = 'omnilab-channel';

function channelOf(req: ApiRequest, fromBody: string | undefined): string {
  return fromBody ?? req.headers[CHANNEL_HEADER] ?? 'unknown';
}

function environmentOf(p: Principal): string {
  return p.environment ?? 'unknown';
}

export async function recordMetrics(runtime: Runtime, req: ApiRequest): Promise<ApiResponse> {
  const body = req.body as ClientMetrics;
  const channel = channelOf(req, body.channel);
  const hour = new Date(Math.floor(runtime.now().getTime() / 3_600_000) * 3_600_000).toISOString();
  const counts = Object.entries(body.bucket.toggles)
    .map(([flag, t]) => ({
      flag,
      appName: body.appName,
      channel,
      yes: t.yes,
      no: t.no,
      variants: t.variants ?? {},
    }))
    .filter((c) => c.yes > 0 || c.no > 0 || Object.keys(c.variants).length > 0);
  await runtime.clientMetrics.record(environmentOf(req.principal), hour, counts);
  return { status: 202 };
}

export async function register(runtime: Runtime, req: ApiRequest): Promise<ApiResponse> {
  const body = req.body as ClientRegister;
  await runtime.clientMetrics.register(
    environmentOf(req.principal),
    {
      appName: body.appName,
      instanceId: body.instanceId ?? 'default',
      ...(body.sdkVersion ? { sdkVersion: body.sdkVersion } : {}),
      ...(body.strategies ? { strategies: body.strategies } : {}),
      ...(body.started !== undefined ? { started: String(body.started) } : {}),
      ...(body.interval !== undefined ? { interval: body.interval } : {}),
      channel: channelOf(req, body.channel),
    },
    runtime.now().toISOString(),
  );
  return { status: 202 };
}

/** True when an If-None-Match header names this ETag (weak or strong, or one of a list). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
}
