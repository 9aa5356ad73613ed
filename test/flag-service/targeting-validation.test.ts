/**
 * Targeting that could never be served as written gets a 400 naming the exact field, through every
 * admin write that stores targeting (flag create, flag-wide edit, per-environment strategies,
 * segments, a held change request's edit), and nothing changes: not the stored flag or segment, not
 * the document SDKs get. Valid targeting, generated, is accepted and served exactly as written. An
 * import of an Unleash document keeps what Unleash itself serves.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../shared';
import type {
  ClientFeaturesDocument,
  Constraint,
  Feature,
  Strategy,
} from '../../shared/model/client-features';
import { type Flag, normalizeVariantWeights, type SegmentDefinition } from '../../shared/model/flag';
import { heldRequest } from '../support/governance';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const FLAG = 'loan-offer-targeting';
let segment: SegmentDefinition;

beforeAll(async () => {
  p = await startTestPlatform();
  const created = await p.call('POST', '/api/admin/flags', {
    token: p.tokens.admin,
    body: {
      name: FLAG,
      squad: 'payments',
      variants: [{ name: 'blue', weight: 0, payload: { type: 'json', value: '{"rate":3.5}' } }],
      environments: {
        development: {
          enabled: true,
          channels: { mobile: true },
          strategies: [
            {
              name: 'flexibleRollout',
              parameters: { rollout: '50', stickiness: 'default', groupId: FLAG },
              constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }],
            },
          ],
        },
      },
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const seg = await p.call('POST', '/api/admin/segments', {
    token: p.tokens.admin,
    body: { name: 'adults', constraints: [{ contextName: 'age', operator: 'NUM_GTE', value: '18' }] },
  });
  expect(seg.status).toBe(201);
  segment = await bodyOf<SegmentDefinition>(seg);
});
afterAll(() => p.close());

async function storedFlag(name = FLAG): Promise<Flag> {
  return bodyOf<Flag>(await p.call('GET', `/api/admin/flags/${name}`, { token: p.tokens.admin }));
}

async function served(): Promise<ClientFeaturesDocument> {
  return bodyOf<ClientFeaturesDocument>(
    await p.call('GET', '/api/client/features', { token: p.tokens.client }),
  );
}

async function storedSegment(): Promise<SegmentDefinition> {
  return bodyOf<SegmentDefinition>(
    await p.call('GET', `/api/admin/segments/${segment.id}`, { token: p.tokens.admin }),
  );
}

/** Everything a bad write could have touched: the flag, the segment, the development document. */
async function snapshot() {
  return { flag: await storedFlag(), segment: await storedSegment(), served: await served() };
}

async function expect400(res: Response, field: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(400);
  const body = JSON.parse(text) as { code: string; field: string; message: string };
  expect(body.code).toBe('BAD_REQUEST');
  expect(body.field).toBe(field);
  expect(body.message).toContain(field);
  return body.message;
}

const strategyWith = (c: Constraint): Strategy => ({
  name: 'default',
  constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }, c],
});

