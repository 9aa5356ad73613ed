/** A bank's worth of flags that exercise channels, rollouts, constraints, segments, variants and dependencies. */
import { expect } from 'vitest';
import type { Flag } from '../../shared/model/flag';
import { bodyOf, type TestPlatform } from './platform';

const all = { mobile: true, web: true, branch: true, call_center: true, wechat: true, atm: true };

export async function createScenario(p: TestPlatform): Promise<string[]> {
  const seg = await bodyOf<{ id: number }>(
    await p.call('POST', '/api/admin/segments', {
      token: p.tokens.admin,
      body: { name: 'adults', constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }] },
    }),
  );
  const flags: Record<string, object> = {
    'mobile-web-only': {
      environments: {
        development: { enabled: true, channels: { mobile: true, web: true, branch: false }, strategies: [] },
      },
    },
    'rollout-30': {
      environments: {
        development: {
          enabled: true,
          channels: { ...all, branch: false },
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: 30, stickiness: 'default', groupId: 'rollout-30' },
            },
          ],
        },
      },
    },
    'gold-tier': {
      environments: {
        development: {
          enabled: true,
          channels: all,
          strategies: [
            { name: 'userWithId', parameters: { userIds: 'user-1,user-2,user-3' } },
            { name: 'default', constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] },
          ],
        },
      },
    },
    'new-home-screen': {
      variants: [
        {
          name: 'blue',
          weight: 0,
          weightType: 'variable',
          payload: { type: 'json', value: '{"colour":"blue","cards":3}' },
        },
        { name: 'green', weight: 0, weightType: 'variable', payload: { type: 'string', value: 'green' } },
        { name: 'red', weight: 0, weightType: 'variable', stickiness: 'userId' },
      ],
      environments: {
        development: {
          enabled: true,
          channels: { mobile: true, wechat: true },
          strategies: [
            { name: 'flexibleRollout', parameters: { rollout: 80, stickiness: 'userId', groupId: 'nhs' } },
          ],
        },
      },
    },
    'adult-products': {
      environments: {
        development: {
          enabled: true,
          channels: { ...all, atm: false },
          strategies: [
            {
              name: 'default',
              segments: [seg.id],
              constraints: [{ contextName: 'tier', operator: 'NOT_IN', values: ['blocked'] }],
            },
          ],
        },
      },
    },
    killed: { environments: { development: { enabled: false, channels: all, strategies: [] } } },
    'strategy-variants': {
      environments: {
        development: {
          enabled: true,
          channels: { web: true, branch: true, call_center: true },
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: 100, stickiness: 'default', groupId: 'sv' },
              variants: [
                {
                  name: 'a',
                  weight: 500,
                  weightType: 'variable',
                  stickiness: 'default',
                  payload: { type: 'number', value: '12.5' },
                },
                { name: 'b', weight: 500, weightType: 'variable', stickiness: 'default' },
              ],
            },
          ],
        },
      },
    },
    'child-of-rollout': {
      dependencies: [{ feature: 'rollout-30' }],
      environments: { development: { enabled: true, channels: all, strategies: [] } },
    },
  };
  for (const [name, body] of Object.entries(flags)) {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name, squad: 'payments', ...body },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  return Object.keys(flags);
}

export const CHANNELS = ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'];

/** ASCII ids only: unleash-client hashes non-ASCII ids differently from every other SDK. */
export function contexts(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const channel = i % 7 === 6 ? undefined : CHANNELS[i % 7];
    const properties: Record<string, string> = {
      tier: ['gold', 'silver', 'blocked'][i % 3],
      age: String(10 + (i % 40)),
    };
    // Half put the channel in properties, as an SDK without a `channel` field would.
    const ctx: { userId: string; sessionId: string; channel?: string; properties: Record<string, string> } = {
      userId: `user-${i}`,
      sessionId: `s${i * 7}`,
      properties,
    };
    if (channel && i % 2 === 0) ctx.channel = channel;
    else if (channel) properties.channel = channel;
    return ctx;
  });
}

export async function toggleChannel(
  p: TestPlatform,
  name: string,
  channel: string,
  enabled: boolean,
): Promise<void> {
  const flag = await bodyOf<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
  const res = await p.call('PUT', `/api/admin/flags/${name}/environments/development/channels/${channel}`, {
    token: p.tokens.admin,
    body: { version: flag.version, enabled },
  });
  expect(res.status).toBe(200);
}
