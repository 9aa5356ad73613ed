/**
 * Outside-in attacks on event ingestion that held (session 6 review): a client naming a variant the
 * platform did not assign, a made-up variant, a channel the experiment does not run on, and one
 * event id sent by five concurrent requests. The effect checked is the experiment's results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

interface Request {
  id: string;
  version: number;
}
interface Results {
  variants: { name: string; units: number }[];
  metrics: { key: string; variants: { variant: string; units: number; mean: number }[] }[];
}

const KEY = 'atk-forged';
let p: TestPlatform;

async function assigned(userId: string): Promise<string> {
  const res = await p.call('POST', `/ofrep/v1/evaluate/flags/${KEY}`, {
    token: p.tokens.productionClient,
    body: { context: { targetingKey: userId, userId, channel: 'mobile' } },
  });
  const body = await bodyOf<{ variant?: string }>(res);
  expect(body.variant).toMatch(/^(control|treatment)$/);
  return body.variant ?? '';
}

async function send(events: Record<string, unknown>[]): Promise<{ id: string; status: string }[]> {
  const res = await p.call('POST', '/api/events', { token: p.tokens.productionClient, body: { events } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await bodyOf<{ results: { id: string; status: string }[] }>(res)).results;
}

async function results(): Promise<Results> {
  const res = await p.call('GET', `/api/admin/experiments/${KEY}/results`, { token: p.tokens.admin });
  expect(res.status).toBe(200);
  return bodyOf<Results>(res);
}

beforeAll(async () => {
  p = await startTestPlatform();
  const metric = await p.call('PUT', '/api/admin/metrics/atk_errors', {
    token: p.tokens.admin,
    body: { key: 'atk_errors', name: 'Errors', kind: 'count', direction: 'lower-is-better', unit: 'errors' },
  });
  expect(metric.status).toBe(201);
  const opened = await p.call('PUT', `/api/admin/experiments/${KEY}`, {
    token: p.tokens.squadPayments,
    body: {
      key: KEY,
      name: 'Forged events',
      hypothesis: 'forged events change nothing',
      squad: 'payments',
      environment: 'production',
      channels: ['mobile', 'web'],
      variants: [
        { name: 'control', weight: 500 },
        { name: 'treatment', weight: 500 },
      ],
      primaryMetric: 'atk_errors',
      status: 'running',
    },
  });
  expect(opened.status, await opened.clone().text()).toBe(202);
  const request = (await bodyOf<{ changeRequest: Request }>(opened)).changeRequest;
  const approved = await bodyOf<Request>(
    await p.call('POST', `/api/admin/change-requests/${request.id}/approve`, {
      token: p.tokens.secondAdmin,
      body: { version: request.version },
    }),
  );
  const applied = await p.call('POST', `/api/admin/change-requests/${request.id}/apply`, {
    token: p.tokens.squadPayments,
    body: { version: approved.version },
  });
  expect(applied.status).toBe(200);
});
afterAll(() => p.close());

describe('events a client forges change no statistic', () => {
  it('rejects a variant the platform did not assign, a made-up variant and an unscoped channel; counts a concurrently replayed id once', async () => {
    const now = new Date().toISOString();
    const honest = 'cust-honest';
    const forger = 'cust-forger';
    const honestVariant = await assigned(honest);
    const forgedVariant = (await assigned(forger)) === 'control' ? 'treatment' : 'control';

    const outcomes = await send([
      {
        id: 'x-honest',
        type: 'exposure',
        userId: honest,
        experiment: KEY,
        variant: honestVariant,
        channel: 'mobile',
        timestamp: now,
      },
      {
        id: 'x-forged',
        type: 'exposure',
        userId: forger,
        experiment: KEY,
        variant: forgedVariant,
        channel: 'mobile',
        timestamp: now,
      },
      {
        id: 'x-made-up',
        type: 'exposure',
        userId: 'cust-3',
        experiment: KEY,
        variant: 'jackpot',
        channel: 'mobile',
        timestamp: now,
      },
      {
        id: 'x-atm',
        type: 'exposure',
        userId: 'cust-4',
        experiment: KEY,
        variant: await assigned('cust-4'),
        channel: 'atm',
        timestamp: now,
      },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected']);

    const metric = {
      id: 'm-replayed',
      type: 'metric',
      userId: honest,
      metric: 'atk_errors',
      value: 3,
      channel: 'mobile',
      timestamp: now,
    };
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => send([metric])));
    const statuses = concurrent.map((r) => r[0]?.status).sort();
    expect(statuses).toEqual(['accepted', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    // The forger's metric counts nowhere: the forger was never exposed.
    await send([
      {
        id: 'm-forger',
        type: 'metric',
        userId: forger,
        metric: 'atk_errors',
        value: 50,
        channel: 'mobile',
        timestamp: now,
      },
    ]);

    const r = await results();
    expect(r.variants.reduce((n, v) => n + v.units, 0)).toBe(1);
    expect(r.variants.find((v) => v.name === honestVariant)?.units).toBe(1);
    const errors = r.metrics.find((m) => m.key === 'atk_errors');
    expect(errors?.variants.find((v) => v.variant === honestVariant)).toMatchObject({ units: 1, mean: 3 });
    expect(errors?.variants.find((v) => v.variant !== honestVariant)).toMatchObject({ units: 0 });
  });
});
