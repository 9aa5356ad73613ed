// Flag lifecycle: stages derived from evidence (metrics per environment, plans, rollout), potentially-stale by type, the cleanup report, and lifecycle on the admin API with ?lifecycle=potentially-stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flag } from '../../shared/model/flag';
import {
  cleanupReport,
  type LifecycleEvidence,
  lifecycleOf,
  potentiallyStale,
} from '../../shared/release/flag-lifecycle';
import type { ClientMetricsRow } from '../../shared/store/client-metrics-store';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

const CHANNELS = ['mobile', 'web'];
const flag = (over: Partial<Flag> = {}): Flag => ({
  name: 'f',
  description: '',
  squad: 's',
  type: 'release',
  tags: [],
  impressionData: false,
  dependencies: [],
  variants: [],
  environments: {
    development: { enabled: true, channels: { mobile: true }, strategies: [] },
    production: { enabled: true, channels: { mobile: false, web: false }, strategies: [] },
  },
  archived: false,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  ...over,
});
const row = (environment: string, hour: string, yes = 1): ClientMetricsRow => ({
  flag: 'f',
  appName: 'a',
  channel: 'mobile',
  yes,
  no: 0,
  variants: {},
  environment,
  hour,
});
const evidence = (metrics: ClientMetricsRow[] = []): LifecycleEvidence => ({
  metrics,
  plans: [],
  protectedEnvironments: new Set(['production']),
  channels: CHANNELS,
});

describe('flag lifecycle', () => {
  it('moves initial → pre-live → live → completed → archived on evidence', () => {
    expect(lifecycleOf(flag(), evidence())).toEqual({ stage: 'initial', since: '2026-01-01T00:00:00.000Z' });
    const dev = [
      row('development', '2026-01-03T10:00:00.000Z'),
      row('development', '2026-01-03T09:00:00.000Z'),
    ];
    expect(lifecycleOf(flag(), evidence(dev))).toEqual({
      stage: 'pre-live',
      since: '2026-01-03T09:00:00.000Z',
    });
    const prod = [...dev, row('production', '2026-01-05T00:00:00.000Z')];
    expect(lifecycleOf(flag(), evidence(prod)).stage).toBe('live');
    const full = flag({
      environments: { production: { enabled: true, channels: { mobile: true, web: true }, strategies: [] } },
    });
    expect(lifecycleOf(full, evidence(prod)).stage).toBe('completed');
    expect(lifecycleOf({ ...full, archived: true }, evidence(prod)).stage).toBe('archived');
  });

  it('is potentially stale past its type’s lifetime, and lists cleanup candidates', () => {
    const now = new Date('2026-03-01T00:00:00.000Z');
    const f = flag();
    const lc = lifecycleOf(f, evidence());
    expect(potentiallyStale(f, lc, now)).toBe(true);
    expect(potentiallyStale({ ...f, type: 'kill-switch' }, lc, now)).toBe(false);
    expect(potentiallyStale(f, lc, new Date('2026-01-20T00:00:00.000Z'))).toBe(false);
    const report = cleanupReport(
      [f],
      new Map([['f', lc]]),
      [row('production', '2026-01-05T00:00:00.000Z')],
      now,
      30,
    );
    expect(report).toEqual([{ flag: 'f', squad: 's', reason: 'unused', since: '2026-01-05T00:00:00.000Z' }]);
  });
});

describe('lifecycle on the admin API', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  }, 120_000);
  afterAll(async () => {
    await p?.close();
  });

  it('answers lifecycle on every flag and filters potentially-stale ones', async () => {
    const created = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: 'fresh', squad: 'payments' },
    });
    expect(created.status).toBe(201);
    const one = await bodyOf<{ lifecycle: { stage: string; since: string } }>(
      await p.call('GET', '/api/admin/flags/fresh', { token: p.tokens.admin }),
    );
    expect(one.lifecycle.stage).toBe('initial');
    const all = await bodyOf<{ flags: { name: string; lifecycle: unknown }[] }>(
      await p.call('GET', '/api/admin/flags', { token: p.tokens.admin }),
    );
    expect(all.flags.every((f) => f.lifecycle !== undefined)).toBe(true);
    const stale = await bodyOf<{ flags: { name: string }[] }>(
      await p.call('GET', '/api/admin/flags?lifecycle=potentially-stale', { token: p.tokens.admin }),
    );
    expect(stale.flags.map((f) => f.name)).not.toContain('fresh');
    const report = await bodyOf<{ days: number; flags: { flag: string; reason: string }[] }>(
      await p.call('GET', '/api/admin/release-cleanup?days=1', { token: p.tokens.admin }),
    );
    expect(report.days).toBe(1);
    // Just created and never evaluated: not yet unused for a day.
    expect(report.flags.map((f) => f.flag)).not.toContain('fresh');
    const badDays = await p.call('GET', '/api/admin/release-cleanup?days=soon', { token: p.tokens.admin });
    expect(badDays.status).toBe(400);
    expect((await bodyOf<{ field: string }>(badDays)).field).toBe('query.days');
    const bad = await p.call('GET', '/api/admin/flags?lifecycle=soon', { token: p.tokens.admin });
    expect(bad.status).toBe(400);
    expect((await bodyOf<{ field: string }>(bad)).field).toBe('query.lifecycle');
  });
});
