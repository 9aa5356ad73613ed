/** The counting side of the Unleash client and frontend APIs, shared by both. */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../shared/model/errors';
import type { Principal } from '../../shared/model/token';
import { type ApiRequest, type ApiResponse, json } from '../http/api-types';
import type { Runtime } from '../runtime/composition-root';
import type { ClientMetrics, ClientRegister } from '../schemas/client-schemas';
import { recordImpactMetrics } from './release-ingest';

/** Unleash SDKs cannot add a field to their metrics, but all of them can send a custom header. */
export const CHANNEL_HEADER = 'omnilab-channel';

/** Unleash SDKs (unleash-client, unleash-proxy-client and newer ones) name their connection. */
export const CONNECTION_HEADER = 'unleash-connection-id';

/** The channel counts are filed under: one of the configured channels, or `unknown` when none is said. */
function channelOf(runtime: Runtime, req: ApiRequest, fromBody: string | undefined): string {
  const [value, field] =
    fromBody !== undefined ? [fromBody, 'channel'] : [req.headers[CHANNEL_HEADER], CHANNEL_HEADER];
  if (value === undefined) return 'unknown';
  if (!runtime.config.channels.includes(value)) {
    throw new ValidationError(`must be one of ${runtime.config.channels.join(', ')}`, field);
  }
  return value;
}

const digest = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('base64url');

/**
 * The name of a metrics batch, the same when it is sent again. unleash-client, when a send fails
 * (or its answer is lost), keeps the bucket, start included, and sends it later with newer counts
 * added: its connection id and the bucket's start name the batch across those sends, and the store
 * adds only what goes beyond what it counted. Without a connection id, the whole body is the name,
 * so an identical resend counts once.
 */
export function batchOf(req: ApiRequest, body: ClientMetrics, channel: string): string {
  const who = [
    req.principal.name,
    req.principal.environment ?? '',
    body.appName,
    body.instanceId ?? '',
    channel,
  ];
  const connection =
    req.headers[CONNECTION_HEADER] ?? (typeof body.connectionId === 'string' ? body.connectionId : undefined);
  const start = body.bucket.start;
  if (connection && start !== undefined) return digest(['connection', ...who, connection, String(start)]);
  return digest(['body', ...who, req.sourceIp ?? '', body]);
}

function environmentOf(p: Principal): string {
  return p.environment ?? 'unknown';
}

/** Unknown toggle names the answer lists (their number is always given). */
export const MAX_UNKNOWN_LISTED = 100;

/**
 * Stores the batch's counts of the flags the token's environment serves. Names it does not serve
 * (typos, flags since archived, made-up names) are dropped and listed in the 202's body, which
 * Unleash SDKs do not read: their batches are never refused for them.
 */
export async function recordMetrics(runtime: Runtime, req: ApiRequest<ClientMetrics>): Promise<ApiResponse> {
  const body = req.body;
  const channel = channelOf(runtime, req, body.channel);
  const hour = new Date(Math.floor(runtime.now().getTime() / 3_600_000) * 3_600_000).toISOString();
  const environment = environmentOf(req.principal);
  const served = new Set((await runtime.served.document(environment)).document.features.map((f) => f.name));
  const known = Object.entries(body.bucket.toggles).filter(([flag]) => served.has(flag));
  const unknown = Object.keys(body.bucket.toggles).filter((flag) => !served.has(flag));
  const counts = known
    .map(([flag, t]) => ({
      flag,
      appName: body.appName,
      channel,
      yes: t.yes,
      no: t.no,
      variants: t.variants ?? {},
    }))
    .filter((c) => c.yes > 0 || c.no > 0 || Object.keys(c.variants).length > 0);
  // Impact metrics (Unleash's contract) for release safeguards: checked first, so a bad list writes nothing.
  const impactCells = await recordImpactMetrics(
    runtime,
    environment,
    batchOf(req, body, channel),
    channel,
    body.impactMetrics,
  );
  if (counts.length > 0)
    await runtime.clientMetrics.record(environment, hour, batchOf(req, body, channel), counts);
  return json(202, {
    counted: counts.length,
    unknownToggles: unknown.length,
    ...(impactCells > 0 ? { impactCells } : {}),
    ...(unknown.length > 0 ? { unknownToggleNames: unknown.slice(0, MAX_UNKNOWN_LISTED) } : {}),
  });
}

export async function register(runtime: Runtime, req: ApiRequest<ClientRegister>): Promise<ApiResponse> {
  const body = req.body;
  await runtime.clientMetrics.register(
    environmentOf(req.principal),
    {
      appName: body.appName,
      instanceId: body.instanceId ?? 'default',
      ...(body.sdkVersion ? { sdkVersion: body.sdkVersion } : {}),
      ...(body.strategies ? { strategies: body.strategies } : {}),
      ...(body.started !== undefined ? { started: String(body.started) } : {}),
      ...(body.interval !== undefined ? { interval: body.interval } : {}),
      channel: channelOf(runtime, req, body.channel),
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
