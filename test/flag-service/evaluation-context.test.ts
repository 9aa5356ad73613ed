/**
 * The context the frontend API and OFREP evaluate with: whatever the caller sends, its time is the
 * server's clock and its address the request's source address, and every other field is kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openFeatureContext, unleashContext } from '../../functions/services/evaluation-context';

const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean());
const field = fc.oneof(
  fc.constantFrom('currentTime', 'remoteAddress', 'userId', 'sessionId', 'channel', 'appName', 'environment'),
  fc.string({ minLength: 1, maxLength: 10 }),
);
const input = fc.record({
  top: fc.dictionary(field, scalar, { maxKeys: 8 }),
  properties: fc.option(fc.dictionary(field, scalar, { maxKeys: 8 }), { nil: undefined }),
});
const now = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
const sourceIp = fc.option(fc.constantFrom('203.0.113.7', '2001:db8::1', '127.0.0.1'), { nil: undefined });

describe('unleashContext and openFeatureContext', () => {
  it("take time and address from the server, in the context and in its properties, and keep the caller's other fields", () => {
    fc.assert(
      fc.property(input, now, sourceIp, fc.boolean(), ({ top, properties }, clock, ip, openFeature) => {
        const raw: Record<string, unknown> = { ...top, ...(properties ? { properties } : {}) };
        const server = { environment: 'development', now: clock, sourceIp: ip };
        const ctx = openFeature ? openFeatureContext(raw, server) : unleashContext(raw, server);
        expect(ctx.currentTime).toBe(clock.toISOString());
        expect(ctx.remoteAddress).toBe(ip);
        expect(ctx.properties?.currentTime).toBeUndefined();
        expect(ctx.properties?.remoteAddress).toBeUndefined();
        if (typeof top.userId === 'string' && !openFeature) expect(ctx.userId).toBe(top.userId);
        if (top.channel !== undefined) expect(ctx.channel).toBe(String(top.channel));
        for (const [k, v] of Object.entries(properties ?? {})) {
          if (k !== 'currentTime' && k !== 'remoteAddress' && top[k] === undefined && k !== 'targetingKey')
            expect(ctx.properties?.[k], k).toBe(String(v));
        }
      }),
      { numRuns: 500, seed: 1401 },
    );
  });
});
