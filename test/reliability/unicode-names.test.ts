/**
 * Strings that are not Unicode: a body naming a flag (or any field) with a lone UTF-16 surrogate is
 * refused with a 400 naming the field, and nothing reaches the flag list or a served document. An
 * outside tester stored such a flag once; it could never be addressed by its path again, broke the
 * console's list and made the production document unreadable to strict JSON parsers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p.close());

const loneSurrogate = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdbff }),
  fc.integer({ min: 0xdc00, max: 0xdfff }),
);

async function flagNames(): Promise<string[]> {
  const res = await p.call('GET', '/api/admin/flags', { token: p.tokens.admin });
  const { flags } = await bodyOf<{ flags: { name: string }[] }>(res);
  return flags.map((f) => f.name);
}

describe('strings that are not well-formed Unicode', () => {
  it('are refused wherever they stand in a body, naming the field, and write nothing', async () => {
    const before = await flagNames();
    await fc.assert(
      fc.asyncProperty(loneSurrogate, fc.string({ maxLength: 8 }), async (code, rest) => {
        const bad = `${String.fromCharCode(code)}${rest.replace(/[\uD800-\uDFFF]/g, '')}promo`;
        const res = await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: bad, squad: 'payments' },
        });
        expect(res.status).toBe(400);
        expect((await bodyOf(res)).field).toBe('name');
        const nested = await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: 'fine-name', squad: 'payments', description: `x${String.fromCharCode(code)}` },
        });
        expect(nested.status).toBe(400);
        expect((await bodyOf(nested)).field).toBe('description');
      }),
      { numRuns: 20 },
    );
    expect(await flagNames()).toEqual(before);
    const doc = await p.call('GET', '/api/client/features', { token: p.tokens.productionClient });
    const text = await doc.text();
    expect(text).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
    expect(text).not.toContain('promo');
  });

  it('still takes every well-formed name, Chinese and emoji included', async () => {
    const res = await p.call('POST', '/api/admin/flags', {
      token: p.tokens.admin,
      body: { name: '新客礼遇-🎁', squad: 'payments' },
    });
    expect(res.status).toBe(201);
    expect(await flagNames()).toContain('新客礼遇-🎁');
  });
});
