/**
 * Faults: DynamoDB Local, on disk, is killed with SIGKILL again and again while customers' events
 * arrive and squads edit flags, then restarted on the same port and data. Clients retry with the
 * same event ids and the same versions. Afterwards nothing accepted is lost, nothing counts twice,
 * and no write is half-done; concurrent edits of one version have one winner and 409 for the rest.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessPlatform, startPlatform } from '../../bench/local-platform';
import { freePort } from '../../local/dynamodb-local';
import { experimentAssignment } from '../../shared/experiments/assignment';
import { planIngestion } from '../../shared/experiments/ingest-plan';
import {
  addVectors,
  type ExposureObservation,
  type MetricObservation,
  type StatsVector,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { OmnilabEvent } from '../../shared/model/event';
import type { Flag } from '../../shared/model/flag';
import type { MetricDefinition } from '../../shared/model/metric';
import { type KillableDynamoDb, killableDynamoDb } from './support/dynamodb-process';
import { type Answer, request, sleep, untilAnswered } from './support/http';

const CUSTOMERS = Number(process.env.OMNILAB_FAULT_CUSTOMERS ?? 1500);
const KILLS = Number(process.env.OMNILAB_FAULT_KILLS ?? 8);
/** `npm run test:faults` sets it: each round appends what it found here, one JSON line. */
const RECORD_FILE = process.env.OMNILAB_FAULT_RECORD;
/**
 * How soon after an `accepted` answer a SIGKILL must come for DynamoDB Local to be the one that lost
 * the write: it answers TransactWriteItems before its queued SQLite COMMIT runs
 * (dynamodb-local-durability.test.ts). The queue lags by seconds on a loaded machine: in 30 rounds on
 * 2026-12-01 one whole batch (40 events, one transaction) vanished with its SIGKILL 3,777 ms after
 * the answer, while the statistics still equalled the events stored. The store's own guarantee is
 * checked apart from this, exactly: statistics equal to a recomputation from the events stored.
 */
const EMULATOR_LOSS_WINDOW_MS = 10_000;
const CHANNELS = ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'];
const METRICS = [
  { key: 'loan_submitted', name: 'Loan', kind: 'conversion', direction: 'higher-is-better', unit: '%' },
  { key: 'wait_minutes', name: 'Wait', kind: 'mean', direction: 'lower-is-better', unit: 'minutes' },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
];
const EXPERIMENT = {
  key: 'fault-banner',
  name: 'Banner under faults',
  hypothesis: 'Nothing counts twice',
  squad: 'payments',
  environment: 'development',
  trafficPercent: 100,
  channels: CHANNELS,
  variants: [
    { name: 'control', weight: 1 },
    { name: 'banner', weight: 1 },
  ],
  primaryMetric: 'loan_submitted',
  secondaryMetrics: ['wait_minutes'],
  guardrails: [{ metric: 'complaint', tolerance: 0.1 }],
  status: 'draft',
  // Before the workload's exposures: ingestion refuses an exposure that predates the start.
  startedAt: '2026-01-01T00:00:00.000Z',
};
// The platform's own assignment: ingestion refuses an exposure naming another variant.
const assign = experimentAssignment({
  ...EXPERIMENT,
  unit: 'customer',
  status: 'running',
  analysis: { sequential: true, alpha: 0.05, cuped: false },
});
const EDITED_FLAGS = ['fault-flag-a', 'fault-flag-b'];

let dir: string;
let db: KillableDynamoDb;
let p: InProcessPlatform;
let dynamo: DynamoDBClient;

const call = (method: string, path: string, body?: unknown, token = p.tokens.admin) =>
  request(p.url, method, path, { token, body });

