/**
 * Per-event value problems are per-event rejections: a negative count (never a count, even without a
 * declared `min`, so it cannot pull a lower-is-better guardrail down) and a value out of any range
 * (`1e300`) are each answered `rejected` with the reason, kept raw as rejected, and the good events
 * of the same batch are accepted; a structurally invalid batch is still a 400. A data-quality report
 * on an environment that does not exist is refused instead of answering an empty, clean-looking one.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import type { EventBatchResponse } from '../../shared/model/event';
import type { MetricDefinition } from '../../shared/model/metric';
import type { RawEventRecord } from '../../shared/store/raw-event-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let stateDir = '';

const count = (key: string, min?: number): MetricDefinition => ({
  key,
  name: key,
  kind: 'count',
  direction: 'lower-is-better',
  unit: 'errors',
  ...(min !== undefined && { min }),
});

function rawRecords(): RawEventRecord[] {
  const out: RawEventRecord[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl'))
        for (const line of readFileSync(path, 'utf8').split('\n'))
          if (line !== '') out.push(JSON.parse(line) as RawEventRecord);
    }
  };
  walk(stateDir);
  return out;
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'omnilab-event-values-'));
  p = await startTestPlatform({ OMNILAB_STATE_DIR: stateDir });
  for (const m of [count('pay_err'), count('pay_err_floor', -10)]) {
    const { key, ...body } = m;
    const res = await p.call('PUT', `/api/admin/metrics/${key}`, {
      token: p.tokens.admin,
      body: { key, ...body },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => p.close());

const event = (id: string, metric: string, value?: number) => ({
  id,
  type: 'metric',
  timestamp: new Date().toISOString(),
  userId: 'cust-1',
  channel: 'mobile',
  metric,
  ...(value !== undefined && { value }),
});

describe('POST /api/events: a bad value is its own event’s rejection', () => {
  it('answers each event on its own: negative counts and 1e300 rejected, the good ones accepted', async () => {
    const res = await p.call('POST', '/api/events', {
      token: p.tokens.client,
      body: {
        events: [
          event('ok-1', 'pay_err', 2),
          event('neg-1', 'pay_err', -3),
          event('neg-2', 'pay_err_floor', -1),
          event('huge-1', 'pay_err', 1e300),
          event('huge-2', 'not-in-catalogue', -1e300),
          event('ok-2', 'pay_err'),
        ],
      },
    });
    expect(res.status).toBe(200);
    const { results } = await bodyOf<EventBatchResponse>(res);
    expect(results).toEqual([
      { id: 'ok-1', status: 'accepted' },
      { id: 'neg-1', status: 'rejected', reason: 'value: pay_err is a count, never negative' },
      { id: 'neg-2', status: 'rejected', reason: 'value: pay_err_floor is a count, never negative' },
      { id: 'huge-1', status: 'rejected', reason: expect.stringMatching(/^value: must be between/) },
      { id: 'huge-2', status: 'rejected', reason: expect.stringMatching(/^value: must be between/) },
      { id: 'ok-2', status: 'accepted' },
    ]);
    const kept = new Map(rawRecords().map((r) => [r.id, r]));
    expect(kept.get('neg-1')).toMatchObject({ outcome: 'rejected', value: -3 });
    expect(kept.get('huge-1')).toMatchObject({ outcome: 'rejected' });
    expect(kept.get('ok-1')).toMatchObject({ outcome: 'accepted', value: 2 });
    expect(kept.get('ok-2')).toMatchObject({ outcome: 'accepted' });
  });

  it('keeps a structurally invalid batch a 400 naming the field', async () => {
    for (const [body, field] of [
      [{ events: [event('s-1', 'pay_err', 1)], extra: 1e300 }, 'extra'],
      [{ events: 'x' }, 'events'],
      [{ events: [] }, 'events'],
    ] as const) {
      const res = await p.call('POST', '/api/events', { token: p.tokens.client, body });
      expect(res.status).toBe(400);
      expect((await bodyOf(res)).field).toBe(field);
    }
    expect(rawRecords().some((r) => r.id === 's-1')).toBe(false);
  });

  it('a count event is accepted exactly when its value is not negative (pure ingestion plan)', () => {
    const catalogue = new Map([
      ['c', count('c')],
      ['f', count('f', -5)],
    ]);
    const ctx = {
      experiments: new Map(),
      catalogue,
      channels: ['mobile'],
      now: Date.now(),
      environment: 'e',
    };
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom('c', 'f'), (n, metric) => {
        const value = n / 100;
        const plan = planIngestion([event('x', metric, value)], ctx);
        expect(plan.accepted.length === 1).toBe(value >= 0);
        if (value < 0) expect(plan.decided[0]).toMatchObject({ status: 'rejected' });
      }),
    );
  });
});

describe('GET /api/admin/data-quality', () => {
  it('refuses an environment that does not exist, naming the field, and reports on one that does', async () => {
    for (const environment of ['nope', "' OR 1=1 --"]) {
      const res = await p.call('GET', `/api/admin/data-quality?${new URLSearchParams({ environment })}`, {
        token: p.tokens.admin,
      });
      expect(res.status).toBe(400);
      const body = await bodyOf<{ field: string; message: string }>(res);
      expect(body.field).toBe('query.environment');
      expect(body.message).toMatch(/not an environment/);
    }
    const ok = await p.call('GET', '/api/admin/data-quality?environment=development', {
      token: p.tokens.admin,
    });
    expect(ok.status).toBe(200);
    expect(Array.isArray((await bodyOf<{ days: unknown[] }>(ok)).days)).toBe(true);
  });
});
