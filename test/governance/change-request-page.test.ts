/**
 * Paging the change-request list (finding 6: 24 large requests made one 7.66 MB answer, over
 * Lambda's 6 MB): following `next` from the first page gives every request exactly once, newest
 * first, each page within its limit and its byte budget; a bad limit or cursor is a 400 naming it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParse } from 'zod/v4/core';
import { changeRequestListSchema } from '../../functions/schemas/admin-schemas';
import {
  DEFAULT_PAGE_LIMIT,
  encodeCursor,
  MAX_PAGE_LIMIT,
  pageChangeRequests,
} from '../../functions/services/change-request-page';
import type { ChangeRequest } from '../../shared/governance/change-request';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

function request(i: number, createdAt: string, size: number): ChangeRequest {
  // Only the fields the pager reads and a payload of the drawn size: the rest is carried as is.
  const fields = { id: `cr-${String(i).padStart(3, '0')}`, createdAt, note: 'x'.repeat(size) };
  return fields as unknown as ChangeRequest;
}

const lists = fc
  .array(fc.record({ day: fc.integer({ min: 1, max: 5 }), size: fc.integer({ min: 0, max: 3000 }) }), {
    maxLength: 40,
  })
  .map((drawn) =>
    drawn
      .map((d, i) => request(i, `2026-12-0${d.day}T00:00:00.000Z`, d.size))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)),
  );

describe('change-request pages', () => {
  it('following next gives every request once, in order, each page within limit and bytes', () => {
    fc.assert(
      fc.property(
        lists,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 2000, max: 12_000 }),
        (list, limit, maxBytes) => {
          const seen: ChangeRequest[] = [];
          let next: string | undefined;
          for (let pages = 0; pages <= list.length + 1; pages++) {
            const page = pageChangeRequests(list, { limit, next, maxBytes });
            expect(page.changeRequests.length).toBeLessThanOrEqual(limit);
            const bytes = page.changeRequests.reduce(
              (n, cr) => n + Buffer.byteLength(JSON.stringify(cr)) + 1,
              0,
            );
            if (page.changeRequests.length > 1) expect(bytes).toBeLessThanOrEqual(maxBytes);
            seen.push(...page.changeRequests);
            next = page.next;
            if (next === undefined) break;
            expect(page.changeRequests.length).toBeGreaterThan(0);
          }
          expect(next).toBeUndefined();
          expect(seen).toEqual(list);
        },
      ),
    );
  });

  it('24 requests of 320 KB: no page over 5 MB, all 24 reached', () => {
    const list = Array.from({ length: 24 }, (_, i) =>
      request(i, `2026-12-01T00:00:${String(59 - i).padStart(2, '0')}.000Z`, 320_000),
    );
    const first = pageChangeRequests(list, { limit: MAX_PAGE_LIMIT });
    expect(Buffer.byteLength(JSON.stringify(first))).toBeLessThan(6 * 1024 * 1024);
    expect(first.next).toBeDefined();
    const second = pageChangeRequests(list, { limit: MAX_PAGE_LIMIT, next: first.next });
    expect([...first.changeRequests, ...second.changeRequests]).toEqual(list);
    expect(second.next).toBeUndefined();
  });

  it('limit: default, bounds; a bad limit or cursor names its field', () => {
    expect(safeParse(changeRequestListSchema, {}).data?.limit).toBeUndefined();
    expect(DEFAULT_PAGE_LIMIT).toBe(50);
    expect(safeParse(changeRequestListSchema, { limit: String(MAX_PAGE_LIMIT) }).data?.limit).toBe(
      MAX_PAGE_LIMIT,
    );
    for (const bad of ['0', '-1', '1.5', 'abc', String(MAX_PAGE_LIMIT + 1), '']) {
      const result = safeParse(changeRequestListSchema, { limit: bad });
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.path, bad).toEqual(['limit']);
    }
    expect(() => pageChangeRequests([], { limit: 5, next: 'not-a-cursor' })).toThrow('query.next');
    expect(pageChangeRequests([], { limit: 5, next: encodeCursor({ id: 'a', createdAt: 'b' }) })).toEqual({
      changeRequests: [],
    });
  });
});

describe('GET /api/admin/change-requests over HTTP', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  }, 60_000);
  afterAll(() => p?.close());

  it('three held requests, limit=1: three pages following next give all three, newest first; a bad limit is a 400', async () => {
    const held: string[] = [];
    for (const name of ['page-a', 'page-b', 'page-c']) {
      const flag = await bodyOf<{ name: string; version: number }>(
        await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name, squad: 'payments' },
        }),
      );
      const res = await p.call('PUT', `/api/admin/flags/${flag.name}/environments/production`, {
        token: p.tokens.admin,
        body: { version: flag.version, channels: { mobile: true } },
      });
      expect(res.status).toBe(202);
      held.push((await bodyOf<{ changeRequest: { id: string } }>(res)).changeRequest.id);
    }
    const all = await bodyOf<{ changeRequests: ChangeRequest[]; next?: string }>(
      await p.call('GET', '/api/admin/change-requests', { token: p.tokens.admin }),
    );
    expect(all.next).toBeUndefined();
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const query = next === undefined ? '?limit=1' : `?limit=1&next=${encodeURIComponent(next)}`;
      const res = await p.call('GET', `/api/admin/change-requests${query}`, { token: p.tokens.admin });
      expect(res.status).toBe(200);
      const page = await bodyOf<{ changeRequests: ChangeRequest[]; next?: string }>(res);
      expect(page.changeRequests).toHaveLength(1);
      seen.push(page.changeRequests[0].id);
      next = page.next;
    } while (next !== undefined && seen.length < 10);
    expect(seen).toEqual(all.changeRequests.map((cr) => cr.id));
    expect([...seen].sort()).toEqual([...held].sort());
    const bad = await p.call('GET', '/api/admin/change-requests?limit=0', { token: p.tokens.admin });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('query.limit');
  }, 60_000);
});
