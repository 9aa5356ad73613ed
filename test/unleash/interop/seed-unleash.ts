/**
 * Seeds a real Unleash with bank flags through its admin API: rollouts, constraints on `channel`, a
 * segment, variants with payloads, a strategy with strategy variants, a disabled strategy with a
 * title, a dependency, tags and a stale flag. Used by the interop suite.
 */

export interface UnleashAdmin {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

export function unleashAdmin(url: string, token: string): UnleashAdmin {
  return {
    async call(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: token, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`Unleash ${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
      return text ? JSON.parse(text) : {};
    },
  };
}

export const SEEDED_FLAGS = [
  'loan-banner',
  'loan-banner-copy',
  'card-freeze',
  'branch-queue',
  'old-statement',
];

export async function seedUnleash(api: UnleashAdmin, environment = 'development'): Promise<void> {
  const p = '/api/admin/projects/default';
  await api.call('POST', '/api/admin/context', {
    name: 'channel',
    description: 'Banking channel',
    legalValues: ['mobile', 'web', 'branch', 'call_center', 'wechat', 'atm'].map((value) => ({ value })),
  });
  const segment = (await api.call('POST', '/api/admin/segments', {
    name: 'adults',
    description: 'Customers of age',
    constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18', values: [] }],
  })) as { id: number };
  const create = (name: string, type: string, extra: object = {}) =>
    api.call('POST', `${p}/features`, { name, type, description: `${name} (seeded)`, ...extra });
  const strategy = (flag: string, body: object) =>
    api.call('POST', `${p}/features/${flag}/environments/${environment}/strategies`, body);
  const on = (flag: string) => api.call('POST', `${p}/features/${flag}/environments/${environment}/on`);

  await create('loan-banner', 'experiment', { impressionData: true });
  await strategy('loan-banner', {
    name: 'flexibleRollout',
    title: 'Adults on mobile and web, 40%',
    parameters: { groupId: 'loan-banner', rollout: '40', stickiness: 'default' },
    constraints: [{ contextName: 'channel', operator: 'IN', values: ['mobile', 'web'] }],
    segments: [segment.id],
    // Unleash 8 takes variants on strategies only (environment variants are deprecated there).
    variants: [
      { name: 'control', weight: 500, weightType: 'variable', stickiness: 'default' },
      {
        name: 'rate-first',
        weight: 500,
        weightType: 'variable',
        stickiness: 'default',
        payload: { type: 'json', value: '{"rate":"3.9%"}' },
      },
    ],
  });
  await strategy('loan-banner', {
    name: 'default',
    title: 'Everyone (paused)',
    disabled: true,
    parameters: {},
  });
  await on('loan-banner');

  await create('loan-banner-copy', 'release');
  await strategy('loan-banner-copy', {
    name: 'flexibleRollout',
    parameters: { groupId: 'loan-banner-copy', rollout: '100', stickiness: 'default' },
    variants: [
      {
        name: 'short',
        weight: 700,
        weightType: 'variable',
        stickiness: 'default',
        payload: { type: 'string', value: 'Borrow now' },
      },
      {
        name: 'long',
        weight: 300,
        weightType: 'variable',
        stickiness: 'default',
        payload: { type: 'string', value: 'Borrow at 3.9% today' },
      },
    ],
  });
  await on('loan-banner-copy');
  await api.call('POST', `${p}/features/loan-banner-copy/dependencies`, {
    feature: 'loan-banner',
    enabled: true,
  });

  await create('card-freeze', 'kill-switch');
  // Unleash 8 has no userWithId strategy: a user list is a constraint on userId.
  await strategy('card-freeze', {
    name: 'flexibleRollout',
    parameters: { groupId: 'card-freeze', rollout: '100', stickiness: 'default' },
    constraints: [
      { contextName: 'userId', operator: 'IN', values: ['customer-3', 'customer-17', 'customer-42'] },
    ],
  });
  await strategy('card-freeze', {
    name: 'flexibleRollout',
    parameters: { groupId: 'card-freeze', rollout: '25', stickiness: 'userId' },
    constraints: [{ contextName: 'channel', operator: 'IN', values: ['atm', 'branch'] }],
  });
  await on('card-freeze');

  await create('branch-queue', 'operational');
  await strategy('branch-queue', {
    name: 'flexibleRollout',
    parameters: { groupId: 'branch-queue', rollout: '60', stickiness: 'default' },
    constraints: [
      { contextName: 'channel', operator: 'IN', values: ['branch'] },
      { contextName: 'age', operator: 'NUM_LT', value: '65', values: [] },
    ],
  });
  await on('branch-queue');

  await create('old-statement', 'release');
  await strategy('old-statement', { name: 'default', parameters: {} });
  await on('old-statement');
  await api.call('POST', `${p}/stale`, { features: ['old-statement'], stale: true });

  await api
    .call('POST', '/api/admin/tag-types', { name: 'team', description: 'Owning team', icon: '' })
    .catch(() => undefined);
  await api.call('POST', '/api/admin/features/loan-banner/tags', { type: 'simple', value: 'lending' });
  await api.call('POST', '/api/admin/features/loan-banner/tags', { type: 'team', value: 'growth' });
}
