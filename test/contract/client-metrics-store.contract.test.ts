// One contract, two implementations of the client metrics store: in memory and DynamoDB count a batch once, add up counts of the same flag within it, add only what a resend carries beyond it, mark flags seen and keep registrations alike.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '../../functions/aws/dynamodb-document';
import { createDynamoClientMetricsStore } from '../../functions/stores/dynamo-client-metrics-store';
import { createMemoryClientMetricsStore } from '../../functions/stores/memory/memory-client-metrics-store';
import type {
  ClientMetricsCount,
  ClientMetricsRow,
  ClientMetricsStore,
} from '../../shared/store/client-metrics-store';
import { type DynamoFixture, dynamoFixture } from './stores';

let dynamo: DynamoFixture;
beforeAll(async () => {
  dynamo = await dynamoFixture('client-metrics');
});
afterAll(() => dynamo?.client.destroy());

const IMPLEMENTATIONS: [string, () => ClientMetricsStore][] = [
  ['in memory', () => createMemoryClientMetricsStore()],
  ['DynamoDB', () => createDynamoClientMetricsStore(dynamo.doc, dynamo.tables, 30)],
];

const HOUR = '2026-12-01T10:00:00.000Z';
const NEXT_HOUR = '2026-12-01T11:00:00.000Z';

/** The DynamoDB tables are shared by the cases: each case counts in environments of its own. */
let cases = 0;
const environment = () => `env-${++cases}`;

function count(
  flag: string,
  yes: number,
  no: number,
  variants: Record<string, number> = {},
): ClientMetricsCount {
  return { flag, appName: 'checkout-web', channel: 'web', yes, no, variants };
}

const sorted = (rows: ClientMetricsRow[]) =>
  [...rows].sort((a, b) =>
    `${a.hour}${a.appName}${a.channel}`.localeCompare(`${b.hour}${b.appName}${b.channel}`),
  );

