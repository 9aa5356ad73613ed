/**
 * The raw event store: every event POST /api/events receives is kept with the outcome it was
 * answered with, in the contract's partitions; metrics not in the catalogue and identify events are
 * answered `stored`; a failed raw write answers 503 and the resent batch keeps the accepted events
 * (as duplicates carrying every field), so nothing accepted is lost.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFirehoseRawEventStore,
  RawEventsUnavailableError,
} from '../../functions/stores/firehose-raw-event-store';
import { createLocalRawEventStore } from '../../functions/stores/local-raw-event-store';
import type { DataQualityReport } from '../../shared/experiments/data-quality';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import { rawRecords } from '../../shared/experiments/raw-records';
import type { EventBatchResponse, EventOutcome } from '../../shared/model/event';
import type { MetricDefinition } from '../../shared/model/metric';
import type { RawEventRecord } from '../../shared/store/raw-event-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const CHANNELS = ['mobile', 'branch', 'wechat'];
const catalogue = new Map<string, MetricDefinition>([
  ['loan', { key: 'loan', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' }],
  ['visits', { key: 'visits', name: 'Visits', kind: 'count', direction: 'higher-is-better', unit: 'visits' }],
]);
const ctx = { experiments: new Map(), catalogue, channels: CHANNELS, now: NOW, environment: 'production' };

/** Every record under a lake root's prefix, with the partition directories it was found in. */
function readLake(root: string, kind: 'events' | 'rejected'): (RawEventRecord & { dir: string })[] {
  const out: (RawEventRecord & { dir: string })[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl'))
        for (const line of readFileSync(path, 'utf8').split('\n'))
          if (line !== '')
            out.push({ ...(JSON.parse(line) as RawEventRecord), dir: dir.slice(root.length + 1) });
    }
  };
  try {
    walk(join(root, kind));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return out;
}

