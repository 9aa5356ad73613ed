/**
 * A simulated release through the real platform: the bank's default template from
 * experiments/releases.yaml, plans started and approved over the admin API in production (four
 * eyes), customers' events through POST /api/events, and the scheduled function with an injected
 * clock. Two releases walk at once over the same customers (one stream of events, one scheduler
 * look a day): a healthy flag walks every milestone to 100% on every channel; a flag that harms web
 * customers is paused and rolled back on web only, with the evidence stored. What SDKs are served
 * is read from the client API and evaluated as they would. The A/A property (never paused over many
 * runs, with the false-pause rate reported) runs the same decision code over the pure core in
 * release-aa.test.ts: through the platform each run costs seconds of DynamoDB writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import type { Runtime } from '../../functions/runtime/composition-root';
import { createLogNotifier } from '../../functions/services/notifier';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import type { ReleasePlan } from '../../shared/release/release-plan';
import { armOf } from '../../shared/release/release-rollout';
import { releasesFileSchema } from '../../shared/release/releases-as-code';
import { seededRandom } from '../../shared/simulation/simulation';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const logged: string[] = [];
/** Twelve days ago: every simulated event is in the past of the server's own clock. */
const T0 = Date.now() - 12 * 86_400_000;
let clock = T0;
let rt: Runtime;

/** Active customers per channel (each on one channel). */
const POPULATION: Record<string, number> = {
  mobile: 2000,
  web: 1000,
  wechat: 500,
  branch: 300,
  call_center: 300,
  atm: 300,
};
const BASE_COMPLAINT_RATE = 0.08;
/** Units exposed a milestone waits for: at 5% of 2,000 mobile customers, about 100 are. */
const SIMULATED_MIN_EXPOSED = 80;

async function admin(method: string, path: string, body?: unknown, token = p.tokens.admin) {
  const res = await p.call(method, path, { token, body });
  const json = await bodyOf(res);
  return { status: res.status, json };
}

/**
 * Sends the events as SDKs do, 500 a batch, two at a time. A batch answered 503 (storage timed out
 * on this shared machine) is sent again unchanged, as the API asks: what the first attempt stored
 * answers `duplicate` then, and nothing counts twice.
 */
async function sendEvents(events: unknown[]): Promise<void> {
  const batches: unknown[][] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        let res = await p.call('POST', '/api/events', {
          token: p.tokens.productionClient,
          body: { events: batch },
        });
        let resent = 0;
        while (res.status === 503 && resent < 3) {
          resent++;
          await new Promise((r) => setTimeout(r, 500 * resent));
          res = await p.call('POST', '/api/events', {
            token: p.tokens.productionClient,
            body: { events: batch },
          });
        }
        expect(res.status).toBe(200);
        const out = await bodyOf<{ results: { status: string; reason?: string }[] }>(res);
        const ok = resent > 0 ? ['accepted', 'duplicate'] : ['accepted'];
        expect(out.results.find((r) => !ok.includes(r.status))).toBeUndefined();
      }
    }),
  );
}

/** A release walked in the simulation: its flag, the harm it does per channel, where it stands. */
interface Walk {
  flag: string;
  /** Complaint rate multiplier per channel for customers the flag is on for. */
  harm: Record<string, number>;
  plan: ReleasePlan;
  /** The milestone after each simulated day it was active. */
  milestones: number[];
  /** The milestone of the day before (a new one brings every customer back into its comparison). */
  last: number;
}

const splits = (plan: ReleasePlan, channel: string) => {
  const percent = plan.applied?.channels[channel] ?? 0;
  return percent > 0 && percent < 100;
};

/**
 * One simulated day of the bank's customers, shared by every release walking at once (as two
 * releases in a bank reach the same customers): each customer on a channel an active plan splits
 * files a complaint with the base rate, times a walk's `harm[channel]` for each flag on for them;
 * on a milestone's first day for any plan splitting their channel they start a session, which
 * brings them into that milestone's comparison. The platform derives each plan's exposures from
 * the same events (the flag's hash), so one stream of events feeds every plan's safeguards.
 */
