/**
 * The Lambda side of a streamed answer: with Lambda's `awslambda` global, the entry is wired for
 * response streaming; a Function URL event (routeKey `$default`) is named by method and path and
 * streamed live; an API Gateway event (buffered by the HTTP API) is answered as a short answer.
 */
import { EventEmitter } from 'node:events';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type ResponseSink, streamingEntry } from '../../functions/http/response-stream';

type Streamed = (event: APIGatewayProxyEventV2, stream: FakeStream, context: Context) => Promise<void>;

class FakeStream extends EventEmitter {
  chunks: string[] = [];
  ended = false;
  prelude: unknown;
  write(chunk: string) {
    this.chunks.push(chunk);
  }
  end() {
    this.ended = true;
    this.emit('finish');
  }
}

const g: { awslambda?: unknown } = globalThis;
afterEach(() => {
  delete g.awslambda;
});

function install() {
  g.awslambda = {
    streamifyResponse: (h: Streamed) => h,
    HttpResponseStream: {
      from: (s: FakeStream, prelude: unknown) => {
        s.prelude = prelude;
        return s;
      },
    },
  };
}

const event = (routeKey: string): APIGatewayProxyEventV2 =>
  ({
    routeKey,
    rawPath: '/api/client/streaming',
    requestContext: { http: { method: 'GET' } },
  }) as unknown as APIGatewayProxyEventV2;

describe('streamingEntry', () => {
  it('without awslambda it is the buffered handler itself', () => {
    const buffered = async () => 'buffered';
    expect(streamingEntry(async () => undefined, buffered)).toBe(buffered);
  });

  it('a Function URL event streams live, with the status and headers as the prelude', async () => {
    install();
    const seen: { routeKey: string; live: boolean }[] = [];
    const entry = streamingEntry(
      async (e, sink: ResponseSink) => {
        seen.push({ routeKey: e.routeKey, live: sink.live });
        sink.open(200, { 'content-type': 'text/event-stream' });
        sink.write('event: unleash-connected\ndata: {}\n\n');
        sink.end();
        sink.write('after the end');
        await sink.gone;
      },
      async () => 'buffered',
    ) as unknown as Streamed;
    const out = new FakeStream();
    await entry(event('$default'), out, {} as Context);
    expect(seen).toEqual([{ routeKey: 'GET /api/client/streaming', live: true }]);
    expect(out.prelude).toEqual({ statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
    expect(out.chunks).toEqual(['event: unleash-connected\ndata: {}\n\n']);
    expect(out.ended).toBe(true);
  });

  it('an API Gateway event (request-response) gets the buffered answer as JSON, no prelude', async () => {
    install();
    const streamed: unknown[] = [];
    const entry = streamingEntry(
      async (e) => {
        streamed.push(e);
      },
      async () => ({
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: 'event: x\n\n',
      }),
    ) as unknown as Streamed;
    const out = new FakeStream();
    await entry(event('GET /api/client/streaming'), out, {} as Context);
    expect(streamed).toEqual([]);
    expect(out.prelude).toBeUndefined();
    expect(JSON.parse(out.chunks.join(''))).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: 'event: x\n\n',
    });
    expect(out.ended).toBe(true);
  });
});