describe('raw records of a batch (pure)', () => {
  const event = fc.oneof(
    fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd'),
      type: fc.constant('metric'),
      timestamp: fc.constant('2026-11-28T11:00:00Z'),
      userId: fc.constantFrom('u1', 'u2'),
      channel: fc.constantFrom(...CHANNELS, 'fax'),
      metric: fc.constantFrom('loan', 'visits', 'nps', 'p95_login_ms'),
      value: fc.option(fc.constantFrom(0, 1, 2.5, 0.12345), { nil: undefined }),
    }),
    fc.record({
      id: fc.constantFrom('i1', 'i2'),
      type: fc.constant('identify'),
      timestamp: fc.constant('2026-11-28T10:00:00Z'),
      channel: fc.constantFrom(...CHANNELS),
      anonymousId: fc.constantFrom('wx-openid-1', 'device-9'),
      userId: fc.constantFrom('u1', 'u2'),
    }),
    fc.anything(),
  );

  it('keeps one record per event, with the outcome it was answered and the fields it sent', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const plan = planIngestion(events, ctx);
        // Storage's outcome for what it decides: accepted.
        const results: EventOutcome[] = plan.slots.map((s) => s.outcome ?? { id: s.id, status: 'accepted' });
        const records = rawRecords(events, plan.slots, results, {
          environment: 'production',
          receivedAt: '2026-11-28T12:00:01.000Z',
        });
        expect(records).toHaveLength(events.length);
        records.forEach((r, i) => {
          const sent = events[i] as Record<string, unknown>;
          expect(r.outcome).toBe(results[i].status);
          expect(r.id).toBe(results[i].id);
          expect(r).toMatchObject({ environment: 'production', receivedAt: '2026-11-28T12:00:01.000Z' });
          if (results[i].status === 'rejected') return;
          // Valid: every field as sent; a count metric's event without a value counts 1.
          const { value, ...rest } = sent;
          expect(r).toMatchObject(rest);
          if (value !== undefined) expect(r.value).toBe(value);
          else if (sent.metric === 'visits' && r.outcome !== 'stored') expect(r.value).toBe(1);
          if (sent.type === 'identify' || (sent.type === 'metric' && !catalogue.has(String(sent.metric))))
            expect(['stored', 'duplicate']).toContain(r.outcome);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('the local raw event store', () => {
  it('writes the contract layout, and concurrent appends never interleave lines', async () => {
    const root = mkdtempSync(join(tmpdir(), 'omnilab-lake-'));
    const store = createLocalRawEventStore({ root });
    const record = (i: number, outcome: RawEventRecord['outcome'], environment: string, day: string) =>
      ({
        id: `e${i}`,
        type: 'metric',
        timestamp: `${day}T00:00:00Z`,
        receivedAt: `${day}T01:00:00.000Z`,
        environment,
        channel: 'atm',
        userId: `u${i}`,
        metric: 'loan',
        value: 1,
        properties: { note: 'x'.repeat(200) },
        outcome,
        ...(outcome === 'rejected' ? { reason: 'value: bad' } : {}),
      }) satisfies RawEventRecord;
    await Promise.all(
      Array.from({ length: 20 }, (_, b) =>
        store.append(
          Array.from({ length: 50 }, (_, i) =>
            record(
              b * 50 + i,
              i % 10 === 0 ? 'rejected' : 'accepted',
              b % 2 ? 'production' : 'uat',
              `2026-11-2${b % 3}`,
            ),
          ),
        ),
      ),
    );
    const events = readLake(root, 'events');
    const rejected = readLake(root, 'rejected');
    expect(events).toHaveLength(900);
    expect(rejected).toHaveLength(100);
    for (const r of [...events, ...rejected])
      expect(r.dir).toMatch(
        new RegExp(`^(events|rejected)/environment=${r.environment}/day=${r.receivedAt.slice(0, 10)}$`),
      );
    expect(new Set(events.map((r) => r.id)).size).toBe(900);
    expect(store.location()).toEqual({ kind: 'local', root });
  });
});

describe('the Firehose raw event store', () => {
  it('packs events as JSON lines, 500 per record, puts refused records again, and fails after its attempts', async () => {
    const calls: { target: string; stream: string; records: string[][] }[] = [];
    let refuseFirst = true;
    let refuseAll = false;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const sent = JSON.parse(body) as { DeliveryStreamName: string; Records: { Data: string }[] };
        const records = sent.Records.map((r) =>
          Buffer.from(r.Data, 'base64').toString('utf8').split('\n').filter(Boolean),
        );
        calls.push({ target: String(req.headers['x-amz-target']), stream: sent.DeliveryStreamName, records });
        const failed = sent.Records.map((_, i) => refuseAll || (refuseFirst && i === 0));
        refuseFirst = false;
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(
          JSON.stringify({
            FailedPutCount: failed.filter(Boolean).length,
            RequestResponses: failed.map((f) =>
              f ? { ErrorCode: 'ServiceUnavailableException' } : { RecordId: 'r' },
            ),
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const store = createFirehoseRawEventStore({
      stream: 'omnilab-dev-raw-events',
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
      location: {
        kind: 's3',
        bucket: 'b',
        prefix: 'events/',
        rejectedPrefix: 'rejected/',
        database: 'd',
        table: 'events',
        rejectedTable: 'rejected',
        workgroup: 'w',
      },
      sleep: async () => undefined,
    });
    try {
      const records: RawEventRecord[] = Array.from({ length: 1200 }, (_, i) => ({
        id: `e${i}`,
        type: 'metric',
        timestamp: '2026-12-01T00:00:00Z',
        receivedAt: '2026-12-01T00:00:01.000Z',
        environment: 'production',
        channel: 'atm',
        userId: `u${i}`,
        metric: 'loan',
        value: 1,
        outcome: 'accepted',
      }));
      await store.append(records);
      expect(calls[0].target).toBe('Firehose_20150804.PutRecordBatch');
      expect(calls[0].stream).toBe('omnilab-dev-raw-events');
      // One call of three records (500 + 500 + 200 events), then the refused first one again.
      expect(calls.map((c) => c.records.map((r) => r.length))).toEqual([[500, 500, 200], [500]]);
      const put = calls.flatMap((c) => c.records.flat()).map((l) => (JSON.parse(l) as RawEventRecord).id);
      expect(new Set(put).size).toBe(1200);
      refuseAll = true;
      await expect(store.append(records.slice(0, 3))).rejects.toBeInstanceOf(RawEventsUnavailableError);
    } finally {
      server.close();
    }
  });
});

describe('POST /api/events keeps every event raw', () => {
  let p: TestPlatform;
  let stateDir: string;
  const lake = () => join(stateDir, 'lake');
  const send = async (events: unknown[]) =>
    p.call('POST', '/api/events', { token: p.tokens.client, body: { events } });
  const now = () => new Date().toISOString();

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'omnilab-state-'));
    p = await startTestPlatform({ OMNILAB_STATE_DIR: stateDir });
    const res = await p.call('PUT', '/api/admin/metrics/visits', {
      token: p.tokens.admin,
      body: { key: 'visits', name: 'Visits', kind: 'count', direction: 'higher-is-better', unit: 'visits' },
    });
    expect(res.status).toBe(201);
  });
  afterAll(() => p.close());

  it('answers stored for a metric not in the catalogue and an identify event, and keeps every outcome', async () => {
    const at = now();
    const res = await send([
      { id: 'v1', type: 'metric', timestamp: at, userId: 'c1', channel: 'mobile', metric: 'visits' },
      { id: 'v1', type: 'metric', timestamp: at, userId: 'c1', channel: 'mobile', metric: 'visits' },
      {
        id: 'n1',
        type: 'metric',
        timestamp: at,
        userId: 'c1',
        channel: 'atm',
        metric: 'p95_login_ms',
        value: 812,
      },
      {
        id: 'i1',
        type: 'identify',
        timestamp: at,
        channel: 'wechat',
        anonymousId: 'wx-openid-7',
        userId: 'c1',
      },
      { id: 'bad', type: 'metric', timestamp: at, channel: 'branch', metric: 'visits' },
    ]);
    expect(res.status).toBe(200);
    const { results } = await bodyOf<EventBatchResponse>(res);
    expect(results).toEqual([
      { id: 'v1', status: 'accepted' },
      { id: 'v1', status: 'duplicate' },
      { id: 'n1', status: 'stored', reason: expect.stringContaining('metric: no metric "p95_login_ms"') },
      { id: 'i1', status: 'stored', reason: expect.stringContaining('identify') },
      { id: 'bad', status: 'rejected', reason: expect.stringContaining('userId') },
    ]);
    const day = at.slice(0, 10);
    const kept = readLake(lake(), 'events');
    expect(kept.map((r) => [r.id, r.outcome])).toEqual([
      ['v1', 'accepted'],
      ['v1', 'duplicate'],
      ['n1', 'stored'],
      ['i1', 'stored'],
    ]);
    expect(kept[0]).toMatchObject({ environment: 'development', channel: 'mobile', userId: 'c1', value: 1 });
    expect(kept[0].dir).toBe(`events/environment=development/day=${day}`);
    expect(kept[2]).toMatchObject({ metric: 'p95_login_ms', value: 812, channel: 'atm' });
    expect(kept[3]).toMatchObject({
      type: 'identify',
      anonymousId: 'wx-openid-7',
      userId: 'c1',
      channel: 'wechat',
    });
    const [refused] = readLake(lake(), 'rejected');
    expect(refused).toMatchObject({ id: 'bad', outcome: 'rejected', channel: 'branch', metric: 'visits' });
    expect(refused.reason).toContain('userId');
    // The stored event counted in no statistic; the accepted one did, once.
  });

  it('answers 503 when the raw write fails; the resent batch keeps the accepted event as a duplicate with its fields', async () => {
    const dir = join(lake(), 'events', 'environment=development', `day=${now().slice(0, 10)}`);
    const [file] = readdirSync(dir);
    // The store's file becomes a directory: every append to it fails.
    renameSync(join(dir, file), join(dir, `${file}.aside`));
    mkdirSync(join(dir, file));
    const at = now();
    const event = {
      id: 'v2',
      type: 'metric',
      timestamp: at,
      userId: 'c2',
      channel: 'branch',
      metric: 'visits',
      value: 3,
    };
    const failed = await send([event]);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    rmdirSync(join(dir, file));
    renameSync(join(dir, `${file}.aside`), join(dir, file));
    const again = await send([event]);
    expect(again.status).toBe(200);
    expect((await bodyOf<EventBatchResponse>(again)).results).toEqual([{ id: 'v2', status: 'duplicate' }]);
    const kept = readLake(lake(), 'events').filter((r) => r.id === 'v2');
    expect(kept).toEqual([
      expect.objectContaining({
        outcome: 'duplicate',
        userId: 'c2',
        channel: 'branch',
        metric: 'visits',
        value: 3,
        timestamp: at,
      }),
    ]);
  });
  it('reports data quality per channel and day from the raw events, late ones counted', async () => {
    const lateAt = new Date(Date.now() - 30 * 3_600_000).toISOString();
    const late = await send([
      { id: 'late1', type: 'metric', timestamp: lateAt, userId: 'c3', channel: 'atm', metric: 'visits' },
    ]);
    expect((await bodyOf<EventBatchResponse>(late)).results).toEqual([{ id: 'late1', status: 'accepted' }]);
    const day = now().slice(0, 10);
    const res = await p.call('GET', `/api/admin/data-quality?environment=development&from=${day}&to=${day}`, {
      token: p.tokens.productOwner,
    });
    expect(res.status).toBe(200);
    const report = await bodyOf<DataQualityReport>(res);
    expect(report).toMatchObject({ environment: 'development', from: day, to: day, lateAfterHours: 24 });
    const cell = (channel: string) => report.days.find((d) => d.channel === channel);
    expect(cell('mobile')).toMatchObject({ received: 2, accepted: 1, duplicates: 1, stored: 0, late: 0 });
    expect(cell('atm')).toMatchObject({ received: 2, accepted: 1, stored: 1, late: 1 });
    expect(cell('wechat')).toMatchObject({ received: 1, stored: 1 });
    // The first v2 was never kept raw (its write failed); its resend was, as a duplicate.
    expect(cell('branch')).toMatchObject({ received: 2, duplicates: 1, rejected: { total: 1 } });
    expect(Object.keys(cell('branch')!.rejected.byReason)).toEqual([expect.stringContaining('userId')]);
    const bad = await p.call('GET', '/api/admin/data-quality?environment=development&from=2026-13-01', {
      token: p.tokens.admin,
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('query.from');
    const client = await p.call('GET', '/api/admin/data-quality?environment=development', {
      token: p.tokens.client,
    });
    expect(client.status).toBe(403);
  });
  it('answers any query to data quality with 200 or a 4xx naming the field, never a 5xx', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2026-02-30', '2026-12-01', '1999-01-01', '9999-99-99', "x' OR 1=1 --", '%00', ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({ environment: value, from: value, to: value }, { requiredKeys: [] }),
        async (q) => {
          const res = await p.call('GET', `/api/admin/data-quality?${new URLSearchParams(q)}`, {
            token: p.tokens.admin,
          });
          const body = (await res.json()) as { code?: string; message?: string; days?: unknown[] };
          if (res.status === 200) expect(Array.isArray(body.days)).toBe(true);
          else {
            expect(res.status).toBe(400);
            expect(body.message).toMatch(/query\./);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
