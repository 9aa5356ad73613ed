/**
 * End to end on the local platform: simulated customers send events through POST /api/events in
 * waves, and the scheduled function runs after each. A treatment that raises complaints on ATMs
 * only is rolled back on ATMs only, within a few checks, with the evidence in the audit log; an
 * A/A experiment is never rolled back however often it is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create as createGuardrailCheckHandler } from '../../functions/handlers/guardrail-check-handler';
import { createLogNotifier } from '../../functions/services/notifier';
import { checkGuardrails } from '../../shared/experiments/guardrail';
import type { OmnilabEvent } from '../../shared/model/event';
import type { Experiment } from '../../shared/model/experiment';
import { type PlantedEffect, seededRandom, simulateExperiment } from '../../shared/simulation/simulation';
import { heldRequest } from '../support/governance';
import { startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const logged: string[] = [];
const CHANNELS = ['mobile', 'web', 'atm'];

function experiment(key: string): Experiment {
  return {
    key,
    name: key,
    hypothesis: 'A faster cash-withdrawal screen does not annoy anyone.',
    squad: 'payments',
    environment: 'development',
    trafficPercent: 100,
    channels: CHANNELS,
    unit: 'customer',
    variants: [
      { name: 'control', weight: 1 },
      { name: 'treatment', weight: 1 },
    ],
    primaryMetric: 'complaint_filed',
    secondaryMetrics: [],
    guardrails: [{ metric: 'complaint_filed', tolerance: 0.05 }],
    status: 'running',
    // Before the simulated waves (the simulator's default start): ingestion refuses earlier exposures.
    startedAt: '2025-03-01T00:00:00.000Z',
    analysis: { sequential: true, alpha: 0.05, cuped: false },
  };
}

/**
 * 500 a batch, two at a time. A batch answered 503 (storage timed out on a loaded machine) is sent
 * again unchanged, as the API asks: what the first attempt stored answers `duplicate` then, and
 * nothing counts twice.
 */
async function send(events: OmnilabEvent[]): Promise<void> {
  const batches: OmnilabEvent[][] = [];
  for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500));
  let next = 0;
  const post = (batch: OmnilabEvent[]) =>
    p.call('POST', '/api/events', { token: p.tokens.client, body: { events: batch } });
  await Promise.all(
    [0, 1].map(async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        let res = await post(batch);
        for (let resent = 1; res.status === 503 && resent <= 3; resent++) {
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 500 * resent));
          res = await post(batch);
        }
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }),
  );
}

function wave(e: Experiment, i: number, units: number, effects: PlantedEffect[]): OmnilabEvent[] {
  return simulateExperiment(
    {
      experiment: e,
      units,
      metrics: { complaint_filed: { kind: 'count', rate: 0.4 } },
      effects,
      idPrefix: `${e.key}-w${i}-`,
    },
    seededRandom(1000 + i),
  ).events;
}

const check = () =>
  createGuardrailCheckHandler(
    p.runtime,
    createLogNotifier((l) => logged.push(l)),
  )();

