/**
 * A constraint on a context field the caller never sent answers as for any absent field, whatever
 * the field is called (Object.prototype's members included: `toString`, `constructor`,
 * `__proto__`...), and the frontend API's context, OFREP's and the SDK give the same answer. An
 * outside tester found the frontend API reading `toString` from Object.prototype, so a constraint on
 * it matched every customer there while OFREP answered false.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openFeatureContext, unleashContext } from '../../functions/services/evaluation-context';
import { createClient } from '../../sdk/src';
import type { ClientFeaturesDocument, Constraint } from '../../shared';
import { compile, evaluate } from '../../shared';

/** Fields the server or the SDK fills in, or that OFREP reads itself: never "absent". */
const FILLED = new Set([
  'userId',
  'sessionId',
  'remoteAddress',
  'environment',
  'appName',
  'channel',
  'currentTime',
  'properties',
  'targetingKey',
]);
const INHERITED = Object.getOwnPropertyNames(Object.prototype);
const ABSENT = 'no-such-field';

const fieldName = fc
  .oneof(fc.constantFrom(...INHERITED), fc.string({ minLength: 1, maxLength: 10 }))
  .filter((n) => !FILLED.has(n));
const constraint = (contextName: string): fc.Arbitrary<Constraint> =>
  fc.record({
    contextName: fc.constant(contextName),
    operator: fc.constantFrom('IN', 'NOT_IN', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS'),
    values: fc.array(fc.constantFrom('function', '[object Object]', 'native code', 'valueOf', 'x', ''), {
      minLength: 1,
      maxLength: 3,
    }),
    inverted: fc.boolean(),
    caseInsensitive: fc.boolean(),
  });
const properties = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !FILLED.has(k)),
  fc.string({ maxLength: 6 }),
  { maxKeys: 4 },
);

function documentWith(c: Constraint): ClientFeaturesDocument {
  return {
    version: 2,
    features: [
      { name: 'f', enabled: true, strategies: [{ name: 'default', parameters: {}, constraints: [c] }] },
    ],
  };
}

const server = { environment: 'development', now: new Date('2026-12-01T00:00:00Z') };

describe('a constraint on a field the context does not have', () => {
  it('answers as for any absent field, in the frontend API, OFREP and the SDK alike', async () => {
    const runs: { name: string; c: Constraint; props: Record<string, string> }[] = [];
    fc.assert(
      fc.property(
        fieldName.chain((name) =>
          fc.record({ name: fc.constant(name), c: constraint(name), props: properties }),
        ),
        ({ name, c, props }) => {
          fc.pre(!Object.hasOwn(props, name));
          // The answer for a field no context has, by a name nothing inherits.
          const absent = evaluate(compile(documentWith({ ...c, contextName: ABSENT })), 'f', {
            userId: 'cust-1',
          }).enabled;
          const config = compile(documentWith(c));
          const frontend = unleashContext({ userId: 'cust-1', properties: props }, server);
          const ofrep = openFeatureContext({ targetingKey: 'cust-1', ...props }, server);
          expect(evaluate(config, 'f', frontend).enabled).toBe(absent);
          expect(evaluate(config, 'f', ofrep).enabled).toBe(absent);
          if (runs.length < 60) runs.push({ name, c, props });
        },
      ),
      { numRuns: 400 },
    );
    // The SDK on the same documents (one offline client each, so fewer runs).
    for (const { c, props } of runs) {
      const absent = evaluate(compile(documentWith({ ...c, contextName: ABSENT })), 'f', {
        userId: 'cust-1',
      }).enabled;
      const sdk = createClient({ appName: 'absent-fields', channel: 'web', bootstrap: documentWith(c) });
      await sdk.ready();
      expect(sdk.isEnabled('f', { userId: 'cust-1', properties: props })).toBe(absent);
      sdk.close();
    }
    expect(runs.some((r) => INHERITED.includes(r.name))).toBe(true);
  });

  it('reads a property named after an Object.prototype member when the caller sends it', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'valueOf']) {
      const config = compile(documentWith({ contextName: name, operator: 'IN', values: ['gold'] }));
      const body = JSON.parse(`{"userId":"cust-1","properties":{"${name}":"gold"}}`);
      expect(evaluate(config, 'f', unleashContext(body, server)).enabled, name).toBe(true);
      const flat = JSON.parse(`{"targetingKey":"cust-1","${name}":"gold"}`);
      expect(evaluate(config, 'f', openFeatureContext(flat, server)).enabled, name).toBe(true);
      expect(evaluate(config, 'f', unleashContext({ userId: 'cust-1' }, server)).enabled, name).toBe(false);
    }
  });
});
