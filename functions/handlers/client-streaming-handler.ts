/**
 * The streaming function: Unleash's delta and streaming APIs and OFREP's change notices
 * (functions/route-handlers/client-streaming-routes.ts), request-response or streamed.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createHttpHandler } from '../http/http-handler';
import { type ResponseSink, streamingEntry } from '../http/response-stream';
import {
  type ClientStreamingOptions,
  clientStreamingRoutes,
} from '../route-handlers/client-streaming-routes';
import { CLIENT_STREAMING_ROUTES } from '../routes/client-streaming-routes';
import { getRuntime, type Runtime } from '../runtime/composition-root';
import { httpDeps } from '../services/admin-support';

export function create(runtime: Runtime, options: ClientStreamingOptions = {}) {
  const { routes, streamed } = clientStreamingRoutes(runtime, options);
  const http = createHttpHandler(httpDeps(runtime), CLIENT_STREAMING_ROUTES, routes);
  return { http, stream: streamed(http) };
}

let built: ReturnType<typeof create> | undefined;
const instance = () => {
  built ??= create(getRuntime());
  return built;
};

/** Streamed: the first event, then deltas until the caller leaves or the lifetime ends. */
export function streamHandler(event: APIGatewayProxyEventV2, sink: ResponseSink, context: Context) {
  return instance().stream(event, sink, context);
}

/** Request-response: the delta API, and a stream's first event alone (the SDK reconnects). */
function bufferedHandler(event: APIGatewayProxyEventV2, context: Context) {
  return instance().http(event, context);
}

export const handler = streamingEntry(streamHandler, bufferedHandler);
