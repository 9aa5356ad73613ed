/**
 * What an open stream costs the table: store calls counted over a real stream against DynamoDB
 * Local. Before the config revision, every tick read every flag and segment; with it, a tick is one
 * small read, and the flags are read again only after a write moved it. A change still reaches the
 * stream, and the figures (reads per minute per stream) are printed for docs/deploy.md.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createClientStreamingHandler } from '../../functions/handlers/client-streaming-handler';
import type { ResponseSink } from '../../functions/http/response-stream';
import type { Runtime } from '../../functions/runtime/composition-root';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const POLL_MS = 250;

beforeAll(async () => {
  p = await startTestPlatform();
  const res = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: {
      name: 'reads-banner',
      squad: 'lending',
      environments: { development: { enabled: true, channels: { mobile: true, web: true }, strategies: [] } },
    },
  });
  expect(res.status, await res.clone().text()).toBe(201);
});
afterAll(async () => {
  await p.close();
});

interface Counts {
  flagLists: number;
  segmentLists: number;
  revisionReads: number;
}

/** The platform's runtime with its flag and segment reads counted; `revision: false` is the store before the marker. */
function counted(withRevision: boolean): { runtime: Runtime; counts: Counts } {
  const counts: Counts = { flagLists: 0, segmentLists: 0, revisionReads: 0 };
  const real = p.runtime;
  const revision = real.flags.revision?.bind(real.flags);
  const flags: Runtime['flags'] = {
    get: (n) => real.flags.get(n),
    write: (w, a) => real.flags.write(w, a),
    list: () => {
      counts.flagLists++;
      return real.flags.list();
    },
    ...(withRevision && revision
      ? {
          revision: () => {
            counts.revisionReads++;
            return revision();
          },
        }
      : {}),
  };
  const segments: Runtime['segments'] = {
    ...real.segments,
    list: () => {
      counts.segmentLists++;
      return real.segments.list();
    },
  };
  // The streams' own cache is one poll interval, as deployed (OMNILAB_CONFIG_CACHE_MS is 1 s).
  return { runtime: { ...real, flags, segments, config: { ...real.config, configCacheMs: 1000 } }, counts };
}

function streamEvent(): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'GET /api/client/streaming',
    rawPath: '/api/client/streaming',
    rawQueryString: '',
    headers: { authorization: p.tokens.client, accept: 'text/event-stream', 'unleash-client-spec': '5.2.0' },
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'GET',
        path: '/api/client/streaming',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'stream-reads',
      routeKey: 'GET /api/client/streaming',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

/** Runs one stream for `ms`, calling `during` halfway; answers the events it wrote. */
async function runStream(runtime: Runtime, ms: number, during?: () => Promise<void>): Promise<string> {
  const { stream } = createClientStreamingHandler(runtime, { pollMs: POLL_MS, lifetimeMs: ms });
  let text = '';
  let leave = () => {};
  const gone = new Promise<void>((r) => {
    leave = r;
  });
  const sink: ResponseSink = {
    open: () => {},
    write: (chunk) => {
      text += chunk;
    },
    end: () => leave(),
    gone,
    live: true,
  };
  const context = { getRemainingTimeInMillis: () => 15 * 60_000 } as Context;
  const running = stream(streamEvent(), sink, context);
  if (during) {
    await new Promise((r) => setTimeout(r, ms / 2));
    await during();
  }
  await running;
  return text;
}

const perMinute = (n: number, ms: number) => Math.round((n * 60_000) / ms);

// 2 s by default; STREAM_READS_WINDOW_MS=60000 measures a whole minute (the figure in docs/deploy.md).
const WINDOW_MS = Number(process.env.STREAM_READS_WINDOW_MS ?? 2000);

describe('reads per open stream', () => {
  it(
    'a quiet stream reads one small item per tick, not every flag; a write still reaches it',
    async () => {
      const before = counted(false);
      await runStream(before.runtime, WINDOW_MS);
      const after = counted(true);
      await runStream(after.runtime, WINDOW_MS);

      // The opening read (flags and segments once per connection) is left out of the per-minute figures.
      const beforeTicks = before.counts.flagLists + before.counts.segmentLists - 2;
      const afterTicks = after.counts.flagLists + after.counts.segmentLists - 2;
      console.log(
        `stream reads over ${WINDOW_MS} ms at ${POLL_MS} ms ticks: before ${JSON.stringify(before.counts)} ` +
          `(${perMinute(beforeTicks, WINDOW_MS)} whole-table Queries a minute after the opening); ` +
          `after ${JSON.stringify(after.counts)} (${perMinute(after.counts.revisionReads, WINDOW_MS)} GetItems ` +
          `and ${perMinute(afterTicks, WINDOW_MS)} whole-table Queries a minute after the opening)`,
      );
      // Before: a flags and a segments Query every tick.
      expect(before.counts.flagLists).toBeGreaterThanOrEqual(WINDOW_MS / POLL_MS / 2);
      // After: the whole read at the stream's opening (and once a minute anyway); one revision read per tick.
      const whole = 1 + Math.floor(WINDOW_MS / 60_000);
      expect(after.counts.flagLists).toBeLessThanOrEqual(whole);
      expect(after.counts.segmentLists).toBeLessThanOrEqual(whole);
      expect(after.counts.revisionReads).toBeGreaterThanOrEqual(WINDOW_MS / POLL_MS / 2);

      // A write moves the revision: the stream reads whole (and once more a second later) and sends it.
      const moved = counted(true);
      const text = await runStream(moved.runtime, WINDOW_MS, async () => {
        const flag = await bodyOf<{ version: number }>(
          await p.call('GET', '/api/admin/flags/reads-banner', { token: p.tokens.admin }),
        );
        const res = await p.call(
          'PUT',
          '/api/admin/flags/reads-banner/environments/development/channels/web',
          {
            token: p.tokens.admin,
            body: { enabled: false, version: flag.version },
          },
        );
        expect(res.status, await res.clone().text()).toBe(200);
      });
      expect(text).toContain('event: unleash-updated');
      expect(text).toContain('reads-banner');
      expect(moved.counts.flagLists).toBeGreaterThanOrEqual(2);
      expect(moved.counts.flagLists).toBeLessThanOrEqual(3 + Math.floor(WINDOW_MS / 60_000));
    },
    3 * WINDOW_MS + 20_000,
  );
});
