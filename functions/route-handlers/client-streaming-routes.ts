/**
 * Unleash's delta API (`GET /api/client/delta`, the revision in the ETag) and streaming API
 * (`GET /api/client/streaming`: Server-Sent Events, `unleash-connected` with what the client lacks,
 * then `unleash-updated` deltas, `Last-Event-ID` resume), served from the same document as
 * `GET /api/client/features` for the same key (environment, app-key hiding, filters); and OFREP's
 * change notification (`GET /ofrep/v1/sse`, ADR-0008), offered in bulk evaluation's `eventStreams`.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { deltaBetween, hydrationOf } from '../../shared/model/delta-between';
import { type ApiRequest, json, type RouteHandlers } from '../http/api-types';
import { type createHttpHandler, validatedRequestOf } from '../http/http-handler';
import { type ResponseSink, SSE_HEADERS, type StreamHandler, sseEvent } from '../http/response-stream';
import type { CLIENT_STREAMING_ROUTES } from '../routes/client-streaming-routes';
import type { Runtime } from '../runtime/composition-root';
import { matchesEtag } from '../services/client-metrics';
import { createServedConfig, type ServedConfig } from '../services/served-config';
import { clientDocumentFor } from './client-api-routes';

/** How often an open stream looks at the served document (one read per process, shared). */
export const STREAM_POLL_MS = 250;
/** A stream ends after this long (Lambda's limit is 15 minutes); the SDK reconnects with Last-Event-ID. */
export const STREAM_LIFETIME_MS = 5 * 60_000;
/** A comment line this often, so proxies and the SDK's 60 s read timeout keep an idle stream. */
const HEARTBEAT_MS = 20_000;
/** Revisions a process remembers per scope, to answer a resume or a delta poll as a delta. */
const HISTORY = 32;

interface Revision {
  /** The document's ETag without quotes: the SSE event id, the same in every process. */
  id: string;
  /** Numbers this process's revisions in order (Unleash's `eventId`). */
  eventId: number;
  document: ClientFeaturesDocument;
}

interface Served {
  document: ClientFeaturesDocument;
  etag: string;
}

