/**
 * A hostile REGEX cannot stall the platform: the classic catastrophic patterns stored in
 * development, evaluated by the frontend API and OFREP for contexts as long as the request limit
 * allows, answer without delaying an unrelated request; a pattern Rust refuses, or one over the
 * limits, is refused when written with a 400 naming the constraint's value, and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regexWork } from '../../shared/evaluation/regex-search';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
const CHANNELS = { mobile: true, web: true };
/** One strategy each, so that every one is evaluated; none matches `a…a!`. */
const HOSTILE = ['^(a+)+$', '(a|aa)+$', '(a*)*b', '(.*a){12}$', '^(\\w+\\s?)+$'];
/** Longer than any pattern searches within its 1 ms budget: a value this long does not match. */
const LONG = 100_000;
/** Within the default 256 KiB request body limit, with room for the JSON around it. */
const LONGEST = 250_000;

const admin = (method: string, path: string, body?: unknown) =>
  p.call(method, path, { token: p.tokens.admin, body });

beforeAll(async () => {
  p = await startTestPlatform();
  const create = async (name: string, strategies: object[]) => {
    const res = await admin('POST', '/api/admin/flags', {
      name,
      squad: 'payments',
      environments: {
        development: { enabled: true, channels: CHANNELS, strategies },
      },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };
  await create(
    'hostile-regex',
    HOSTILE.map((value) => ({
      name: 'default',
      constraints: [{ contextName: 'userId', operator: 'REGEX', value }],
    })),
  );
  await create('unrelated', [{ name: 'default' }]);
});
afterAll(() => p?.close());

const frontend = (userId: string) =>
  p.call('POST', '/api/frontend', {
    token: p.tokens.frontend,
    body: { context: { userId, channel: 'mobile' } },
  });

describe('hostile REGEX constraints at request time', () => {
  it('answers hostile contexts, up to the body limit, without delaying an unrelated request', async () => {
    regexWork.steps = 0;
    const started = performance.now();
    const [hostile, longest, unrelated] = await Promise.all([
      frontend(`${'a'.repeat(LONG)}!`),
      frontend(`${'a'.repeat(LONGEST)}!`),
      p.call('GET', '/api/frontend?userId=someone&channel=mobile', { token: p.tokens.frontend }),
    ]);
    const elapsed = performance.now() - started;
    expect(hostile.status).toBe(200);
    const toggles = (await bodyOf<{ toggles: { name: string }[] }>(hostile)).toggles.map((t) => t.name);
    expect(toggles).toContain('unrelated');
    expect(toggles).not.toContain('hostile-regex');
    expect((await bodyOf<{ toggles: { name: string }[] }>(longest)).toggles.map((t) => t.name)).toEqual(
      toggles,
    );
    expect(unrelated.status).toBe(200);
    expect((await bodyOf<{ toggles: { name: string }[] }>(unrelated)).toggles.map((t) => t.name)).toContain(
      'unrelated',
    );
    // Before the linear-time engine, one of these took minutes; the work is what is asserted tightly.
    expect(regexWork.steps).toBeLessThan(20_000);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('evaluates the hostile flag through OFREP too, and still matches where the patterns do', async () => {
    regexWork.steps = 0;
    const res = await p.call('POST', '/ofrep/v1/evaluate/flags/hostile-regex', {
      token: p.tokens.client,
      body: { context: { targetingKey: `${'a'.repeat(LONG)}!`, channel: 'mobile' } },
    });
    expect(res.status).toBe(200);
    expect((await bodyOf<{ value: unknown }>(res)).value).toBe(false);
    expect(regexWork.steps).toBeLessThan(20_000);
    // Every pattern matches 40 `a`s followed by a `b`: the flag is on, as Rust would have it.
    const on = await frontend(`${'a'.repeat(40)}b`);
    expect((await bodyOf<{ toggles: { name: string }[] }>(on)).toggles.map((t) => t.name)).toContain(
      'hostile-regex',
    );
  });
});

describe('REGEX patterns at write time', () => {
  const strategiesOf = async (flag: string) =>
    (
      await bodyOf<{ environments: Record<string, { strategies: unknown[] }> }>(
        await admin('GET', `/api/admin/flags/${flag}`),
      )
    ).environments.development.strategies;

  it.each([
    ['a(?=b)', 'look-around'],
    ['(a)\\1', 'back-reference'],
    ['(regex', 'unclosed group'],
    ['a{101}', 'repetition count over 100'],
    ['(?:ab){100}', 'over 1 ms on a value of 512 characters'],
    ['(a{100}){100}', 'instructions'],
  ])('refuses %s on a strategy with a 400 naming the value, and writes nothing', async (value, reason) => {
    const before = await strategiesOf('unrelated');
    const { version } = await bodyOf<{ version: number }>(await admin('GET', '/api/admin/flags/unrelated'));
    const res = await admin('PUT', '/api/admin/flags/unrelated/environments/development', {
      version,
      strategies: [
        { name: 'default', constraints: [{ contextName: 'email', operator: 'IN', values: ['x'] }] },
        { name: 'default', constraints: [{ contextName: 'email', operator: 'REGEX', value }] },
      ],
    });
    expect(res.status).toBe(400);
    const body = await bodyOf<{ field: string; message: string }>(res);
    expect(body.field).toBe('strategies[1].constraints[0].value');
    expect(body.message).toContain(reason);
    expect(await strategiesOf('unrelated')).toEqual(before);
  });

  it('refuses a segment whose REGEX Rust refuses, naming the value', async () => {
    const res = await admin('POST', '/api/admin/segments', {
      name: 'lookbehind',
      constraints: [
        { contextName: 'email', operator: 'REGEX', value: '@bank\\.com$' },
        { contextName: 'email', operator: 'REGEX', value: '(?<!x)@bank\\.com$' },
      ],
    });
    expect(res.status).toBe(400);
    expect((await bodyOf<{ field: string }>(res)).field).toBe('constraints[1].value');
    const segments = await bodyOf<{ segments?: { name: string }[] } | { name: string }[]>(
      await admin('GET', '/api/admin/segments'),
    );
    expect(JSON.stringify(segments)).not.toContain('lookbehind');
  });

  it('imports a pattern Rust refuses as one that never matches, but refuses one over the limits', async () => {
    await admin('POST', '/api/admin/environments', { name: 'regex-import', type: 'development' });
    const doc = (value: string) => ({
      version: 2,
      features: [
        {
          name: 'imported-regex',
          enabled: true,
          strategies: [
            { name: 'default', constraints: [{ contextName: 'userId', operator: 'REGEX', value }] },
          ],
        },
      ],
    });
    const big = await admin('POST', '/api/admin/environments/regex-import/import', doc('x{2000}'));
    expect(big.status).toBe(400);
    expect((await bodyOf<{ field: string }>(big)).field).toBe(
      'features[0].strategies[0].constraints[0].value',
    );
    const kept = await admin('POST', '/api/admin/environments/regex-import/import', doc('^(?=a)a$'));
    expect(kept.status).toBeLessThan(300);
    const exported = await bodyOf<{
      features: { name: string; strategies: { constraints: { value: string }[] }[] }[];
    }>(await admin('GET', '/api/admin/environments/regex-import/export'));
    const feature = exported.features.find((f) => f.name === 'imported-regex');
    expect(feature?.strategies[0].constraints[0].value).toBe('^(?=a)a$');
  });
});