beforeAll(async () => {
  p = await startTestPlatform();
  const metric = await p.call('PUT', '/api/admin/metrics/complaint_filed', {
    token: p.tokens.admin,
    body: {
      key: 'complaint_filed',
      name: 'Complaints filed',
      kind: 'count',
      direction: 'lower-is-better',
      unit: 'complaints',
    },
  });
  expect(metric.status).toBe(201);
  for (const key of ['atm-cash-screen', 'aa-cash-screen']) {
    const res = await p.call('PUT', `/api/admin/experiments/${key}`, {
      token: p.tokens.squadPayments,
      body: experiment(key),
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => p.close());

// Each test's time is DynamoDB Local's writes: 120 s was met at a load of 20 on 2 cores (the ATM
// test took 118 s there, 24.6 s in the last CI run); the limit only keeps a loaded machine from failing it.
describe('guardrails roll a treatment back per channel', () => {
  it('halts the ATM channel only, within a few checks, and the audit entry says why', async () => {
    const e = experiment('atm-cash-screen');
    // Waves of 450 customers with complaints +150% on ATMs: replayed over the pure core
    // (checkGuardrails on the simulator's cells after each wave), ATM degrades after wave 3 as it
    // did with 900 a wave at +80% (the platform's run agreed), and no other channel ever does; half
    // the customers, so half the DynamoDB Local writes.
    const PER_WAVE = 450;
    const harm: PlantedEffect[] = [
      { variant: 'treatment', metric: 'complaint_filed', relativeLift: 1.5, channel: 'atm' },
    ];
    let haltedAt = 0;
    for (let i = 1; i <= 8 && haltedAt === 0; i++) {
      await send(wave(e, i, PER_WAVE, harm));
      const run = await check();
      const halted = run.halted.find((h) => h.experiment === e.key);
      if (halted) {
        expect(halted.channels).toEqual(['atm']);
        haltedAt = i;
      }
    }
    console.log(`atm-cash-screen: ATM rolled back after wave ${haltedAt} (${PER_WAVE} customers per wave)`);
    expect(haltedAt).toBeGreaterThan(0);
    expect(haltedAt).toBeLessThanOrEqual(5);
    // Further checks neither halt another channel nor halt ATM twice.
    await send(wave(e, 9, PER_WAVE, harm));
    expect((await check()).halted.filter((h) => h.experiment === e.key)).toEqual([]);

    const stored = (await (
      await p.call('GET', `/api/admin/experiments/${e.key}`, { token: p.tokens.admin })
    ).json()) as { haltedChannels: string[]; version: number };
    expect(stored.haltedChannels).toEqual(['atm']);
    const served = (await (
      await p.call('GET', '/api/admin/flags/atm-cash-screen', { token: p.tokens.admin })
    ).json()) as { environments: Record<string, { channels: Record<string, boolean> }> };
    expect(served.environments.development.channels).toEqual({ mobile: true, web: true, atm: false });

    const audit = await p.runtime.audit.listByTarget('experiment', e.key);
    const tripped = audit.find((a) => a.action === 'experiment.guardrail-tripped')!;
    expect(tripped.actor).toBe('omnilab-guardrail');
    const why = tripped.after as {
      channels: string[];
      evidence: { channel: string; pValue: number; alpha: number; harm: number; tolerance: number }[];
    };
    expect(why.channels).toEqual(['atm']);
    expect(why.evidence[0].channel).toBe('atm');
    expect(why.evidence[0].pValue).toBeLessThan(why.evidence[0].alpha);
    expect(why.evidence[0].harm).toBeGreaterThan(why.evidence[0].tolerance);
    expect(tripped.hash).toMatch(/^[0-9a-f]{64}$/);

    const notes = (await (
      await p.call('GET', '/api/admin/notifications', { token: p.tokens.productOwner })
    ).json()) as { notifications: { kind: string; subject: string }[] };
    expect(notes.notifications).toContainEqual(
      expect.objectContaining({ kind: 'guardrail-halt', subject: e.key }),
    );
    expect(logged.some((l) => l.includes('guardrail-halt') && l.includes(e.key))).toBe(true);

    // Resuming is never the squad's alone, not even in development.
    const resume = await heldRequest(
      await p.call('POST', `/api/admin/experiments/${e.key}/resume`, {
        token: p.tokens.squadPayments,
        body: { version: stored.version, channels: ['atm'] },
      }),
    );
    expect(resume.requiredApprovals).toBe(1);
  }, 300_000);

  it('never rolls an A/A experiment back over many checks', async () => {
    const e = experiment('aa-cash-screen');
    // Twelve looks of 250 customers: from the third on every channel's arms hold the 100 units a
    // guardrail is judged on (asserted below). Many more A/A looks are made over the pure core in
    // test/results/aa.test.ts (30 experiments × 20 looks × 3 guardrails × 3 channels, tolerance 0:
    // no trip); through the platform each customer costs DynamoDB writes.
    const PER_WAVE = 250;
    let looks = 0;
    for (let i = 1; i <= 12; i++) {
      await send(wave(e, 100 + i, PER_WAVE, []));
      const run = await check();
      looks++;
      expect(
        run.halted.filter((h) => h.experiment === e.key),
        `look ${i}`,
      ).toEqual([]);
    }
    console.log(`aa-cash-screen: ${looks} looks, ${looks * PER_WAVE} customers, no roll-back`);
    const stored = (await (
      await p.call('GET', `/api/admin/experiments/${e.key}`, { token: p.tokens.admin })
    ).json()) as { haltedChannels: string[] };
    expect(stored.haltedChannels).toEqual([]);
    // The looks judged the guardrail on every channel (enough units, an estimate): none tripped.
    const judged = checkGuardrails(
      e,
      await p.runtime.metrics.list(),
      await p.runtime.events.readCells(e.key),
    );
    expect(judged.map((c) => [c.channel, c.status])).toEqual(CHANNELS.map((c) => [c, 'ok']));
  }, 300_000);
});