describe.each(IMPLEMENTATIONS)('client metrics store contract: %s', (_name, make) => {
  it('counts per flag, hour, app and channel; a resent batch adds nothing, a grown one only what is new', async () => {
    const store = make();
    const env = environment();
    await store.record(env, HOUR, 'b1', [count('banner', 3, 1, { blue: 2 }), count('search', 0, 4)]);
    await store.record(env, HOUR, 'b1', [count('banner', 3, 1, { blue: 2 }), count('search', 0, 4)]);
    // unleash-client keeps a failed bucket and adds to it: the same batch, more in it.
    await store.record(env, HOUR, 'b1', [count('banner', 5, 1, { blue: 2, red: 1 }), count('search', 0, 4)]);
    // A batch is one app's and channel's: one count per flag.
    await store.record(env, HOUR, 'b2', [count('banner', 1, 0)]);
    await store.record(env, NEXT_HOUR, 'b3', [{ ...count('banner', 2, 2), channel: 'miniprogram' }]);
    expect(sorted(await store.listByFlag(env, 'banner'))).toEqual([
      {
        environment: env,
        flag: 'banner',
        appName: 'checkout-web',
        channel: 'web',
        hour: HOUR,
        yes: 6,
        no: 1,
        variants: { blue: 2, red: 1 },
      },
      {
        environment: env,
        flag: 'banner',
        appName: 'checkout-web',
        channel: 'miniprogram',
        hour: NEXT_HOUR,
        yes: 2,
        no: 2,
        variants: {},
      },
    ]);
    expect((await store.listByFlag(env, 'search')).map((r) => [r.yes, r.no])).toEqual([[0, 4]]);
    expect(await store.listByFlag(env, 'absent')).toEqual([]);
    expect(await store.listByFlag(environment(), 'banner')).toEqual([]);
  });

  it('two counts of the same flag in one batch add up, on its own row per app and channel; a resend adds nothing, a grown one only what is new', async () => {
    const store = make();
    const env = environment();
    const mobile = (c: ClientMetricsCount): ClientMetricsCount => ({ ...c, channel: 'mobile' });
    const first = [
      count('banner', 2, 1, { blue: 1 }),
      count('search', 1, 0),
      count('banner', 3, 0, { blue: 2, red: 1 }),
      mobile(count('banner', 1, 1)),
    ];
    await store.record(env, HOUR, 'b1', first);
    await store.record(env, HOUR, 'b1', first);
    const totals = async () =>
      sorted(await store.listByFlag(env, 'banner')).map((r) => [r.channel, r.yes, r.no, r.variants]);
    expect(await totals()).toEqual([
      ['mobile', 1, 1, {}],
      ['web', 5, 1, { blue: 3, red: 1 }],
    ]);
    // The same batch resent with more in one of its parts: only that is added.
    await store.record(env, HOUR, 'b1', [
      count('banner', 2, 1, { blue: 1 }),
      count('search', 1, 0),
      count('banner', 4, 0, { blue: 2, red: 1 }),
      mobile(count('banner', 1, 1)),
    ]);
    await store.record(env, HOUR, 'b1', first);
    expect(await totals()).toEqual([
      ['mobile', 1, 1, {}],
      ['web', 6, 1, { blue: 3, red: 1 }],
    ]);
    expect((await store.listByFlag(env, 'search')).map((r) => [r.yes, r.no])).toEqual([[1, 0]]);
    expect((await store.listSeen(env)).map((m) => m.flag).sort()).toEqual(['banner', 'search']);
  });

  it('a batch split into parts of the same flag counts what the parts add up to, once', async () => {
    const store = make();
    const part = fc.record({ yes: fc.nat(4), no: fc.nat(4), blue: fc.nat(2) });
    await fc.assert(
      fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 5 }), async (parts) => {
        const env = environment();
        const batch = parts.map((p) => count('banner', p.yes, p.no, { blue: p.blue }));
        await store.record(env, HOUR, 'b', batch);
        await store.record(env, HOUR, 'b', [...batch].reverse());
        const sum = (k: 'yes' | 'no' | 'blue') => parts.reduce((n, p) => n + p[k], 0);
        const nothing = sum('yes') === 0 && sum('no') === 0 && sum('blue') === 0;
        const rows = await store.listByFlag(env, 'banner');
        expect(rows.map((r) => ({ yes: r.yes, no: r.no, blue: r.variants.blue ?? 0 }))).toEqual(
          nothing ? [] : [{ yes: sum('yes'), no: sum('no'), blue: sum('blue') }],
        );
      }),
      { numRuns: 5 },
    );
  });

  it('marks each flag evaluated, once per environment, flag and hour; a count of nothing marks nothing', async () => {
    const store = make();
    const env = environment();
    await store.record(env, HOUR, 'b1', [count('banner', 1, 0), count('idle', 0, 0, { blue: 0 })]);
    await store.record(env, HOUR, 'b2', [count('banner', 0, 3)]);
    await store.record(env, NEXT_HOUR, 'b3', [count('banner', 1, 0), count('search', 0, 1)]);
    const seen = await store.listSeen(env);
    expect([...seen].sort((a, b) => `${a.flag}${a.hour}`.localeCompare(`${b.flag}${b.hour}`))).toEqual([
      { environment: env, flag: 'banner', hour: HOUR },
      { environment: env, flag: 'banner', hour: NEXT_HOUR },
      { environment: env, flag: 'search', hour: NEXT_HOUR },
    ]);
    expect(await store.listSeen(environment())).toEqual([]);
  });

  it('keeps one registration per app and instance, the latest, with what it sent and nothing else', async () => {
    const store = make();
    const env = environment();
    await store.register(
      env,
      { appName: 'checkout-web', instanceId: 'i-1', sdkVersion: 'unleash-client-node:6.1.0', channel: 'web' },
      '2026-12-01T10:00:00.000Z',
    );
    await store.register(
      env,
      {
        appName: 'checkout-web',
        instanceId: 'i-1',
        strategies: ['default'],
        interval: 15000,
        channel: 'web',
      },
      '2026-12-01T10:05:00.000Z',
    );
    const long = '购'.repeat(200);
    await store.register(env, { appName: long, instanceId: long, channel: 'miniprogram' }, HOUR);
    const apps = [...(await store.listApplications(env))].sort((a, b) => a.appName.localeCompare(b.appName));
    expect(apps).toEqual([
      {
        appName: 'checkout-web',
        instanceId: 'i-1',
        strategies: ['default'],
        interval: 15000,
        channel: 'web',
        environment: env,
        seenAt: '2026-12-01T10:05:00.000Z',
      },
      { appName: long, instanceId: long, channel: 'miniprogram', environment: env, seenAt: HOUR },
    ]);
    expect(await store.listApplications(environment())).toEqual([]);
  });

  it('whatever the order a batch is sent in, its totals are the most each send carried', async () => {
    const store = make();
    const sends = fc.array(fc.record({ yes: fc.nat(5), no: fc.nat(5), blue: fc.nat(3) }), {
      minLength: 1,
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(sends, async (batch) => {
        const env = environment();
        for (const s of batch)
          await store.record(env, HOUR, 'b', [count('banner', s.yes, s.no, { blue: s.blue })]);
        const most = (k: 'yes' | 'no' | 'blue') => Math.max(...batch.map((s) => s[k]));
        const rows = await store.listByFlag(env, 'banner');
        const nothing = most('yes') === 0 && most('no') === 0 && most('blue') === 0;
        expect(rows.map((r) => ({ yes: r.yes, no: r.no, blue: r.variants.blue ?? 0 }))).toEqual(
          nothing ? [] : [{ yes: most('yes'), no: most('no'), blue: most('blue') }],
        );
      }),
      { numRuns: 12 },
    );
  });
});

describe('client metrics store: DynamoDB markers from before they named app and channel', () => {
  it('a batch counted under a marker per flag, resent, adds nothing; grown, only what is new', async () => {
    const store = createDynamoClientMetricsStore(dynamo.doc, dynamo.tables, 30);
    const legacyEnv = environment();
    // A batch counted (its rows elsewhere) with the marker as the store wrote it before: sort key
    // f#<flag>, no app and channel.
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tables.metrics,
        Item: {
          pk: `batch#${legacyEnv}#b-old`,
          sk: 'f#banner',
          flag: 'banner',
          yes: 3,
          no: 1,
          variants: JSON.stringify({ blue: 2 }),
          n: 1,
          expiresAt: 4_000_000_000,
        },
      }),
    );
    // Its resend after the change: nothing counted twice, and only the growth added.
    await store.record(legacyEnv, HOUR, 'b-old', [count('banner', 3, 1, { blue: 2 })]);
    expect(await store.listByFlag(legacyEnv, 'banner')).toEqual([]);
    await store.record(legacyEnv, HOUR, 'b-old', [count('banner', 4, 1, { blue: 2 })]);
    await store.record(legacyEnv, HOUR, 'b-old', [count('banner', 4, 1, { blue: 2 })]);
    expect((await store.listByFlag(legacyEnv, 'banner')).map((r) => [r.yes, r.no, r.variants])).toEqual([
      [1, 0, {}],
    ]);
  });
});
