/**
 * An import writes everything or nothing: a document with one bad part anywhere (a flag too large
 * to store, a number DynamoDB cannot hold, nesting past the bound, a name or segment id given
 * twice) is a 4xx naming the field, and every table is as it was: the segment it would have
 * rewritten first included.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClients } from '../../functions/runtime/composition-root';
import type { SegmentDefinition } from '../../shared/model/flag';
import { snapshot } from '../reliability/support/snapshot';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;
let clients: ReturnType<typeof createDynamoClients>;

const segment = (value: string) => ({
  id: 1,
  name: 'adults',
  constraints: [{ contextName: 'age', operator: 'NUM_GTE', value }],
});
const feature = (name: string, extra: object = {}) => ({
  name,
  enabled: true,
  strategies: [{ name: 'default', segments: [1], parameters: { note: name } }],
  ...extra,
});
const importDoc = (body: unknown) =>
  p.call('POST', '/api/admin/environments/development/import', {
    token: p.tokens.admin,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  p = await startTestPlatform();
  clients = createDynamoClients({ dynamodbEndpoint: p.runtime.config.dynamodbEndpoint, region: 'local' });
  const res = await importDoc({
    version: 2,
    segments: [segment('18')],
    features: [feature('kept-a'), feature('kept-b')],
  });
  expect(res.status, await res.clone().text()).toBe(200);
});
afterAll(async () => {
  clients?.client.destroy();
  await p.close();
});

const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** One bad part, and the field its 4xx must name (a prefix is enough: `features[7]` or `body`). */
const POISONS = {
  'a flag too large to store': (i: number) => ({
    feature: feature(`new-${i}`, {
      strategies: [{ name: 'default', parameters: { blob: 'x'.repeat(320 * 1024) } }],
    }),
    field: `features[${i}]`,
  }),
  'a number DynamoDB cannot hold': (i: number) => ({
    feature: feature(`new-${i}`, { strategies: [{ name: 'default', parameters: { n: 1e200 } }] }),
    field: `features[${i}].strategies[0].parameters.n`,
  }),
  'a name given twice': (i: number) => ({ feature: feature('new-0'), field: `features[${i}].name` }),
};

describe('POST /api/admin/environments/{env}/import', () => {
  it('a document with one bad part anywhere writes nothing, and names the part', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 80 }),
        fc.nat(),
        fc.constantFrom(...(Object.keys(POISONS) as (keyof typeof POISONS)[])),
        fc.stringMatching(/^[1-9][0-9]?$/),
        async (count, at, kind, age) => {
          const where = Math.max(1, at % (count + 1));
          const features = Array.from({ length: count + 1 }, (_, i) => feature(`new-${i}`));
          const poison = POISONS[kind](where);
          features[where] = poison.feature as ReturnType<typeof feature>;
          const before = await snapshot(clients.client, p.runtime.tables);
          const res = await importDoc({
            version: 2,
            segments: [segment(age === '18' ? '21' : age)],
            features,
          });
          const text = await res.text();
          expect(res.status, text).toBeGreaterThanOrEqual(400);
          expect(res.status, text).toBeLessThan(500);
          expect(JSON.parse(text).field, text).toBe(poison.field);
          expect(
            await snapshot(clients.client, p.runtime.tables),
            `${kind} at ${where} of ${count + 1}`,
          ).toBe(before);
        },
      ),
      { numRuns: 12, seed: 1404 },
    );
    const segments = await bodyOf<{ segments: SegmentDefinition[] }>(
      await p.call('GET', '/api/admin/segments', { token: p.tokens.admin }),
    );
    expect(segments.segments.find((s) => s.id === 1)?.constraints[0].value).toBe('18');
  });

  it('nesting past the bound, or a segment id given twice, writes nothing', async () => {
    const cases: { body: string; field: string }[] = [
      {
        body: `{"version":2,"segments":[${JSON.stringify(segment('30'))}],"features":[{"name":"deep","enabled":true,"x":${deep(40)}}]}`,
        field: 'body',
      },
      {
        body: JSON.stringify({
          version: 2,
          segments: [segment('30'), segment('31')],
          features: [feature('kept-a')],
        }),
        field: 'segments[1].id',
      },
    ];
    for (const c of cases) {
      const before = await snapshot(clients.client, p.runtime.tables);
      const res = await importDoc(c.body);
      const body = await bodyOf<{ field?: string }>(res);
      expect(res.status).toBe(400);
      expect(body.field).toBe(c.field);
      expect(await snapshot(clients.client, p.runtime.tables)).toBe(before);
    }
  });

  it('the same document without the bad part imports whole', async () => {
    const features = Array.from({ length: 60 }, (_, i) => feature(`whole-${i}`));
    const res = await importDoc({ version: 2, segments: [segment('40')], features });
    expect(res.status, await res.clone().text()).toBe(200);
    const exported = await bodyOf<{ features: { name: string }[]; segments: SegmentDefinition[] }>(
      await p.call('GET', '/api/admin/environments/development/export', { token: p.tokens.admin }),
    );
    expect(exported.features.map((f) => f.name)).toEqual(expect.arrayContaining(features.map((f) => f.name)));
    expect(exported.segments.find((s) => s.id === 1)?.constraints[0].value).toBe('40');
  });
});
