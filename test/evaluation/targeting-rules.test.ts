/**
 * The write-time targeting rules agree with the evaluator: a value the admin API accepts is one the
 * evaluator reads as the author meant (the same instant, number, version or range), and what the
 * rules refuse is something the evaluator could never match.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Constraint, compile, evaluate } from '../../shared';
import { normalizeVariantWeights } from '../../shared/model/flag';
import { parseRfc3339 } from '../../shared/model/rfc3339';
import {
  constraintValueProblems,
  flagVariantProblems,
  isFiniteDecimal,
} from '../../shared/model/targeting-rules';

function matches(constraint: Constraint, context: Record<string, unknown>, now = 0): boolean {
  const config = compile(
    {
      version: 2,
      features: [{ name: 'f', enabled: true, strategies: [{ name: 'default', constraints: [constraint] }] }],
    },
    { now: () => now },
  );
  return evaluate(config, 'f', context).enabled;
}

const two = (n: number) => String(n).padStart(2, '0');

/** An RFC 3339 text with any offset and 0 to 9 fraction digits, and the instant it names. */
const rfc3339 = fc
  .tuple(
    fc.date({
      min: new Date('1000-01-01T00:00:00Z'),
      max: new Date('9000-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    fc.integer({ min: 0, max: 9 }),
  )
  .map(([d, offset, digits]) => {
    const local = new Date(d.getTime() + offset * 60_000).toISOString();
    const fraction = digits === 0 ? '' : `.${`${local.slice(20, 23)}000000`.slice(0, digits)}`;
    const zone =
      offset === 0
        ? 'Z'
        : `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
    const millis =
      digits === 0 ? 0 : Number(`${local.slice(20, 23)}000000`.slice(0, Math.min(digits, 3)).padEnd(3, '0'));
    const at = Date.parse(`${local.slice(0, 19)}Z`) + millis - offset * 60_000;
    return { text: `${local.slice(0, 19)}${fraction}${zone}`, at };
  });

describe('DATE_* values', () => {
  it('property: an accepted time names the instant the evaluator compares with', () => {
    fc.assert(
      fc.property(rfc3339, ({ text, at }) => {
        expect(parseRfc3339(text)).toBe(at);
        expect(Date.parse(text)).toBe(at);
        expect(constraintValueProblems({ operator: 'DATE_AFTER', value: text })).toEqual([]);
        const after: Constraint = { contextName: 'currentTime', operator: 'DATE_AFTER', value: text };
        expect(matches(after, {}, at + 1)).toBe(true);
        expect(matches(after, {}, at)).toBe(false);
      }),
    );
  });

  it('refuses what Date.parse would roll over or read as local time', () => {
    for (const value of [
      '2027-02-29T00:00:00Z',
      '2027-04-31T00:00:00Z',
      '2027-01-01T00:00:00',
      '2027-01-01',
      'tomorrow',
    ])
      expect(constraintValueProblems({ operator: 'DATE_BEFORE', value }), value).toHaveLength(1);
  });
});

describe('NUM_* values', () => {
  it('property: an accepted number compares as that number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const value = String(n);
        expect(isFiniteDecimal(value)).toBe(true);
        expect(matches({ contextName: 'x', operator: 'NUM_EQ', value }, { properties: { x: value } })).toBe(
          true,
        );
      }),
    );
  });

  it('property: text that is not a decimal is refused', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        fc.pre(!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value));
        expect(constraintValueProblems({ operator: 'NUM_GT', value })).toHaveLength(1);
      }),
    );
  });
});

describe('IN_CIDR values', () => {
  it('property: an accepted IPv4 range contains its own address', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const range = `${ip}/${prefix}`;
        expect(constraintValueProblems({ operator: 'IN_CIDR', values: [range] })).toEqual([]);
        expect(
          matches(
            { contextName: 'remoteAddress', operator: 'IN_CIDR', values: [range] },
            { remoteAddress: ip },
          ),
        ).toBe(true);
      }),
    );
  });

  it('refuses what the evaluator would skip', () => {
    const problems = constraintValueProblems({
      operator: 'IN_CIDR',
      values: ['10.0.0.0/8', '999.1.1.1/99', '10.0.0.0/33', '10.0.0', '2001:db8::/32'],
    });
    expect(problems.map((p) => p.path)).toEqual([
      ['values', 1],
      ['values', 2],
      ['values', 3],
    ]);
  });
});

describe('flag variant weights', () => {
  it('property: every list the rules accept gives each variant a share once stored', () => {
    const variant = fc.record({
      weight: fc.integer({ min: 0, max: 1000 }),
      weightType: fc.constantFrom('variable' as const, 'fix' as const),
    });
    fc.assert(
      fc.property(fc.array(variant, { minLength: 1, maxLength: 5 }), (vs) => {
        const list = vs.map((v, i) => ({ ...v, name: `v${i}` }));
        const accepted = flagVariantProblems(list).length === 0;
        const stored = normalizeVariantWeights(list);
        // Accepted exactly when, once stored, the weights share out 1000, each fixed variant keeps its
        // stated weight and each variable one gets a share.
        const asMeant =
          stored.reduce((s, v) => s + v.weight, 0) === 1000 &&
          stored.every((v, i) => (v.weightType === 'fix' ? v.weight === list[i].weight : v.weight > 0));
        expect(accepted).toBe(asMeant);
      }),
    );
  });
});
