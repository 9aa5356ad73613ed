/**
 * How the console reads change requests: the exact change as before → after lines per environment,
 * the pending markers, and who sees which action — properties over generated flags and principals,
 * against the API's own approval rule (mayApprove).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeLines, linesByScope, pendingFor, requestActions } from '../../console/src/change-view';
import { parseRoute } from '../../console/src/router';
import { type ChangeRequest, mayApprove } from '../../shared/governance/change-request';
import type { Flag } from '../../shared/model/flag';
import type { Principal } from '../../shared/model/token';

const CHANNELS = ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'];
const ENVS = ['development', 'production'];

function flag(name: string, channels: Record<string, Record<string, boolean>>, version = 1): Flag {
  return {
    name,
    description: '',
    squad: 'payments',
    type: 'release',
    tags: [],
    impressionData: false,
    dependencies: [],
    variants: [],
    environments: Object.fromEntries(
      ENVS.map((e) => [e, { enabled: true, channels: channels[e] ?? {}, strategies: [] }]),
    ),
    archived: false,
    version,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
  };
}

function request(before: Flag | null, after: Flag, changes: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    id: 'cr-1',
    kind: 'change',
    title: `change ${after.name}`,
    routeKey: 'PUT /api/admin/flags/{name}',
    params: { name: after.name },
    body: {},
    target: { type: 'flag', id: after.name },
    environments: ['production'],
    squad: 'payments',
    author: { name: 'payments-squad', kind: 'admin', role: 'squad', squad: 'payments' },
    status: 'open',
    requiredApprovals: 1,
    approvals: [],
    revision: 1,
    change: {
      ops: [
        {
          type: 'flags',
          writes: [
            {
              flag: { ...after, version: (before?.version ?? 0) + 1 },
              expectedVersion: before?.version ?? null,
            },
          ],
          audit: [
            {
              id: 'a1',
              at: '2026-12-01T00:00:00.000Z',
              actor: 'payments-squad',
              action: 'flag.updated',
              target: { type: 'flag', id: after.name },
              environments: ENVS,
              before,
              after,
            },
          ],
        },
      ],
    },
    version: 1,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...changes,
  };
}

const channelStates = fc.record(
  Object.fromEntries(
    ENVS.map((e) => [e, fc.record(Object.fromEntries(CHANNELS.map((c) => [c, fc.boolean()])))]),
  ),
) as fc.Arbitrary<Record<string, Record<string, boolean>>>;

describe('change lines', () => {
  it('name exactly the channels that change, in their environment, with before and after', () => {
    fc.assert(
      fc.property(channelStates, channelStates, (a, b) => {
        const lines = changeLines(request(flag('f', a), flag('f', b)));
        const expected = ENVS.flatMap((e) =>
          CHANNELS.filter((c) => a[e][c] !== b[e][c]).map((c) => ({
            scope: e,
            field: `channels.${c}`,
            before: a[e][c],
            after: b[e][c],
          })),
        );
        expect(
          lines
            .map(({ scope, field, before, after }) => ({ scope, field, before, after }))
            .sort((x, y) => `${x.scope}${x.field}`.localeCompare(`${y.scope}${y.field}`)),
        ).toEqual(expected.sort((x, y) => `${x.scope}${x.field}`.localeCompare(`${y.scope}${y.field}`)));
      }),
    );
  });

  it('put flag-wide fields under every environment, first, and leave version and times out', () => {
    const before = flag('f', {});
    const after = { ...flag('f', {}), variants: [{ name: 'a', weight: 1000, stickiness: 'default' }] };
    const groups = linesByScope(changeLines(request(before, after)));
    expect(groups.map(([scope]) => scope)).toEqual(['*']);
    expect(groups[0][1].map((l) => l.field)).toEqual(['variants']);
  });

  it('read a created flag (no before) field by field, per environment', () => {
    const after = flag('new', { production: { mobile: true } });
    const lines = changeLines(request(null, after));
    expect(lines.find((l) => l.scope === 'production' && l.field === 'channels.mobile')).toMatchObject({
      after: true,
    });
    expect(lines.some((l) => l.field === 'version' || l.field === 'updatedAt')).toBe(false);
  });
});

describe('pending markers', () => {
  it('mark the switch a waiting request changes, in its environment only, and nothing once decided', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENVS), fc.constantFrom(...CHANNELS), (env, channel) => {
        const before = flag('f', {});
        const after = flag('f', { [env]: { [channel]: true } });
        const cr = request(before, after);
        const target = { type: 'flag', id: 'f' };
        for (const e of ENVS)
          for (const c of CHANNELS)
            expect(pendingFor([cr], target, e, [`channels.${c}`, 'enabled']).length).toBe(
              e === env && c === channel ? 1 : 0,
            );
        expect(pendingFor([cr], { type: 'flag', id: 'other' }, env, [`channels.${channel}`])).toEqual([]);
        for (const status of ['applied', 'rejected', 'cancelled', 'reviewed'] as const)
          expect(pendingFor([{ ...cr, status }], target, env, [`channels.${channel}`])).toEqual([]);
      }),
    );
  });
});

describe('actions by right', () => {
  const principal = fc.record({
    name: fc.constantFrom(
      'payments-squad',
      'cards-squad',
      'risk-li',
      'po-anna',
      'admin-wang',
      'Payments-Squad',
    ),
    kind: fc.constantFrom('admin' as const, 'client' as const),
    role: fc.constantFrom(
      'platform-admin' as const,
      'squad' as const,
      'product-owner' as const,
      'auditor' as const,
    ),
    squad: fc.constantFrom('payments', 'cards'),
  }) as fc.Arbitrary<Principal>;
  const status = fc.constantFrom(
    'open' as const,
    'approved' as const,
    'failed' as const,
    'needs-review' as const,
    'applied' as const,
    'rejected' as const,
  );

  it('follow the API: approve only where mayApprove says so, never the author, nothing for product owners', () => {
    fc.assert(
      fc.property(principal, status, (me, s) => {
        const cr = request(flag('f', {}), flag('f', { production: { mobile: true } }), { status: s });
        const can = requestActions(me, cr);
        const may = mayApprove(me, cr).ok;
        if (can.approve || can.review || can.reject) expect(may).toBe(true);
        if (me.role === 'product-owner' || me.kind !== 'admin')
          expect(Object.values(can).every((v) => v === false)).toBe(true);
        if (me.name === cr.author.name) {
          expect(can.approve || can.review || can.reject).toBe(false);
          expect(can.withdraw).toBe(
            ['open', 'approved', 'failed'].includes(s) && me.kind === 'admin' && me.role !== 'product-owner',
          );
        }
        expect(can.apply).toBe(
          s === 'approved' &&
            (me.name === cr.author.name || may) &&
            me.kind === 'admin' &&
            me.role !== 'product-owner',
        );
        expect(can.approve).toBe(s === 'open' && may && me.kind === 'admin' && me.role !== 'product-owner');
      }),
    );
  });
});

describe('routes', () => {
  it('parse the new pages, keeping flag names and ids whole', () => {
    expect(parseRoute('#/new-flag')).toEqual({ page: 'new-flag' });
    expect(parseRoute('#/new-experiment?draft=%7B%7D')).toEqual({ page: 'new-experiment' });
    expect(parseRoute('#/experiments/loan.v2/edit')).toEqual({ page: 'experiment-edit', key: 'loan.v2' });
    expect(parseRoute('#/changes')).toEqual({ page: 'changes' });
    expect(parseRoute('#/changes/ab-12')).toEqual({ page: 'change', id: 'ab-12' });
    expect(parseRoute('#/segments/new')).toEqual({ page: 'segment', id: 'new' });
    expect(parseRoute('#/metrics/csat_score')).toEqual({ page: 'metric', key: 'csat_score' });
    expect(parseRoute('#/audit')).toEqual({ page: 'audit' });
    expect(parseRoute('#/flags/new')).toEqual({ page: 'flag', name: 'new' });
  });
});
