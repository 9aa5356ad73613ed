/**
 * Streamed answers (Server-Sent Events): the sink a streaming handler writes to, the SSE framing,
 * and the adapter that gives the same handler Lambda response streaming on AWS.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** Where a streamed answer goes: the local server's socket, or Lambda's response stream. */
export interface ResponseSink {
  /** Status and headers; called once, before the first write. */
  open(status: number, headers: Record<string, string>): void;
  write(chunk: string): void;
  end(): void;
  /** Resolves when the caller has gone away (or the answer was ended). */
  readonly gone: Promise<void>;
  /**
   * False when the answer is buffered whole before the caller sees it (API Gateway's HTTP API):
   * then a stream sends its first event and ends, and the SDK reconnects or falls back to polling.
   */
  readonly live: boolean;
}

export type StreamHandler = (
  event: APIGatewayProxyEventV2,
  sink: ResponseSink,
  context: Context,
) => Promise<void>;

/** One SSE event: `id`, `event` and `data` fields (data lines split on newlines). */
export function sseEvent(fields: { id?: string; event?: string; data: string }): string {
  let out = '';
  if (fields.id !== undefined) out += `id: ${fields.id}\n`;
  if (fields.event !== undefined) out += `event: ${fields.event}\n`;
  for (const line of fields.data.split('\n')) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** The headers every event stream answers with (no buffering by proxies, never cached). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

interface LambdaResponseStream {
  write(chunk: string): unknown;
  end(): unknown;
  on(event: 'close' | 'finish' | 'error', listener: () => void): unknown;
}
interface LambdaStreamingGlobal {
  streamifyResponse(
    handler: (event: APIGatewayProxyEventV2, stream: LambdaResponseStream, context: Context) => Promise<void>,
  ): unknown;
  HttpResponseStream: {
    from(
      stream: LambdaResponseStream,
      prelude: { statusCode: number; headers: Record<string, string> },
    ): LambdaResponseStream;
  };
}

function lambdaStreaming(): LambdaStreamingGlobal | undefined {
  const g: { awslambda?: Partial<LambdaStreamingGlobal> } = globalThis;
  const aws = g.awslambda;
  const { streamifyResponse, HttpResponseStream } = aws ?? {};
  return streamifyResponse && HttpResponseStream ? { streamifyResponse, HttpResponseStream } : undefined;
}

/**
 * The module's Lambda entry point. In Lambda's Node runtime (`awslambda` present) the function is
 * wired for response streaming (a Function URL with `InvokeMode: RESPONSE_STREAM`); its events
 * carry `routeKey: '$default'`, so the route is named from the method and path. Anywhere else
 * (tests, the local server's plain path) it is `buffered`, the ordinary request-response handler.
 */
export function streamingEntry<
  H extends (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>,
>(stream: StreamHandler, buffered: H): H {
  const aws = lambdaStreaming();
  if (!aws) return buffered;
  const streamified = aws.streamifyResponse(async (event, responseStream, context) => {
    // A Function URL names no route ('$default'). API Gateway names it and invokes the function
    // request-response: what it reads is the bytes written, so it gets the buffered answer's JSON.
    const live = event.routeKey === '$default' || event.routeKey === undefined;
    if (!live) {
      responseStream.write(JSON.stringify(await buffered(event, context)));
      responseStream.end();
      return;
    }
    event.routeKey = `${event.requestContext.http.method} ${event.rawPath}`;
    let out: LambdaResponseStream = responseStream;
    let ended = false;
    const gone = new Promise<void>((resolve) => {
      responseStream.on('close', resolve);
      responseStream.on('finish', resolve);
      responseStream.on('error', resolve);
    });
    await stream(
      event,
      {
        open(status, headers) {
          out = aws.HttpResponseStream.from(responseStream, { statusCode: status, headers });
        },
        write(chunk) {
          if (!ended) out.write(chunk);
        },
        end() {
          if (ended) return;
          ended = true;
          out.end();
        },
        gone,
        live,
      },
      context,
    );
  });
  // Lambda's runtime calls the streamified function with its own arguments; its type is the runtime's.
  return streamified as H;
}