async function must(method: string, path: string, body?: unknown): Promise<Answer> {
  const { final } = await untilAnswered(() => call(method, path, body));
  if (final.status >= 300) throw new Error(`${method} ${path}: ${final.status} ${final.text}`);
  return final;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omnilab-faults-'));
  db = killableDynamoDb({ dbPath: dir, port: await freePort() });
  await db.start();
  p = await startPlatform({ endpoint: db.endpoint, tablePrefix: 'faults-', configCacheMs: 500 });
  dynamo = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const m of METRICS) await must('PUT', `/api/admin/metrics/${m.key}`, m);
  await must('PUT', `/api/admin/experiments/${EXPERIMENT.key}`, EXPERIMENT);
  await must('PUT', `/api/admin/experiments/${EXPERIMENT.key}`, {
    ...EXPERIMENT,
    status: 'running',
    version: 1,
  });
  for (const name of [...EDITED_FLAGS, 'contested-flag'])
    await must('POST', '/api/admin/flags', { name, squad: 'payments' });
}, 180_000);

afterAll(async () => {
  dynamo?.destroy();
  await p?.close();
  await db?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Customers exposed once on some channel, then acting on any channel, with fixed ids. */
function workload(customers: number): OmnilabEvent[] {
  const events: OmnilabEvent[] = [];
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const base = Date.parse('2026-01-05T09:00:00Z');
  for (let c = 0; c < customers; c++) {
    const userId = `cust-${c}`;
    const at = (ms: number) => new Date(base + c * 1000 + ms).toISOString();
    events.push({
      id: `x-${c}`,
      type: 'exposure',
      timestamp: at(0),
      userId,
      channel: CHANNELS[c % 6],
      experiment: EXPERIMENT.key,
      // One draw as before, so the rest of the workload is unchanged; the variant is the platform's.
      variant: rnd() < 2 ? (assign(EXPERIMENT.key, { userId, channel: CHANNELS[c % 6] }) ?? 'control') : '',
    });
    const more = Math.floor(rnd() * 4);
    for (let i = 0; i < more; i++) {
      const m = METRICS[Math.floor(rnd() * 3)];
      events.push({
        id: `m-${c}-${i}`,
        type: 'metric',
        // Some before the exposure: CUPED's covariate is on the path too.
        timestamp: at(i === 0 && rnd() < 0.3 ? -500 : 10 + i),
        userId,
        channel: CHANNELS[Math.floor(rnd() * 6)],
        metric: m.key,
        value: m.kind === 'mean' ? Math.round(rnd() * 300) / 10 : 1,
      });
    }
  }
  return events;
}

function bruteForce(events: OmnilabEvent[], experiments: unknown[], catalogue: MetricDefinition[]) {
  const plan = planIngestion(events, {
    experiments: new Map(
      (experiments as { key: string; environment: string }[]).map((e) => [e.key, e as never]),
    ),
    catalogue: new Map(catalogue.map((m) => [m.key, m])),
    channels: CHANNELS,
    now: Date.now(),
    environment: 'development',
  });
  expect(plan.decided, 'the workload is all valid').toEqual([]);
  const byUnit = new Map<string, { x: ExposureObservation[]; m: MetricObservation[] }>();
  for (const e of plan.accepted) {
    const u = byUnit.get(e.units[0]) ?? { x: [], m: [] };
    if (e.exposure) u.x.push(e.exposure);
    if (e.metric) u.m.push(e.metric);
    byUnit.set(e.units[0], u);
  }
  const totals = new Map<string, StatsVector>();
  for (const { x, m } of byUnit.values())
    addVectors(totals, unitContributions(unitStateFromEvents(x, m), catalogue));
  return totals;
}

function cellsEqual(a: Map<string, StatsVector>, b: Map<string, StatsVector>): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

/** The ids of the event items in the events table, as DynamoDB Local kept them. */
async function storedEventIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: p.runtime.tables.events, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) {
      const sk = item.sk?.S ?? '';
      if (sk.startsWith('EVT#')) ids.add(sk.slice(4));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

describe('DynamoDB Local killed with SIGKILL during ingestion and admin edits', () => {
  it('loses nothing accepted, counts nothing twice, leaves no write half-done', async () => {
    const events = workload(CUSTOMERS);
    const batches: OmnilabEvent[][] = [];
    for (let i = 0; i < events.length; i += 40) batches.push(events.slice(i, i + 40));
    const outcomes = new Map<string, string[]>();
    // When each batch was answered, and when DynamoDB died and came back: what explains a surprise.
    const timeline: string[] = [];
    const t0 = Date.now();
    const mark = (what: string) => timeline.push(`${((Date.now() - t0) / 1000).toFixed(2)}s ${what}`);
    // When each event was first answered `accepted`, and when each SIGKILL came (ms since t0).
    const acceptedAt = new Map<string, number>();
    const killedAt: number[] = [];
    const stats = { requests: 0, unavailable: 0, refused: 0, resent: 0, kills: 0, killsInFlight: 0 };
    let inFlight = 0;
    let sending = true;

    const send = async (batch: OmnilabEvent[], label: string) => {
      inFlight++;
      mark(`${label} sent`);
      const { final, statuses } = await untilAnswered(() =>
        call('POST', '/api/events', { events: batch }, p.tokens.client),
      );
      inFlight--;
      stats.requests += statuses.length;
      stats.unavailable += statuses.filter((s) => s === 503).length;
      stats.refused += statuses.filter((s) => s === 0).length;
      expect(final.status, final.text).toBe(200);
      const results = (final.body as { results: { id: string; status: string }[] }).results;
      const accepted = results.filter((r) => r.status === 'accepted').length;
      mark(`${label} answered [${statuses}]: ${accepted} accepted, ${results.length - accepted} duplicate`);
      for (const r of results) outcomes.set(r.id, [...(outcomes.get(r.id) ?? []), `${r.status} (${label})`]);
      const answeredAt = Date.now() - t0;
      for (const r of results)
        if (r.status === 'accepted' && !acceptedAt.has(r.id)) acceptedAt.set(r.id, answeredAt);
    };
    let next = 0;
    const sender = async (k: number) => {
      while (next < batches.length) {
        const index = next++;
        const batch = batches[index];
        await send(batch, `batch ${index}`);
        // A client that lost the answer sends the very same batch again.
        if ((next + k) % 5 === 0) {
          stats.resent++;
          await send(batch, `batch ${index} again`);
        }
      }
    };

    const edits = { acknowledged: 0, landedUnacknowledged: 0, notLanded: 0, requests: 0 };
    const editor = async (name: string) => {
      let n = 0;
      while (sending) {
        const read = await must('GET', `/api/admin/flags/${name}`);
        const flag = read.body as Flag;
        const enabled = n++ % 2 === 0;
        const path = `/api/admin/flags/${name}/environments/development/channels/mobile`;
        const { final, statuses } = await untilAnswered(() =>
          call('PUT', path, { version: flag.version, enabled }),
        );
        edits.requests += statuses.length;
        if (final.status === 200) {
          edits.acknowledged++;
          continue;
        }
        // 409 after a 503: the earlier attempt may have committed; the flag says whether it did.
        expect(final.status, final.text).toBe(409);
        const now = (await must('GET', `/api/admin/flags/${name}`)).body as Flag;
        if (now.version === flag.version + 1 && now.environments.development.channels.mobile === enabled)
          edits.landedUnacknowledged++;
        else {
          expect(now.version, 'nobody else edits this flag').toBe(flag.version);
          edits.notLanded++;
        }
      }
    };

    const injector = async () => {
      for (let i = 0; i < KILLS && sending; i++) {
        await sleep(800 + Math.random() * 1700);
        if (!sending) break;
        if (inFlight > 0) stats.killsInFlight++;
        killedAt.push(Date.now() - t0);
        await db.kill();
        mark('DynamoDB Local SIGKILLed');
        stats.kills++;
        await sleep(300 + Math.random() * 700);
        await db.start();
        mark('DynamoDB Local answering again');
      }
    };

    const started = Date.now();
    const injecting = injector();
    const editing = EDITED_FLAGS.map(editor);
    await Promise.all([0, 1, 2, 3].map(sender));
    sending = false;
    await injecting;
    await Promise.all(editing);
    const seconds = (Date.now() - started) / 1000;

    // Nothing lost, nothing twice: every event was answered, and accepted at most once.
    expect(outcomes.size).toBe(events.length);
    let accepted = 0;
    let acceptedLate = 0;
    const twice: string[] = [];
    for (const e of events) {
      const seen = outcomes.get(e.id)!;
      expect(
        seen.every((o) => o.startsWith('accepted') || o.startsWith('duplicate')),
        `${e.id}: ${seen}`,
      ).toBe(true);
      const n = seen.filter((o) => o.startsWith('accepted')).length;
      if (n > 1) twice.push(`${e.id}: ${seen.join(', ')}`);
      if (n === 1) accepted++;
      else acceptedLate++;
    }
    // The statistics are exactly those of the events, each once: equal to a recomputation from scratch.
    const [experiments, catalogue] = await Promise.all([
      p.runtime.experiments.list(),
      p.runtime.metrics.list(),
    ]);
    const expected = bruteForce(events, experiments, catalogue);
    const stored = await p.runtime.events.readCells(EXPERIMENT.key);
    const statsEqual = cellsEqual(stored, expected);
    // What DynamoDB Local actually persisted: the event items, read back after the last restart.
    const storedIds = await storedEventIds();
    // The emulator's guarantee, apart from the store's: an accepted event without an item is a
    // commit DynamoDB Local acknowledged and then lost (it loses whole transactions: items, unit
    // states and statistic cells together), if a SIGKILL came right after the answer.
    const killSoonAfter = (id: string) => {
      const at = acceptedAt.get(id);
      const kill = at === undefined ? undefined : killedAt.find((k) => k >= at);
      return at === undefined || kill === undefined ? undefined : kill - at;
    };
    const lostAccepted = events
      .filter((e) => acceptedAt.has(e.id) && !storedIds.has(e.id))
      .map((e) => ({ id: e.id, killAfterMs: killSoonAfter(e.id) }));
    // The store's guarantee: the statistics are exactly those of the events stored, each once.
    const storedEvents = events.filter((e) => storedIds.has(e.id));
    const expectedFromStored = bruteForce(storedEvents, experiments, catalogue);
    const storeEqual = cellsEqual(stored, expectedFromStored);
    const cellDiff = (want: Map<string, StatsVector>) =>
      [...new Set([...stored.keys(), ...want.keys()])]
        .filter((c) => stored.get(c)?.get('n') !== want.get(c)?.get('n'))
        .map(
          (c) =>
            `${c.replaceAll('\u0000', '/')}: stored ${stored.get(c)?.get('n')} units, expected ${want.get(c)?.get('n')}`,
        );
    // Accepted twice: allowed only as the emulator's loss (the first commit vanished, the resend's stood).
    const twiceUnexplained = twice.filter((t) => {
      const wait = killSoonAfter(t.split(':')[0]);
      return wait === undefined || wait > EMULATOR_LOSS_WINDOW_MS;
    });
    const record = {
      at: new Date().toISOString(),
      events: events.length,
      acceptedOnce: accepted,
      sigkills: killedAt.length,
      statsEqualAllEvents: statsEqual,
      // Accepted ids that lack a stored item (the emulator's loss if killAfterMs is small).
      acceptedWithoutItem: lostAccepted,
      // Stored items missing from the statistics (the store's loss): cells short against a
      // recomputation from exactly the events stored.
      storedItemsMissingStatistics: storeEqual ? [] : cellDiff(expectedFromStored),
      shortAgainstAllEvents: statsEqual ? [] : cellDiff(expected),
      acceptedTwice: twice,
    };
    if (RECORD_FILE) appendFileSync(RECORD_FILE, `${JSON.stringify(record)}\n`);
    if (!statsEqual || !storeEqual || twice.length > 0) {
      console.log(JSON.stringify(record, null, 1), `\n${timeline.join('\n')}`);
    }
    expect(
      storeEqual,
      'the store: the statistics equal a recomputation from the events stored, each counted once',
    ).toBe(true);
    expect(
      lostAccepted.filter((l) => l.killAfterMs === undefined || l.killAfterMs > EMULATOR_LOSS_WINDOW_MS),
      'accepted events without an item, not explained by a SIGKILL right after the answer',
    ).toEqual([]);
    expect(twiceUnexplained, 'an event answered accepted twice').toEqual([]);
    // Without an emulator loss, the statistics are those of every event sent, each once.
    if (lostAccepted.length === 0 && twice.length === 0) {
      expect(statsEqual, 'the statistics equal a recomputation from the events, each counted once').toBe(
        true,
      );
    }

    // No half-done admin write: each flag's version is its number of audit entries, and the
    // last entry's after-state is the flag as stored.
    for (const name of EDITED_FLAGS) {
      const flag = (await must('GET', `/api/admin/flags/${name}`)).body as Flag;
      const audit = (await must('GET', `/api/admin/flags/${name}/audit?limit=1000`)).body as {
        entries: { after: Flag | null }[];
      };
      const versions = audit.entries.map((e) => e.after?.version).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(versions, name).toEqual(Array.from({ length: flag.version }, (_, i) => i + 1));
      const last = audit.entries.find((e) => e.after?.version === flag.version)!.after!;
      expect(last.environments.development).toEqual(flag.environments.development);
    }
    expect(edits.acknowledged + edits.landedUnacknowledged).toBeGreaterThan(0);
    expect(stats.kills).toBeGreaterThan(0);

    console.log(
      JSON.stringify({
        faults: {
          seconds,
          events: events.length,
          batches: batches.length,
          eventRequests: stats.requests,
          answered503: stats.unavailable,
          connectionErrors: stats.refused,
          batchesResent: stats.resent,
          sigkills: stats.kills,
          sigkillsWithRequestsInFlight: stats.killsInFlight,
          acceptedOnFirstAnswer: accepted,
          committedButAnsweredDuplicateOnRetry: acceptedLate,
          cells: stored.size,
          adminEdits: edits,
        },
      }),
    );
  }, 600_000);
});

describe('concurrent admin edits of one version', () => {
  it('have exactly one winner; the others get 409 and nothing is lost', async () => {
    const rounds = 5;
    const writers = 6;
    let conflicts = 0;
    for (let round = 0; round < rounds; round++) {
      const flag = (await must('GET', '/api/admin/flags/contested-flag')).body as Flag;
      const answers = await Promise.all(
        Array.from({ length: writers }, (_, w) =>
          call('PUT', '/api/admin/flags/contested-flag/environments/development', {
            version: flag.version,
            strategies: [
              {
                name: 'flexibleRollout',
                parameters: {
                  rollout: String(w * 10 + round),
                  stickiness: 'default',
                  groupId: 'contested-flag',
                },
              },
            ],
          }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(
        statuses.filter((s) => s === 200),
        `round ${round}: ${statuses}`,
      ).toHaveLength(1);
      expect(
        statuses.filter((s) => s !== 200).every((s) => s === 409),
        `round ${round}: ${statuses}`,
      ).toBe(true);
      for (const a of answers.filter((x) => x.status === 409))
        expect(a.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      conflicts += statuses.length - 1;
      const winner = statuses.indexOf(200);
      const after = (await must('GET', '/api/admin/flags/contested-flag')).body as Flag;
      expect(after.version).toBe(flag.version + 1);
      expect(after.environments.development.strategies[0].parameters?.rollout).toBe(
        String(winner * 10 + round),
      );
      const audit = (await must('GET', '/api/admin/flags/contested-flag/audit?limit=1000')).body as {
        entries: unknown[];
      };
      expect(audit.entries).toHaveLength(after.version);
    }
    console.log(JSON.stringify({ concurrentEdits: { rounds, writers, winners: rounds, conflicts } }));
  }, 120_000);
});