function day(walks: readonly Walk[], seed: number) {
  const random = seededRandom(seed);
  const out = [];
  const at = new Date(clock + 60_000).toISOString();
  const active = walks.filter((w) => w.plan.status === 'active');
  for (const [channel, n] of Object.entries(POPULATION)) {
    const splitting = active.filter((w) => splits(w.plan, channel));
    if (splitting.length === 0) continue;
    const firstDay = splitting.some((w) => w.plan.current !== w.last);
    for (let i = 0; i < n; i++) {
      const userId = `customer-${channel}-${i}`;
      const base = { type: 'metric' as const, timestamp: at, userId, channel };
      if (firstDay)
        out.push({ ...base, id: `${seed}-s-${channel}-${i}`, metric: 'session_started', value: 1 });
      let rate = BASE_COMPLAINT_RATE;
      for (const w of walks) {
        const percent = w.plan.applied?.channels[channel] ?? 0;
        if (percent > 0 && (percent >= 100 || armOf(w.flag, userId, percent) === 'exposed'))
          rate *= w.harm[channel] ?? 1;
      }
      if (random() < rate)
        out.push({ ...base, id: `${seed}-c-${channel}-${i}`, metric: 'complaint_filed', value: 1 });
    }
  }
  return out;
}

const scheduler = () =>
  createGuardrailCheckHandler(
    rt,
    createLogNotifier((l) => logged.push(l)),
  )();

async function readPlan(flag: string): Promise<ReleasePlan> {
  const { status, json } = await admin(
    'GET',
    `/api/admin/flags/${flag}/environments/production/release-plan`,
  );
  expect(status).toBe(200);
  return json as unknown as ReleasePlan;
}

/** What a production SDK gets for a customer on a channel. */
async function served(flag: string, userId: string, channel: string): Promise<boolean> {
  const res = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
  const doc = (await res.json()) as ClientFeaturesDocument;
  return evaluate(compile(doc), flag, { userId, channel }).enabled;
}

/** Starts the bank default plan on a new flag in production, approved by a second person and by risk. */
async function startPlan(flag: string): Promise<ReleasePlan> {
  const created = await admin(
    'POST',
    '/api/admin/flags',
    { name: flag, squad: 'payments' },
    p.tokens.squadPayments,
  );
  expect(created.status).toBe(201);
  const put = await admin(
    'PUT',
    `/api/admin/flags/${flag}/environments/production/release-plan`,
    { template: 'bank-default-simulated', version: created.json.version },
    p.tokens.squadPayments,
  );
  expect(put.status, JSON.stringify(put.json)).toBe(201);
  expect(put.json.status).toBe('pending-approval');
  let plan = put.json as unknown as ReleasePlan;
  const act = async (action: string, token: string, extra: Record<string, unknown> = {}) => {
    const r = await admin(
      'POST',
      `/api/admin/flags/${flag}/environments/production/release-plan/${action}`,
      { version: plan.version, ...extra },
      token,
    );
    expect(r.status).toBe(200);
    plan = r.json as unknown as ReleasePlan;
  };
  // The author cannot approve their own plan.
  const own = await admin(
    'POST',
    `/api/admin/flags/${flag}/environments/production/release-plan/approve`,
    { version: plan.version },
    p.tokens.squadPayments,
  );
  expect(own.status).toBe(403);
  await act('approve', p.tokens.secondAdmin);
  expect(plan.status).toBe('active');
  await act('approve', p.tokens.auditor, { milestone: 1 });
  await act('approve', p.tokens.auditor, { milestone: 4 });
  return plan;
}

/** Days pass, customers act, the scheduler runs (one look at every plan a day), until no plan moves or `days` pass. */
async function simulate(walks: Walk[], days: number, seed: number): Promise<void> {
  for (const w of walks) w.plan = await readPlan(w.flag);
  for (let d = 0; d < days; d++) {
    const active = walks.filter((w) => w.plan.status === 'active');
    if (active.length === 0) break;
    const events = day(walks, seed + d);
    for (const w of active) w.last = w.plan.current;
    if (events.length > 0) await sendEvents(events);
    sent += events.length;
    clock += 86_400_000;
    await scheduler();
    for (const w of active) {
      w.plan = await readPlan(w.flag);
      w.milestones.push(w.plan.current);
    }
  }
}

const walks = new Map<string, Walk>();
let walked: Promise<void> | undefined;
let sent = 0;
/** Both releases walk together, once, over the same customers; each test reads its own. */
function walk(): Promise<void> {
  walked ??= (async () => {
    const harms: [string, Record<string, number>][] = [
      ['transfer-healthy', {}],
      ['transfer-harms-web', { web: 2.5 }],
    ];
    for (const [flag, harm] of harms)
      walks.set(flag, { flag, harm, plan: await startPlan(flag), milestones: [], last: Number.NaN });
    clock = T0;
    await simulate([...walks.values()], 16, 1);
    console.log(JSON.stringify({ releasesWalked: walks.size, eventsSent: sent }));
  })();
  return walked;
}

function walkOf(flag: string): Walk {
  const w = walks.get(flag);
  if (!w) throw new Error(`no walk of ${flag}`);
  return w;
}

