/**
 * Numeric operators read a context value as Unleash's Node SDK does (`Number()`): an empty or blank
 * property is 0, an absent one or a non-number never matches (so inverted, it does). Checked against unleash-client itself,
 * offline on the same document, for every operator, inverted or not, over generated values.
 */
import fc from 'fast-check';
import { Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';
import type { ClientFeaturesDocument } from '../../shared/model/client-features';

const OPERATORS = ['NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE'] as const;
const TARGETS = ['0', '1', '-1', '0.5', '18'];

const doc: ClientFeaturesDocument = {
  version: 2,
  features: OPERATORS.flatMap((operator) =>
    TARGETS.flatMap((value) =>
      [false, true].map((inverted) => ({
        name: `${operator}-${value}-${inverted}`,
        enabled: true,
        strategies: [
          {
            name: 'default',
            parameters: {},
            constraints: [{ contextName: 'age', operator, value, inverted }],
          },
        ],
      })),
    ),
  ),
};

let unleash: Unleash;

beforeAll(async () => {
  unleash = new Unleash({
    appName: 'numeric-check',
    // Nothing listens here: the client runs on its bootstrap alone.
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    bootstrap: { data: doc.features as never },
    skipInstanceCountWarning: true,
  });
  unleash.on('error', () => {});
  unleash.on('warn', () => {});
  await new Promise<void>((resolve) => {
    if (unleash.isSynchronized()) resolve();
    unleash.once('ready', () => resolve());
    setTimeout(resolve, 2000);
  });
});
afterAll(() => unleash?.destroy());

describe('numeric operators on empty and odd values', () => {
  const config = compile(doc);
  const check = (age: string | undefined) => {
    const ctx = age === undefined ? { userId: 'u1' } : { userId: 'u1', properties: { age } };
    for (const f of doc.features)
      expect(evaluate(config, f.name, ctx).enabled, `${f.name} age=${JSON.stringify(age)}`).toBe(
        unleash.isEnabled(f.name, ctx),
      );
  };

  it('an empty or blank value is 0; an absent one or a non-number never matches (inverted: always does)', () => {
    for (const age of ['', ' ', '\t', undefined, '0', '-0', 'abc', '1e1', '0x10', ' 18 ']) check(age);
    expect(evaluate(config, 'NUM_EQ-0-false', { properties: { age: '' } }).enabled).toBe(true);
  });

  it('agrees with unleash-client on generated values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom('', ' ', '  ', '0', '18', '-1'),
          fc.integer({ min: -50, max: 50 }).map(String),
          fc.double({ noNaN: true, min: -100, max: 100 }).map(String),
          fc.string({ maxLength: 4 }),
        ),
        (age) => check(age),
      ),
      { numRuns: 300 },
    );
  });
});
