/**
 * The specification states of @unleash/client-specification, imported into omnilab and exported
 * again, evaluate exactly as the originals. The delta-format files (19, 20) are imported as the
 * full document they describe.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);
const files: string[] = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8'));

interface SpecFile {
  name: string;
  state: Parameters<typeof compile>[0];
  tests?: { description: string; context: object; toggleName: string; expectedResult: boolean }[];
  variantTests?: { description: string; context: object; toggleName: string; expectedResult: object }[];
}

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

/** A fixed clock and random source, so both sides of a comparison evaluate identically. */
const fixed = () => ({ now: () => Date.parse('2024-06-01T00:00:00Z'), random: () => 0.42 });

function importable(spec: SpecFile): ClientFeaturesDocument {
  const state = spec.state as unknown as Record<string, unknown>;
  if (Array.isArray(state.events)) return compile(spec.state).document;
  return state as unknown as ClientFeaturesDocument;
}

describe('import and export of the client specification states', () => {
  it('refuses file 13, whose feature has an unknown operator, naming the field, and writes nothing', async () => {
    const spec: SpecFile = JSON.parse(readFileSync(join(specDir, '13-constraint-operators.json'), 'utf8'));
    await p.call('POST', '/api/admin/environments', {
      token: p.tokens.admin,
      body: { name: 'spec-refused', type: 'development' },
    });
    const res = await p.call('POST', '/api/admin/environments/spec-refused/import', {
      token: p.tokens.admin,
      body: spec.state,
    });
    expect(res.status).toBe(400);
    const body = await bodyOf<{ field: string; message: string }>(res);
    expect(body.field).toBe('features[19].strategies[0].constraints[0].operator');
    expect(body.message).toContain('features[19].strategies[0].constraints[0].operator');
    const exported = await bodyOf<ClientFeaturesDocument>(
      await p.call('GET', '/api/admin/environments/spec-refused/export', { token: p.tokens.admin }),
    );
    expect(exported.features.filter((f) => f.enabled)).toEqual([]);
  });

  const roundTrip = files.filter((f) => !f.startsWith('13-'));
  it('covers the other 21 files', () => {
    expect(roundTrip).toHaveLength(21);
  });

  roundTrip.forEach((file, i) => {
    it(`round-trips ${file}`, async () => {
      const spec: SpecFile = JSON.parse(readFileSync(join(specDir, file), 'utf8'));
      const env = `spec-${i}`;
      expect(
        (
          await p.call('POST', '/api/admin/environments', {
            token: p.tokens.admin,
            body: { name: env, type: 'development' },
          })
        ).status,
      ).toBe(201);
      const imported = await p.call('POST', `/api/admin/environments/${env}/import`, {
        token: p.tokens.admin,
        body: importable(spec),
      });
      expect(imported.status, await imported.clone().text()).toBe(200);
      const exported = await bodyOf<ClientFeaturesDocument>(
        await p.call('GET', `/api/admin/environments/${env}/export`, { token: p.tokens.admin }),
      );
      const original = compile(spec.state, fixed());
      const roundTripped = compile(exported, fixed());
      for (const t of spec.tests ?? []) {
        const result = evaluate(roundTripped, t.toggleName, t.context);
        expect(result.enabled, t.description).toBe(t.expectedResult);
        expect(result).toEqual(evaluate(original, t.toggleName, t.context));
      }
      for (const t of spec.variantTests ?? []) {
        const { variant } = evaluate(roundTripped, t.toggleName, t.context);
        expect({ ...variant }, t.description).toEqual(t.expectedResult);
      }
      // Every feature of the original, for contexts the tests do not try.
      for (const name of original.features.keys()) {
        for (const userId of ['1', '42', 'u-7', '999']) {
          const ctx = { userId, sessionId: userId, properties: { tier: 'gold' } };
          expect(evaluate(roundTripped, name, ctx), `${name} ${userId}`).toEqual(
            evaluate(original, name, ctx),
          );
        }
      }
      // Importing the same document again changes nothing.
      const again = await bodyOf<{ created: string[]; updated: string[] }>(
        await p.call('POST', `/api/admin/environments/${env}/import`, {
          token: p.tokens.admin,
          body: importable(spec),
        }),
      );
      expect(again.created).toEqual([]);
      expect(again.updated).toEqual([]);
    });
  });
});
