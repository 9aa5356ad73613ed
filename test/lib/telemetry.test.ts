/**
 * What the functions write to their logs (functions/runtime/logger.ts, functions/runtime/metrics.ts): a
 * failed route as one JSON line naming its route, function and request id and the error by name and
 * code only; and `POST /api/events` counting each outcome it answered in one CloudWatch EMF line,
 * with no customer id in any line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from '../../functions/http/http-handler';
import { OPENAPI_ROUTES } from '../../functions/routes/openapi-routes';
import { invocationContext } from '../../functions/runtime/logger';
import type { EventBatchResponse } from '../../shared/model/event';
import type { TokenStore } from '../../shared/store/token-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

/** Every line written to stdout and stderr while `run` runs (Powertools writes through its own Console on both). */
async function linesWhile(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines;
}

function json(lines: string[]): Record<string, unknown>[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

afterEach(() => vi.restoreAllMocks());

describe('the log line of a failed route', () => {
  it('names the route, function and request id, and the error by name and code only', async () => {
    const handler = createHttpHandler(
      {
        tokens: { get: async () => undefined } as unknown as TokenStore,
        maxBodyBytes: 1024,
        tokenCacheMs: 0,
      },
      OPENAPI_ROUTES,
      {
        'GET /api/openapi.json': async () => {
          throw Object.assign(new Error('customer cust-4711 and secret s3cr3t'), { code: 'EBROKEN' });
        },
      },
    );
    const context = invocationContext('openapi');
    let status: number | undefined;
    const lines = await linesWhile(async () => {
      const result = await handler(
        {
          routeKey: 'GET /api/openapi.json',
          rawPath: '/api/openapi.json',
          headers: {},
          requestContext: { http: { method: 'GET' } },
        } as unknown as Parameters<typeof handler>[0],
        context,
      );
      status = result.statusCode;
    });
    expect(status).toBe(500);
    const [line] = json(lines).filter((l) => l.level === 'ERROR');
    expect(line).toMatchObject({
      service: 'omnilab',
      route: 'GET /api/openapi.json',
      function_name: 'openapi',
      function_request_id: context.awsRequestId,
      error: { name: 'Error', code: 'EBROKEN' },
    });
    expect(lines.join('\n')).not.toMatch(/cust-4711|s3cr3t/);
  });
});

describe('POST /api/events', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(() => p?.close());

  it('counts every outcome it answered in one EMF line of namespace omnilab, with no customer id', async () => {
    const now = new Date().toISOString();
    const events = [
      {
        type: 'identify',
        id: 'tel-1',
        timestamp: now,
        userId: 'cust-4711',
        channel: 'web',
        anonymousId: 'dev-9',
      },
      {
        type: 'exposure',
        id: 'tel-2',
        timestamp: now,
        userId: 'cust-4711',
        channel: 'web',
        experiment: 'nope',
        variant: 'a',
      },
      {
        type: 'metric',
        id: 'tel-3',
        timestamp: now,
        userId: 'cust-4711',
        channel: 'web',
        metric: 'nope',
        value: 1,
      },
    ];
    let answered: EventBatchResponse | undefined;
    const lines = await linesWhile(async () => {
      const res = await p.call('POST', '/api/events', { token: p.tokens.client, body: { events } });
      answered = await bodyOf<EventBatchResponse>(res);
    });
    const outcomes = answered!.results.map((r) => r.status);
    expect(outcomes).toHaveLength(3);
    const emf = json(lines).filter((l) => l._aws !== undefined);
    expect(emf).toHaveLength(1);
    const [line] = emf;
    expect(line._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'omnilab' }] });
    const metricOf = {
      accepted: 'EventsAccepted',
      duplicate: 'EventsDuplicate',
      stored: 'EventsStored',
      rejected: 'EventsRejected',
    };
    for (const [status, name] of Object.entries(metricOf)) {
      const n = outcomes.filter((o) => o === status).length;
      expect(line[name], name).toBe(n === 0 ? undefined : n);
    }
    expect(lines.join('\n')).not.toContain('cust-4711');
  });
});
