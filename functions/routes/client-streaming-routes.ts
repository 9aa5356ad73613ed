/** The client-streaming function's routes: Unleash's delta and streaming APIs and OFREP's change notices (SSE; on AWS a streaming Function URL, docs/deploy.md). */
import type { RouteDeclarations } from './route-declaration';

const fn = { function: 'client-streaming', entry: 'functions/handlers/client-streaming-handler.ts' } as const;

export const CLIENT_STREAMING_ROUTES = {
  'GET /api/client/delta': {
    ...fn,
    access: 'client',
    summary:
      'Unleash delta API: the events from the If-None-Match revision (else a hydration); the revision in the ETag, 304 when current',
  },
  'GET /api/client/streaming': {
    ...fn,
    access: 'client',
    summary:
      'Unleash streaming API (SSE): unleash-connected with what the client lacks (Last-Event-ID), then unleash-updated deltas',
  },
  'GET /ofrep/v1/sse': {
    ...fn,
    access: 'evaluation',
    summary:
      "OFREP change notification (ADR-0008, SSE): a refresh message when the environment's flags change; offered in bulk evaluation's eventStreams",
  },
} as const satisfies RouteDeclarations;
