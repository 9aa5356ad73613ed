/**
 * parseApplyAt: the `omnilab-apply-at` header is an RFC 3339 time with a zone, in the future and at
 * most a year ahead; anything else is a ValidationError naming the header.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLY_AT_FIELD, MAX_APPLY_AHEAD_DAYS, parseApplyAt } from '../../functions/services/apply-at';
import { ValidationError } from '../../shared/model/errors';
import { parseRfc3339 } from '../../shared/model/rfc3339';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const DAY = 86_400_000;

function refusal(raw: string, now = NOW): ValidationError {
  try {
    parseApplyAt(raw, now);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error(`${raw} was accepted`);
}

describe('parseApplyAt', () => {
  it('is undefined when the header is absent or empty', () => {
    expect(parseApplyAt(undefined, NOW)).toBeUndefined();
    expect(parseApplyAt('', NOW)).toBeUndefined();
  });

  it('takes UTC and offset times, and answers the instant in UTC', () => {
    expect(parseApplyAt('2026-12-01T10:00:00Z', NOW)).toBe('2026-12-01T10:00:00.000Z');
    expect(parseApplyAt('2026-12-01T12:30:00+02:00', NOW)).toBe('2026-12-01T10:30:00.000Z');
    expect(parseApplyAt('2026-12-01T05:00:00.25-05:00', NOW)).toBe('2026-12-01T10:00:00.250Z');
    expect(parseApplyAt('2027-12-01T09:00:00Z', NOW)).toBe('2027-12-01T09:00:00.000Z');
  });

  it('refuses times without a zone, other formats and impossible dates, naming the header', () => {
    for (const raw of [
      '2026-12-01T10:00:00',
      '2026-12-01 10:00:00Z',
      '2026-12-01',
      '2026-12-01t10:00:00z',
      'tomorrow',
      '1767258000000',
      '+275760-09-13T00:00:00Z',
      '2027-02-29T10:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-31T23:59:60Z',
      '2026-12-01T10:00:00+24:00',
      'Tue, 01 Dec 2026 10:00:00 GMT',
    ]) {
      const e = refusal(raw);
      expect(e.field, raw).toBe(APPLY_AT_FIELD);
      expect(e.message, raw).toMatch(/RFC 3339/);
    }
  });

  it('refuses the past and now', () => {
    expect(refusal('2026-12-01T09:00:00Z').message).toMatch(/future/);
    expect(refusal('2026-12-01T08:59:59.999Z').message).toMatch(/future/);
    expect(refusal('2000-01-01T00:00:00Z').field).toBe(APPLY_AT_FIELD);
  });

  it('refuses more than the allowed days ahead', () => {
    const limit = new Date(NOW.getTime() + MAX_APPLY_AHEAD_DAYS * DAY).toISOString();
    expect(parseApplyAt(limit, NOW)).toBe(limit);
    const beyond = new Date(NOW.getTime() + MAX_APPLY_AHEAD_DAYS * DAY + 1).toISOString();
    expect(refusal(beyond).message).toMatch(`at most ${MAX_APPLY_AHEAD_DAYS} days ahead`);
    expect(() => parseApplyAt('2026-12-09T09:00:00Z', NOW, 7)).toThrow(ValidationError);
    expect(parseApplyAt('2026-12-08T09:00:00Z', NOW, 7)).toBe('2026-12-08T09:00:00.000Z');
  });

  it('property: any instant up to the limit, written with any offset, is read back as that instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_APPLY_AHEAD_DAYS * DAY }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.boolean(),
        (ahead, offset, withMillis) => {
          const at = NOW.getTime() + (withMillis ? ahead : ahead - (ahead % 1000) || 1000);
          const local = new Date(at + offset * 60_000).toISOString();
          const zone =
            offset === 0
              ? 'Z'
              : `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
          const raw = `${withMillis ? local.slice(0, 23) : local.slice(0, 19)}${zone}`;
          expect(parseApplyAt(raw, NOW)).toBe(new Date(at).toISOString());
        },
      ),
    );
  });

  it('property: parseRfc3339 agrees with Date.parse on every valid time it accepts', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const s = d.toISOString();
          expect(parseRfc3339(s)).toBe(Date.parse(s));
          // Without its zone the same text is refused.
          expect(parseRfc3339(s.slice(0, -1))).toBeNull();
        },
      ),
    );
  });
});

describe('the omnilab-apply-at header through the admin API', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    expect(
      (
        await p.call('POST', '/api/admin/flags', {
          token: p.tokens.admin,
          body: { name: 'cd-rates', squad: 'payments' },
        })
      ).status,
    ).toBe(201);
  });
  afterAll(() => p.close());

  it('refuses a time without a zone and one at the end of JavaScript time, naming the header; nothing is held or written', async () => {
    const before = await (await p.call('GET', '/api/admin/flags/cd-rates', { token: p.tokens.admin })).json();
    for (const at of ['2027-01-01T09:00:00', '+275760-09-13T00:00:00Z']) {
      const res = await p.call('PUT', '/api/admin/flags/cd-rates/environments/development', {
        token: p.tokens.admin,
        headers: { 'omnilab-apply-at': at },
        body: { version: 1, channels: { web: true } },
      });
      expect(res.status, at).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe(APPLY_AT_FIELD);
    }
    expect(
      await (await p.call('GET', '/api/admin/flags/cd-rates', { token: p.tokens.admin })).json(),
    ).toEqual(before);
    const { changeRequests } = (await (
      await p.call('GET', '/api/admin/change-requests', { token: p.tokens.admin })
    ).json()) as { changeRequests: unknown[] };
    expect(changeRequests).toEqual([]);
  });
});