function unquoted(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

/**
 * The documents recently served per scope (a key's environment, audience, segment form and
 * filters). A resume names a revision by id; only revisions of the caller's own scope are looked
 * up, so a delta never names another environment's flags.
 */
function createRevisionLog() {
  let nextEventId = 1;
  const byScope = new Map<string, Revision[]>();
  return {
    record(scope: string, served: Served): Revision {
      const id = unquoted(served.etag);
      const list = byScope.get(scope) ?? [];
      const known = list.find((r) => r.id === id);
      if (known) return known;
      const revision = { id, eventId: nextEventId++, document: served.document };
      list.push(revision);
      if (list.length > HISTORY) list.shift();
      byScope.set(scope, list);
      return revision;
    },
    find(scope: string, id: string | undefined): Revision | undefined {
      if (!id) return undefined;
      return byScope.get(scope)?.find((r) => r.id === unquoted(id));
    },
  };
}

function scopeOf(req: Pick<ApiRequest, 'principal' | 'headers' | 'query'>): string {
  const { namePrefix, project, tag } = req.query;
  return JSON.stringify([
    req.principal.environment,
    req.principal.audience ?? '',
    req.headers['unleash-client-spec'] ?? '',
    namePrefix ?? '',
    project ?? '',
    tag ?? '',
  ]);
}

/** What a client lacks: the events from its revision, or the whole document when it has none we know. */
function eventsFor(known: Revision | undefined, current: Revision) {
  return known
    ? deltaBetween(known.document, current.document, current.eventId)
    : [hydrationOf(current.document, current.eventId)];
}

interface OpenStream {
  scope: string;
  current: Revision;
  /** Unleash deltas, or OFREP's refresh notices (ADR-0008): the client re-fetches bulk evaluation. */
  kind: 'unleash' | 'ofrep';
}

const refreshEvent = (revision: Revision) =>
  sseEvent({
    id: revision.id,
    data: JSON.stringify({ type: 'refresh', flagConfigEtag: `"${revision.id}"` }),
  });

export interface ClientStreamingOptions {
  pollMs?: number;
  lifetimeMs?: number;
}

export interface ClientStreaming {
  /** The routes, answered request-response: the delta API, and a stream's first event alone. */
  routes: RouteHandlers<typeof CLIENT_STREAMING_ROUTES>;
  /** The streamed form of the HTTP handler built from `routes`: its answer, then what changes. */
  streamed(http: ReturnType<typeof createHttpHandler>): StreamHandler;
}

export function clientStreamingRoutes(
  runtime: Runtime,
  options: ClientStreamingOptions = {},
): ClientStreaming {
  const pollMs = options.pollMs ?? STREAM_POLL_MS;
  const lifetimeMs = options.lifetimeMs ?? STREAM_LIFETIME_MS;
  const log = createRevisionLog();
  // Streams read through a cache of at most one poll interval: every open stream of the process
  // shares one look per interval, and a change shows within it. The look is the config revision
  // (one small item, functions/stores/dynamo-config-revision.ts); the flags and segments are read
  // only when it moved (on AWS each stream is its own Lambda instance, so this is per stream).
  let fast: ServedConfig | undefined;
  const streamServed = () => {
    const revision = runtime.flags.revision?.bind(runtime.flags);
    fast ??= createServedConfig({
      flags: runtime.flags,
      segments: runtime.segments,
      channels: runtime.config.channels,
      cacheMs: Math.min(runtime.config.configCacheMs, pollMs),
      sensitiveFields: runtime.config.sensitiveFields,
      ...(revision ? { revision } : {}),
    });
    return fast;
  };
  const opened = new WeakMap<ApiRequest, OpenStream>();

  const routes: RouteHandlers<typeof CLIENT_STREAMING_ROUTES> = {
    'GET /api/client/delta': async (req) => {
      const scope = scopeOf(req);
      const served = await clientDocumentFor(runtime.served, req);
      const current = log.record(scope, served);
      const headers = { etag: served.etag, 'cache-control': 'no-cache' };
      const since = req.headers['if-none-match'];
      if (matchesEtag(since, served.etag)) return { status: 304, headers };
      return json(200, { events: eventsFor(log.find(scope, since), current) }, headers);
    },
    'GET /api/client/streaming': async (req) => {
      const scope = scopeOf(req);
      const current = log.record(scope, await clientDocumentFor(streamServed(), req));
      const since = req.headers['last-event-id'];
      const events =
        since && unquoted(since) === current.id ? [] : eventsFor(log.find(scope, since), current);
      opened.set(req, { scope, current, kind: 'unleash' });
      const first = sseEvent({
        id: current.id,
        event: 'unleash-connected',
        data: JSON.stringify({ events }),
      });
      return json(200, first, { ...SSE_HEADERS });
    },
    'GET /ofrep/v1/sse': async (req) => {
      // Notices only: what changed is answered by the bulk evaluation the provider then sends, so
      // a frontend key learns nothing here but that something changed.
      const scope = JSON.stringify(['ofrep', req.principal.environment]);
      const read = () => streamServed().document(req.principal.environment!);
      const current = log.record(scope, await read());
      const since = req.headers['last-event-id'];
      opened.set(req, { scope, current, kind: 'ofrep' });
      // A provider that connects after its bulk fetch may have missed a change: one refresh
      // unless it names the current revision.
      const first = since && unquoted(since) === current.id ? ': connected\n\n' : refreshEvent(current);
      return json(200, first, { ...SSE_HEADERS });
    },
  };

  const readFor = (req: ApiRequest, state: OpenStream): Promise<Served> =>
    state.kind === 'ofrep'
      ? streamServed().document(req.principal.environment!)
      : clientDocumentFor(streamServed(), req);

  /** Streams `unleash-updated` deltas after the first event, until the caller leaves or the lifetime ends. */
  async function follow(req: ApiRequest, state: OpenStream, sink: ResponseSink, context: Context) {
    let closed = false;
    void sink.gone.then(() => {
      closed = true;
    });
    const budget = Math.min(lifetimeMs, context.getRemainingTimeInMillis() - 2000);
    const deadline = Date.now() + Math.max(budget, pollMs);
    let quietSince = Date.now();
    let current = state.current;
    while (!closed && Date.now() < deadline) {
      await Promise.race([new Promise((r) => setTimeout(r, pollMs)), sink.gone]);
      if (closed) break;
      let served: Served;
      try {
        served = await readFor(req, state);
      } catch {
        // A busy or restarting table: the next interval reads again; the client keeps what it has.
        continue;
      }
      if (unquoted(served.etag) !== current.id) {
        const next = log.record(state.scope, served);
        if (state.kind === 'ofrep') sink.write(refreshEvent(next));
        else {
          const events = deltaBetween(current.document, next.document, next.eventId);
          sink.write(sseEvent({ id: next.id, event: 'unleash-updated', data: JSON.stringify({ events }) }));
        }
        current = next;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= HEARTBEAT_MS) {
        sink.write(': keep-alive\n\n');
        quietSince = Date.now();
      }
    }
    sink.end();
  }

  const streamed = (http: ReturnType<typeof createHttpHandler>): StreamHandler =>
    async function stream(
      event: APIGatewayProxyEventV2,
      sink: ResponseSink,
      context: Context,
    ): Promise<void> {
      const result = await http(event, context);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      sink.open(result.statusCode ?? 200, headers);
      sink.write(result.body ?? '');
      const req = validatedRequestOf(event);
      const state = req ? opened.get(req) : undefined;
      // Only an event-stream reader (EventSource, the SDKs) is kept open; a plain GET gets the
      // first event and its end, as the request-response handler answers.
      const reader = /text\/event-stream/i.test(req?.headers.accept ?? '');
      if (!req || !state || !reader || !sink.live || result.statusCode !== 200) {
        sink.end();
        return;
      }
      await follow(req, state, sink, context);
    };

  return { routes, streamed };
}