/** [what is wrong, the strategies written to development, the field the 400 names] */
const BAD_STRATEGIES: [string, Strategy[], string][] = [
  [
    'IN_CIDR 999.1.1.1/99',
    [
      strategyWith({
        contextName: 'remoteAddress',
        operator: 'IN_CIDR',
        values: ['10.0.0.0/8', '999.1.1.1/99'],
      }),
    ],
    'strategies[0].constraints[1].values[1]',
  ],
  [
    'IN_CIDR prefix too long for IPv6',
    [strategyWith({ contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['2001:db8::/129'] })],
    'strategies[0].constraints[1].values[0]',
  ],
  [
    'DATE_AFTER tomorrow',
    [strategyWith({ contextName: 'currentTime', operator: 'DATE_AFTER', value: 'tomorrow' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'DATE_BEFORE without a zone',
    [strategyWith({ contextName: 'currentTime', operator: 'DATE_BEFORE', value: '2027-01-01T00:00:00' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'DATE_AFTER on a day February does not have',
    [strategyWith({ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2027-02-30T00:00:00Z' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'SEMVER_GT x.y',
    [strategyWith({ contextName: 'appVersion', operator: 'SEMVER_GT', value: 'x.y' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'SEMVER_EQ with a leading v',
    [strategyWith({ contextName: 'appVersion', operator: 'SEMVER_EQ', value: 'v2.0.0' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'NUM_GT NaN',
    [strategyWith({ contextName: 'age', operator: 'NUM_GT', value: 'NaN' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'NUM_LT Infinity',
    [strategyWith({ contextName: 'age', operator: 'NUM_LT', value: 'Infinity' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'NUM_EQ hex',
    [strategyWith({ contextName: 'age', operator: 'NUM_EQ', value: '0x12' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'NUM_LTE beyond a double',
    [strategyWith({ contextName: 'age', operator: 'NUM_LTE', value: '1e400' })],
    'strategies[0].constraints[1].value',
  ],
  [
    'flexibleRollout rollout abc',
    [{ name: 'flexibleRollout', parameters: { rollout: 'abc', stickiness: 'default', groupId: FLAG } }],
    'strategies[0].parameters.rollout',
  ],
  [
    'flexibleRollout rollout 101',
    [{ name: 'flexibleRollout', parameters: { rollout: '101', stickiness: 'default', groupId: FLAG } }],
    'strategies[0].parameters.rollout',
  ],
  [
    'flexibleRollout rollout 50.5',
    [{ name: 'flexibleRollout', parameters: { rollout: 50.5, stickiness: 'default', groupId: FLAG } }],
    'strategies[0].parameters.rollout',
  ],
  [
    'flexibleRollout rollout 1e308',
    [{ name: 'flexibleRollout', parameters: { rollout: 1e308, stickiness: 'default', groupId: FLAG } }],
    'strategies[0].parameters.rollout',
  ],
  [
    'flexibleRollout without rollout',
    [{ name: 'flexibleRollout', parameters: { stickiness: 'default', groupId: FLAG } }],
    'strategies[0].parameters.rollout',
  ],
  [
    'gradualRolloutUserId percentage -1',
    [{ name: 'gradualRolloutUserId', parameters: { percentage: -1, groupId: FLAG } }],
    'strategies[0].parameters.percentage',
  ],
  [
    'flexibleRollout groupId a number',
    [{ name: 'flexibleRollout', parameters: { rollout: '10', stickiness: 'default', groupId: 7 } }],
    'strategies[0].parameters.groupId',
  ],
  [
    'flexibleRollout stickiness a number',
    [{ name: 'flexibleRollout', parameters: { rollout: '10', stickiness: 1, groupId: FLAG } }],
    'strategies[0].parameters.stickiness',
  ],
  [
    'remoteAddress IPs with a bad entry',
    [{ name: 'remoteAddress', parameters: { IPs: '10.0.0.1, 192.invalid' } }],
    'strategies[0].parameters.IPs',
  ],
  [
    'strategy variants whose weights are all 0',
    [
      {
        name: 'flexibleRollout',
        parameters: { rollout: '100', stickiness: 'default', groupId: FLAG },
        variants: [
          { name: 'a', weight: 0, stickiness: 'default' },
          { name: 'b', weight: 0, stickiness: 'default' },
        ],
      },
    ],
    'strategies[0].variants',
  ],
  [
    'strategy variants with one name twice',
    [
      {
        name: 'flexibleRollout',
        parameters: { rollout: '100', stickiness: 'default', groupId: FLAG },
        variants: [
          { name: 'a', weight: 500, stickiness: 'default' },
          { name: 'a', weight: 500, stickiness: 'default' },
        ],
      },
    ],
    'strategies[0].variants[1].name',
  ],
  [
    'a strategy variant json payload that is not JSON',
    [
      {
        name: 'flexibleRollout',
        parameters: { rollout: '100', stickiness: 'default', groupId: FLAG },
        variants: [
          { name: 'a', weight: 1000, stickiness: 'default', payload: { type: 'json', value: '{not json' } },
        ],
      },
    ],
    'strategies[0].variants[0].payload.value',
  ],
];

/** [what is wrong, the flag's variants, the field the 400 names] */
const BAD_VARIANTS: [string, unknown[], string][] = [
  [
    'json payload {not json',
    [{ name: 'a', weight: 0, payload: { type: 'json', value: '{not json' } }],
    'variants[0].payload.value',
  ],
  [
    'number payload abc',
    [{ name: 'a', weight: 0, payload: { type: 'number', value: 'abc' } }],
    'variants[0].payload.value',
  ],
  [
    'number payload NaN',
    [
      { name: 'a', weight: 0 },
      { name: 'b', weight: 0, payload: { type: 'number', value: 'NaN' } },
    ],
    'variants[1].payload.value',
  ],
  [
    'duplicate variant names',
    [
      { name: 'blue', weight: 0 },
      { name: 'green', weight: 0 },
      { name: 'blue', weight: 0 },
    ],
    'variants[2].name',
  ],
  [
    'fixed weights over 1000',
    [
      { name: 'a', weight: 600, weightType: 'fix' },
      { name: 'b', weight: 600, weightType: 'fix' },
    ],
    'variants',
  ],
  [
    'fixed weights leaving nothing for a variable variant',
    [
      { name: 'a', weight: 1000, weightType: 'fix' },
      { name: 'b', weight: 0, weightType: 'variable' },
    ],
    'variants',
  ],
  [
    'only fixed weights, adding up to 0',
    [
      { name: 'a', weight: 0, weightType: 'fix' },
      { name: 'b', weight: 0, weightType: 'fix' },
    ],
    'variants',
  ],
];

describe('bad targeting: a 400 naming the field, and nothing changes', () => {
  it('flag creation names the field inside environments and stores no flag', async () => {
    const before = await served();
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: {
        name: 'never-created',
        squad: 'payments',
        environments: {
          production: {
            enabled: true,
            channels: {},
            strategies: [
              strategyWith({ contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['999.1.1.1/99'] }),
            ],
          },
        },
      },
    });
    await expect400(res, 'environments.production.strategies[0].constraints[1].values[0]');
    expect((await p.call('GET', '/api/admin/flags/never-created', { token: p.tokens.admin })).status).toBe(
      404,
    );
    expect(await served()).toEqual(before);
  });

  it.each(BAD_STRATEGIES)('per-environment strategies: %s', async (_what, strategies, field) => {
    const before = await snapshot();
    const res = await p.call('PUT', `/api/admin/flags/${FLAG}/environments/development`, {
      token: p.tokens.admin,
      body: { version: before.flag.version, strategies },
    });
    await expect400(res, field);
    expect(await snapshot()).toEqual(before);
  });

  it.each(BAD_VARIANTS)('flag-wide edit of variants: %s', async (_what, variants, field) => {
    const before = await snapshot();
    const res = await p.call('PUT', `/api/admin/flags/${FLAG}`, {
      token: p.tokens.admin,
      body: { version: before.flag.version, variants },
    });
    await expect400(res, field);
    expect(await snapshot()).toEqual(before);
  });

  it('flag creation refuses the same variants', async () => {
    for (const [what, variants, field] of BAD_VARIANTS) {
      const res = await p.call('POST', '/api/admin/flags', {
        token: p.tokens.admin,
        body: { name: 'never-created-variants', squad: 'payments', variants },
      });
      expect((await bodyOf<{ field: string }>(res)).field, what).toBe(field);
    }
    expect(
      (await p.call('GET', '/api/admin/flags/never-created-variants', { token: p.tokens.admin })).status,
    ).toBe(404);
  });

  it('segments: creation and edit refuse values their operator cannot read', async () => {
    const before = await snapshot();
    const { segments: listed } = await bodyOf<{ segments: SegmentDefinition[] }>(
      await p.call('GET', '/api/admin/segments', { token: p.tokens.admin }),
    );
    await expect400(
      await p.call('POST', '/api/admin/segments', {
        token: p.tokens.admin,
        body: {
          name: 'app-users',
          constraints: [{ contextName: 'appVersion', operator: 'SEMVER_GT', value: 'x.y' }],
        },
      }),
      'constraints[0].value',
    );
    await expect400(
      await p.call('PUT', `/api/admin/segments/${segment.id}`, {
        token: p.tokens.admin,
        body: {
          version: segment.version,
          constraints: [
            { contextName: 'age', operator: 'NUM_GTE', value: '18' },
            { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2027-01-01' },
          ],
        },
      }),
      'constraints[1].value',
    );
    expect(await snapshot()).toEqual(before);
    const { segments: after } = await bodyOf<{ segments: SegmentDefinition[] }>(
      await p.call('GET', '/api/admin/segments', { token: p.tokens.admin }),
    );
    expect(after).toEqual(listed);
  });

  it("a held production change's edit is refused naming the field inside its body, and the request is unchanged", async () => {
    const before = await storedFlag();
    const cr = await heldRequest(
      await p.call('PUT', `/api/admin/flags/${FLAG}/environments/production`, {
        token: p.tokens.admin,
        body: {
          version: before.version,
          channels: { mobile: true },
          strategies: [strategyWith({ contextName: 'age', operator: 'NUM_GT', value: '21' })],
        },
      }),
    );
    const res = await p.call('PUT', `/api/admin/change-requests/${cr.id}`, {
      token: p.tokens.admin,
      body: {
        version: cr.version,
        body: {
          version: before.version,
          channels: { mobile: true },
          strategies: [strategyWith({ contextName: 'age', operator: 'NUM_GT', value: 'NaN' })],
        },
      },
    });
    await expect400(res, 'body.strategies[0].constraints[1].value');
    const after = await bodyOf<typeof cr>(
      await p.call('GET', `/api/admin/change-requests/${cr.id}`, { token: p.tokens.admin }),
    );
    expect(after).toEqual(cr);
    expect(await storedFlag()).toEqual(before);
    // Withdrawn, so later tests write the flag at its version.
    const withdrawn = await p.call('POST', `/api/admin/change-requests/${cr.id}/reject`, {
      token: p.tokens.admin,
      body: { version: cr.version },
    });
    expect(withdrawn.status).toBe(200);
  });
});

describe('experiments', () => {
  it('refuse a variant payload its type cannot carry, and generate no flag', async () => {
    const metric = await p.call('PUT', '/api/admin/metrics/loan_submitted', {
      token: p.tokens.admin,
      body: {
        key: 'loan_submitted',
        name: 'Loan submitted',
        kind: 'conversion',
        direction: 'higher-is-better',
        unit: '%',
      },
    });
    expect(metric.status).toBe(201);
    const before = await served();
    const experiment = (payload: { type: string; value: string }) => ({
      key: 'rate-banner',
      name: 'Rate banner',
      hypothesis: 'Showing the rate raises applications',
      squad: 'payments',
      environment: 'development',
      variants: [
        { name: 'control', weight: 1 },
        { name: 'rate', weight: 1, payload },
      ],
      primaryMetric: 'loan_submitted',
    });
    for (const payload of [
      { type: 'json', value: '{not json' },
      { type: 'number', value: 'abc' },
    ]) {
      await expect400(
        await p.call('PUT', '/api/admin/experiments/rate-banner', {
          token: p.tokens.admin,
          body: experiment(payload),
        }),
        'variants[1].payload.value',
      );
    }
    expect(
      (await p.call('GET', '/api/admin/experiments/rate-banner', { token: p.tokens.admin })).status,
    ).toBe(404);
    expect(await served()).toEqual(before);
  });
});

describe('what stays legal', () => {
  it('variable weights are shared out as Unleash does: 0/0 becomes 500/500', async () => {
    const before = await storedFlag();
    const res = await p.call('PUT', `/api/admin/flags/${FLAG}`, {
      token: p.tokens.admin,
      body: {
        version: before.version,
        variants: [
          { name: 'blue', weight: 0, weightType: 'variable' },
          { name: 'green', weight: 0 },
        ],
      },
    });
    expect(res.status).toBe(200);
    const feature = (await served()).features.find((f) => f.name === FLAG);
    expect(feature?.variants?.map((v) => [v.name, v.weight])).toEqual([
      ['blue', 500],
      ['green', 500],
    ]);
  });

  it('an import keeps what Unleash serves: unreadable values never match there, nor here', async () => {
    const env = 'import-lenient';
    expect(
      (
        await p.call('POST', '/api/admin/environments', {
          token: p.tokens.admin,
          body: { name: env, type: 'development' },
        })
      ).status,
    ).toBe(201);
    const document: ClientFeaturesDocument = {
      version: 2,
      features: [
        {
          name: 'imported-lenient',
          enabled: true,
          strategies: [
            {
              name: 'default',
              constraints: [
                { contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['127.invalid'] },
                { contextName: 'appVersion', operator: 'SEMVER_EQ', value: 'v2.0.0' },
              ],
            },
          ],
        },
      ],
    };
    const res = await p.call('POST', `/api/admin/environments/${env}/import`, {
      token: p.tokens.admin,
      body: document,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const exported = await bodyOf<ClientFeaturesDocument>(
      await p.call('GET', `/api/admin/environments/${env}/export`, { token: p.tokens.admin }),
    );
    const f = exported.features.find((x) => x.name === 'imported-lenient');
    expect(f?.strategies?.[0].constraints).toEqual(document.features[0].strategies?.[0].constraints);
  });
});

// --- generated valid targeting ---------------------------------------------------------------

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const cidr = fc.oneof(
  ipv4,
  fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([ip, n]) => `${ip}/${n}`),
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
      fc.integer({ min: 0, max: 128 }),
    )
    .map(([g, n]) => `${g.map((x) => x.toString(16)).join(':')}/${n}`),
);
const decimal = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map(String),
);
const rfc3339 = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const semver = fc
  .tuple(
    fc.nat(99),
    fc.nat(99),
    fc.nat(99),
    fc.option(fc.constantFrom('alpha', 'rc.1', 'beta.2'), { nil: undefined }),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);

const constraint: fc.Arbitrary<Constraint> = fc.oneof(
  fc.record({
    contextName: word,
    operator: fc.constantFrom('IN', 'NOT_IN', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS'),
    values: fc.array(word, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    contextName: fc.constant('remoteAddress'),
    operator: fc.constant('IN_CIDR'),
    values: fc.array(cidr, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    contextName: word,
    operator: fc.constantFrom('NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE'),
    value: decimal,
  }),
  fc.record({
    contextName: fc.constant('currentTime'),
    operator: fc.constantFrom('DATE_AFTER', 'DATE_BEFORE'),
    value: rfc3339,
  }),
  fc.record({
    contextName: fc.constant('appVersion'),
    operator: fc.constantFrom('SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE'),
    value: semver,
    inverted: fc.boolean(),
  }),
);

const percent = fc.integer({ min: 0, max: 100 });
const payload = fc.oneof(
  fc.record({ type: fc.constant('string' as const), value: word }),
  fc.record({ type: fc.constant('number' as const), value: decimal }),
  fc.record({
    type: fc.constant('json' as const),
    value: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  }),
);
const names = fc.uniqueArray(word, { minLength: 1, maxLength: 4 });

const strategy: fc.Arbitrary<Strategy> = fc.oneof(
  fc.record({ name: fc.constant('default'), constraints: fc.array(constraint, { maxLength: 3 }) }),
  fc
    .tuple(
      fc.oneof(percent, percent.map(String)),
      fc.constantFrom('default', 'userId', 'sessionId', 'random', 'accountId'),
      fc.array(constraint, { maxLength: 3 }),
      names,
      fc.array(payload, { minLength: 4, maxLength: 4 }),
    )
    .map(([rollout, stickiness, constraints, variantNames, payloads]) => ({
      name: 'flexibleRollout',
      parameters: { rollout, stickiness, groupId: FLAG },
      constraints,
      variants: variantNames.map((name, i) => ({
        name,
        weight: 1 + i,
        stickiness: 'default',
        payload: payloads[i],
      })),
    })),
  fc.record({
    name: fc.constantFrom('gradualRolloutUserId', 'gradualRolloutSessionId'),
    parameters: fc.record({ percentage: percent.map(String), groupId: word }),
  }),
  fc.record({
    name: fc.constant('remoteAddress'),
    parameters: fc.record({ IPs: fc.array(cidr, { minLength: 1, maxLength: 3 }).map((a) => a.join(', ')) }),
  }),
);

const variants = fc
  .tuple(names, fc.array(payload, { minLength: 4, maxLength: 4 }))
  .map(([variantNames, payloads]) =>
    variantNames.map((name, i) => ({ name, weight: 0, payload: payloads[i] })),
  );

describe('valid targeting, generated', () => {
  it('is accepted and served exactly as written (variants with their shared-out weights)', async () => {
    const other = 'generated-targeting';
    expect(
      (
        await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: other, squad: 'payments' },
        })
      ).status,
    ).toBe(201);
    await fc.assert(
      fc.asyncProperty(
        fc.array(strategy, { minLength: 1, maxLength: 3 }),
        variants,
        async (strategies, vs) => {
          const flag = await storedFlag(other);
          const edit = await p.call('PUT', `/api/admin/flags/${other}/environments/development`, {
            token: p.tokens.admin,
            body: { version: flag.version, strategies },
          });
          expect(edit.status, await edit.clone().text()).toBe(200);
          const variantEdit = await p.call('PUT', `/api/admin/flags/${other}`, {
            token: p.tokens.admin,
            body: { version: flag.version + 1, variants: vs },
          });
          expect(variantEdit.status, await variantEdit.clone().text()).toBe(200);
          const document = await served();
          const feature = document.features.find((f) => f.name === other) as Feature;
          expect(feature.strategies).toEqual(strategies);
          expect(feature.variants).toEqual(normalizeVariantWeights(vs));
          expect(() => compile(document)).not.toThrow();
        },
      ),
      { numRuns: 25, seed: 2412 },
    );
  });
});
