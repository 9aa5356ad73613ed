/** Hidden targeting: the evaluator's SHA-256, and an app key's document answering as the plain one. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeHideValue } from '../../functions/services/served-config';
import { compile, DocumentError, evaluate } from '../../shared';
import { hiddenReaders } from '../../shared/evaluation/hidden-readers';
import { hideValue, sha256 } from '../../shared/evaluation/sha256';
import type {
  ClientFeaturesDocument,
  Constraint,
  Context,
  Feature,
  Strategy,
  VariantDefinition,
} from '../../shared/model/client-features';
import {
  DEFAULT_SENSITIVE_FIELDS,
  hideTargeting,
  WITHHELD_OPERATOR,
} from '../../shared/model/hide-targeting';

const hex = (words: number[]) => words.map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const SALT = 'k3J9fQ0xZb7LmN2pR5tV8w';
const hidden = { salt: SALT, fields: DEFAULT_SENSITIVE_FIELDS };

describe('sha256', () => {
  it('equals node:crypto on any string, lone surrogates and many blocks included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(hex(sha256(s))).toBe(nodeSha256(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals node:crypto at every padding boundary', () => {
    for (let n = 0; n <= 200; n++) expect(hex(sha256('x'.repeat(n))), `${n}`).toBe(nodeSha256('x'.repeat(n)));
    // The FIPS 180-4 examples.
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hides a value as the first 128 bits of SHA-256(salt + value), as the server does with node:crypto', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 40 }), (salt, v) => {
        expect(hideValue(salt, v)).toBe(nodeSha256(salt + v).slice(0, 32));
        expect(nodeHideValue(salt, v)).toBe(hideValue(salt, v));
      }),
      { numRuns: 1000 },
    );
  });
});

// Customer ids in capitals and Chinese: hex digests (0-9a-f) can never contain them by accident.
const ID_POOL = ['CUST-0001', 'CUST-0002', ' CUST-0003 ', '客户-张三', 'ACCT-77', 'CUST-0042', 'ACCT-9'];
const TIERS = ['gold', 'silver', 'blocked'];
const FIELDS = ['userId', 'customerId', 'accountNumber', 'tier'];

const values = fc.subarray([...ID_POOL, '', '  '], { minLength: 0, maxLength: 6 });
const tierValues = fc.subarray(TIERS);
const inConstraint: fc.Arbitrary<Constraint> = fc.constantFrom(...FIELDS).chain((contextName) =>
  fc.record(
    {
      contextName: fc.constant(contextName),
      operator: fc.constantFrom('IN', 'NOT_IN'),
      values: contextName === 'tier' ? tierValues : values,
      inverted: fc.boolean(),
    },
    { requiredKeys: ['contextName', 'operator', 'values'] },
  ),
);
const strategy: fc.Arbitrary<Strategy> = fc.oneof(
  fc.record({
    name: fc.constant('userWithId'),
    parameters: fc.record({
      userIds: fc.subarray(ID_POOL, { minLength: 1 }).map((ids) => ids.join(' , ')),
    }),
    constraints: fc.array(inConstraint, { maxLength: 1 }),
  }),
  fc.record({
    name: fc.constant('default'),
    constraints: fc.array(inConstraint, { maxLength: 3 }),
    segments: fc.subarray([1, 2], { maxLength: 2 }),
  }),
  fc.record({
    name: fc.constant('flexibleRollout'),
    parameters: fc.record({
      rollout: fc.integer({ min: 0, max: 100 }).map(String),
      stickiness: fc.constantFrom('default', 'customerId'),
    }),
    constraints: fc.array(inConstraint, { maxLength: 2 }),
  }),
);
const feature = (name: string): fc.Arbitrary<Feature> =>
  fc.record({
    name: fc.constant(name),
    enabled: fc.boolean(),
    strategies: fc.array(strategy, { maxLength: 3 }),
    variants: fc.oneof(
      fc.constant<VariantDefinition[]>([]),
      fc
        .oneof(
          fc.tuple(fc.constantFrom('userId', 'customerId'), values),
          fc.tuple(fc.constant('tier'), tierValues),
        )
        .map(([contextName, vs]): VariantDefinition[] => [
          { name: 'blue', weight: 500, overrides: [{ contextName, values: vs }] },
          { name: 'green', weight: 500 },
        ]),
    ),
  });
const plainDocument: fc.Arbitrary<ClientFeaturesDocument> = fc
  .tuple(feature('f1'), feature('f2'), feature('f3'), fc.array(inConstraint, { minLength: 1, maxLength: 2 }))
  .map(([a, b, c, segmentConstraints]) => ({
    version: 2,
    features: [a, b, c],
    segments: [
      { id: 1, name: 'vip customers', constraints: segmentConstraints },
      {
        id: 2,
        name: 'watch list',
        constraints: [{ contextName: 'customerId', operator: 'IN', values: ['CUST-0042'] }],
      },
    ],
  }));
const fromPool = fc.option(fc.constantFrom(...ID_POOL, ...ID_POOL.map((id) => id.trim()), 'CUST-9999', ''), {
  nil: undefined,
});
const context: fc.Arbitrary<Context> = fc.record({
  userId: fromPool,
  properties: fc.record({
    customerId: fromPool,
    accountNumber: fc.oneof(fromPool, fc.constant(77)),
    tier: fc.option(fc.constantFrom(...TIERS), { nil: undefined }),
  }),
});

// Without a userId or sessionId a variant is picked at random: the same "random" for both.
const options = { random: () => 0.42 };
const reading = { hiddenTargeting: hiddenReaders };
const answer = (doc: ReturnType<typeof compile>, name: string, ctx: Context) => {
  const r = evaluate(doc, name, ctx);
  return { enabled: r.enabled, variant: r.variant.name, reason: r.reason };
};

describe("an app key's document", () => {
  it('answers exactly as the plain document, for any document and context', () => {
    fc.assert(
      fc.property(plainDocument, fc.array(context, { minLength: 1, maxLength: 20 }), (doc, contexts) => {
        const plain = compile(doc, options);
        const app = compile(JSON.parse(JSON.stringify(hideTargeting(doc, hidden))), {
          ...options,
          ...reading,
        });
        for (const ctx of contexts)
          for (const name of ['f1', 'f2', 'f3'])
            expect(answer(app, name, ctx), `${name} ${JSON.stringify(ctx)}`).toEqual(
              answer(plain, name, ctx),
            );
      }),
      { numRuns: 500 },
    );
  });

  it('carries no sensitive value in clear, and keeps the others', () => {
    fc.assert(
      fc.property(plainDocument, (doc) => {
        const body = JSON.stringify(hideTargeting(doc, hidden));
        for (const id of ID_POOL) expect(body).not.toContain(id.trim());
        expect(body).toContain('"hiddenTargeting":{"salt":"k3J9fQ0xZb7LmN2pR5tV8w"');
        // Values on a field that is not sensitive are served as they are.
        const tiers = doc.features
          .flatMap((f) => f.strategies ?? [])
          .flatMap((s) => s.constraints ?? [])
          .filter((c) => c.contextName === 'tier')
          .flatMap((c) => c.values ?? [])
          .filter((v) => TIERS.includes(v));
        for (const v of tiers) expect(body).toContain(`"${v}"`);
      }),
    );
  });

  it('withholds what cannot be compared by hash: it never matches, inverted or not', () => {
    const ops: Constraint[] = [
      { contextName: 'customerId', operator: 'STR_STARTS_WITH', values: ['CUST-00'] },
      { contextName: 'customerId', operator: 'STR_CONTAINS', values: ['CUST'], inverted: true },
      { contextName: 'accountNumber', operator: 'NUM_GT', value: '10' },
      { contextName: 'accountNumber', operator: 'NUM_LT', value: '10', inverted: true },
      { contextName: 'userId', operator: 'REGEX', value: '^CUST-\\d+$' },
      { contextName: 'userId', operator: 'SEMVER_GT', value: '1.0.0', inverted: true },
    ];
    const doc: ClientFeaturesDocument = {
      version: 2,
      features: ops.map((c, i) => ({
        name: `f${i}`,
        enabled: true,
        strategies: [{ name: 'default', constraints: [c] }],
      })),
    };
    const served = hideTargeting(doc, hidden);
    const body = JSON.stringify(served);
    expect(body).not.toContain('CUST');
    for (const f of served.features) {
      expect(f.strategies?.[0].constraints).toEqual([
        { contextName: expect.any(String), operator: WITHHELD_OPERATOR, values: [] },
      ]);
    }
    const app = compile(served, reading);
    for (const ctx of [
      { userId: 'CUST-0001', properties: { customerId: 'CUST-0001', accountNumber: 5 } },
      {},
    ])
      for (const f of served.features) expect(evaluate(app, f.name, ctx).enabled, f.name).toBe(false);
  });

  it('serves DATE constraints and fields that are not sensitive unchanged', () => {
    const date: Constraint = { contextName: 'userId', operator: 'DATE_AFTER', value: '2026-01-01T00:00:00Z' };
    const str: Constraint = { contextName: 'tier', operator: 'STR_STARTS_WITH', values: ['go'] };
    const doc: ClientFeaturesDocument = {
      version: 2,
      features: [{ name: 'f', enabled: true, strategies: [{ name: 'default', constraints: [date, str] }] }],
    };
    expect(hideTargeting(doc, hidden).features[0].strategies?.[0].constraints).toEqual([date, str]);
  });

  it('hides only the configured fields', () => {
    const doc: ClientFeaturesDocument = {
      version: 2,
      features: [
        {
          name: 'f',
          enabled: true,
          strategies: [
            { name: 'userWithId', parameters: { userIds: 'CUST-1,CUST-2' } },
            {
              name: 'default',
              constraints: [{ contextName: 'branchCode', operator: 'IN', values: ['BR-12'] }],
            },
          ],
        },
      ],
    };
    const served = hideTargeting(doc, { salt: SALT, fields: ['branchCode'] });
    const body = JSON.stringify(served);
    expect(body).toContain('CUST-1,CUST-2');
    expect(body).not.toContain('BR-12');
    const app = compile(served, reading);
    expect(evaluate(app, 'f', { properties: { branchCode: 'BR-12' } }).enabled).toBe(true);
    expect(evaluate(app, 'f', { userId: 'CUST-2' }).enabled).toBe(true);
    expect(evaluate(app, 'f', { properties: { branchCode: 'BR-13' } }).enabled).toBe(false);
  });

  it('is refused, naming hiddenTargeting, by an evaluator not given hiddenReaders', () => {
    const served = hideTargeting({ version: 2, features: [] }, hidden);
    expect(() => compile(served)).toThrow(expect.objectContaining({ field: 'hiddenTargeting' }));
    expect(() => compile(served)).toThrow(DocumentError);
  });

  it('names the field of a malformed hiddenTargeting', () => {
    const base = { version: 2, features: [] };
    const bad = [
      [{ ...base, hiddenTargeting: 'x' }, 'hiddenTargeting'],
      [{ ...base, hiddenTargeting: { fields: [] } }, 'hiddenTargeting.salt'],
      [{ ...base, hiddenTargeting: { salt: SALT, fields: 'userId' } }, 'hiddenTargeting.fields'],
    ] as const;
    for (const [doc, field] of bad) {
      const run = () => compile(doc as unknown as ClientFeaturesDocument, reading);
      expect(run).toThrow(DocumentError);
      expect(run).toThrow(expect.objectContaining({ field }));
    }
  });

  it('evaluates without throwing for any context shape', () => {
    fc.assert(
      fc.property(plainDocument, fc.anything(), (doc, ctx) => {
        const app = compile(hideTargeting(doc, hidden), reading);
        for (const name of ['f1', 'f2', 'f3']) {
          const r = evaluate(app, name, ctx as Context);
          expect(r.reason === 'ERROR' ? r.errorCode : 'ok').not.toBe('FLAG_NOT_FOUND');
        }
      }),
      { numRuns: 200 },
    );
  });
});