beforeAll(async () => {
  p = await startTestPlatform();
  rt = { ...p.runtime, now: () => new Date(clock) };
  for (const m of [
    {
      key: 'session_started',
      name: 'Sessions',
      kind: 'count',
      direction: 'higher-is-better',
      unit: 'sessions',
    },
    {
      key: 'complaint_filed',
      name: 'Complaints',
      kind: 'count',
      direction: 'lower-is-better',
      unit: 'complaints',
    },
    { key: 'app_crash', name: 'Crashes', kind: 'count', direction: 'lower-is-better', unit: 'crashes' },
  ])
    expect((await admin('PUT', `/api/admin/metrics/${m.key}`, m)).status).toBeLessThan(300);
  const seg = await admin('POST', '/api/admin/segments', {
    name: 'staff',
    constraints: [{ contextName: 'staff', operator: 'IN', values: ['true'] }],
  });
  expect(seg.status).toBe(201);
  const file = releasesFileSchema.parse(
    parse(readFileSync(join(import.meta.dirname, '..', '..', 'experiments', 'releases.yaml'), 'utf8')),
  );
  for (const t of file.templates)
    expect((await admin('POST', '/api/admin/release-templates', t)).status).toBe(201);
  // The bank default as written, with its exposure gates sized to the simulated population.
  const bank = file.templates.find((t) => t.id === 'bank-default');
  if (!bank) throw new Error('experiments/releases.yaml has no bank-default');
  const sim = {
    ...bank,
    id: 'bank-default-simulated',
    milestones: bank.milestones.map((m) =>
      m.gates.minExposedUnits ? { ...m, gates: { ...m.gates, minExposedUnits: SIMULATED_MIN_EXPOSED } } : m,
    ),
  };
  expect((await admin('POST', '/api/admin/release-templates', sim)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await p?.close();
});

describe('a simulated release through the platform and the scheduler', () => {
  it('walks a healthy flag through every milestone to 100% on every channel', async () => {
    await walk();
    const { flag, plan, milestones } = walkOf('transfer-healthy');
    expect(plan.status).toBe('completed');
    expect(plan.current).toBe(5);
    // Each milestone in order, none skipped, each held at least its minimum.
    expect([...new Set(milestones)]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(plan.events.filter((e) => e.kind === 'advanced').map((e) => e.milestone)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    for (const channel of Object.keys(POPULATION)) {
      expect(await served(flag, `someone-on-${channel}`, channel)).toBe(true);
      expect(plan.applied?.channels[channel]).toBe(100);
    }
    // Staff had it first, on every channel, before any customer.
    const audit = await p.runtime.audit.listByTarget('flag', flag);
    const steps = audit.filter((a) => a.action === 'flag.release-step');
    expect(steps.length).toBe(6);
  }, 600_000);

  it('pauses a flag that harms web customers and rolls back web only, with the evidence stored', async () => {
    await walk();
    const { flag, plan } = walkOf('transfer-harms-web');
    expect(plan.status).toBe('paused');
    // It stopped on a milestone that splits web (25% or 50%), rolled web back to off, and kept
    // every other channel at that milestone's share.
    expect([2, 3]).toContain(plan.current);
    const shares = plan.milestones[plan.current].channels;
    expect(plan.rolledBack).toEqual({ web: 0 });
    expect(plan.applied?.channels).toEqual({
      ...Object.fromEntries(Object.keys(POPULATION).map((c) => [c, shares[c] ?? 0])),
      web: 0,
    });
    const mobileOn = Array.from({ length: 200 }, (_, i) => `${flag}-mobile-${i}`).find(
      (u) => armOf(flag, u, shares.mobile) === 'exposed',
    ) as string;
    expect(await served(flag, mobileOn, 'mobile')).toBe(true);
    expect(await served(flag, `${flag}-web-1`, 'web')).toBe(false);
    const rolled = plan.events.find((e) => e.kind === 'rolled-back');
    expect(rolled?.channels).toEqual(['web']);
    const web = rolled?.evidence?.find((c) => c.channel === 'web');
    expect(web?.status).toBe('degraded');
    expect(Number(web?.evidence.pValue)).toBeLessThan(Number(web?.evidence.alpha));
    expect(rolled?.evidence?.some((c) => c.channel === 'mobile')).toBe(false);
    const audit = await p.runtime.audit.listByTarget('flag', flag);
    expect(audit.some((a) => a.action === 'release-plan.rolled-back')).toBe(true);
    expect(audit.some((a) => a.action === 'flag.release-rollback')).toBe(true);
    const notes = await p.runtime.notifications.list();
    expect(notes.some((n) => n.subject === flag && n.kind === 'guardrail-halt')).toBe(true);
  }, 600_000);
});
