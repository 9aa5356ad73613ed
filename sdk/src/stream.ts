/**
 * `@omnilab/sdk/streaming`: the client's configuration kept current by the server's stream
 * (`GET /api/client/streaming`, Server-Sent Events with Unleash's delta events) instead of polling.
 * `createClient({ …, stream: sseStream() })`; where the runtime cannot read a streamed body
 * (no fetch with `ReadableStream`), or the server offers no stream, the client keeps polling.
 */
import type {
  ClientFeaturesDocument,
  DeltaEvent,
  Feature,
  Segment,
} from '../../shared/model/client-features';
import type { ConfigStream, StreamTarget } from './types';

export interface SseStreamOptions {
  /** A fetch whose answers have a readable `body`; default the runtime's. */
  fetch?: typeof fetch;
  /** Reconnects without an event in between before the client goes back to polling. Default 3. */
  maxFailures?: number;
  /** Wait before a reconnect, in ms. Default 1000. */
  retryMs?: number;
}

/** Applies Unleash delta events to a document's features and segments. */
function reduce(features: Map<string, Feature>, segments: Map<number, Segment>, events: DeltaEvent[]) {
  for (const e of events) {
    if (e.type === 'hydration') {
      features.clear();
      segments.clear();
      for (const f of e.features) features.set(f.name, f);
      for (const s of e.segments ?? []) segments.set(s.id, s);
    } else if (e.type === 'feature-updated') features.set(e.feature.name, e.feature);
    else if (e.type === 'feature-removed') features.delete(e.featureName);
    else if (e.type === 'segment-updated') segments.set(e.segment.id, e.segment);
    else if (e.type === 'segment-removed') segments.delete(e.segmentId);
  }
}

export function sseStream(options: SseStreamOptions = {}): ConfigStream {
  return {
    open(target: StreamTarget) {
      const fetchFn = options.fetch ?? globalThis.fetch;
      const maxFailures = options.maxFailures ?? 3;
      const retryMs = options.retryMs ?? 1000;
      let abort: AbortController | undefined;
      let closed = false;
      let failures = 0;
      let lastId = target.lastEventId;
      const features = new Map<string, Feature>();
      const segments = new Map<number, Segment>();
      // Until a hydration arrives, a resumed stream's deltas apply to the document the client has.
      if (target.document)
        reduce(features, segments, [{ eventId: 0, type: 'hydration', ...target.document }]);

      const handle = (block: string) => {
        let event = 'message';
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon === 0) continue;
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'id') id = value;
          else if (field === 'data') data.push(value);
        }
        if (event !== 'unleash-connected' && event !== 'unleash-updated') return;
        const { events } = JSON.parse(data.join('\n')) as { events: DeltaEvent[] };
        reduce(features, segments, events);
        if (id !== undefined) lastId = id;
        failures = 0;
        const document: ClientFeaturesDocument = {
          version: 2,
          features: [...features.values()],
          segments: [...segments.values()],
        };
        target.onDocument(document, lastId ? `"${lastId}"` : null);
      };

      const connect = async (): Promise<void> => {
        if (closed) return;
        abort = new AbortController();
        const headers: Record<string, string> = { ...target.headers, Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        let ok = false;
        try {
          const res = await fetchFn(target.url, { headers, signal: abort.signal });
          const reader = res.status === 200 ? res.body?.getReader() : undefined;
          if (reader) {
            ok = true;
            const decoder = new TextDecoder();
            let buffer = '';
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
              for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
                handle(buffer.slice(0, at));
                buffer = buffer.slice(at + 2);
              }
            }
          }
        } catch {
          // a network failure, an abort or a bad event: counted below
        }
        if (closed) return;
        if (!ok || ++failures >= maxFailures) {
          closed = true;
          target.onEnd();
          return;
        }
        setTimeout(() => void connect(), retryMs);
      };

      if (typeof fetchFn !== 'function' || typeof TextDecoder !== 'function') {
        target.onEnd();
        return () => undefined;
      }
      void connect();
      return () => {
        closed = true;
        abort?.abort();
      };
    },
  };
}
