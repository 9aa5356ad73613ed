/**
 * MurmurHash3 over UTF-8: independently computed cases, the rollout and variant buckets, a
 * byte-level reference for any string, and where it differs from the unleash-client Node SDK.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClientFeaturesDocument, compile, evaluate, murmur3 } from '../../shared';
import { hashPrefix, hashWithPrefix } from '../../shared/evaluation/murmur3';

const require = createRequire(import.meta.url);
// An independent MurmurHash3 that hashes bytes; fed UTF-8 bytes it is the reference for omnilab.
const reference: {
  x86: { hash32(bytes: Uint8Array, seed?: number): number };
} = require('murmurhash3js-revisited');
// The hash unleash-client uses: it takes the low byte of each UTF-16 unit.
const unleashNodeHash: { x86: { hash32(s: string, seed?: number): number } } = require('murmurhash3js');

interface HashCase {
  groupId: string;
  id: string;
  hashSeed0: number;
  hashVariantSeed: number;
  rolloutBucket: number;
  variantBucket1000: number;
  variantBucket3: number;
}

// Computed by Debian's pure-Perl MurmurHash3 over UTF-8 bytes (see test/fixtures/README.md).
const cases: HashCase[] = JSON.parse(
  readFileSync(new URL('../fixtures/murmur3-utf8-cases.json', import.meta.url), 'utf8'),
);

function rolloutDoc(name: string, rollout: number): ClientFeaturesDocument {
  return {
    version: 2,
    features: [
      {
        name,
        enabled: true,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: String(rollout), groupId: name, stickiness: 'userId' },
          },
        ],
      },
    ],
  };
}

describe('MurmurHash3 over UTF-8, against independently computed cases', () => {
  it.each(cases)('hashes "$groupId:$id"', (c) => {
    expect(murmur3(`${c.groupId}:${c.id}`, 0)).toBe(c.hashSeed0);
    expect(murmur3(`${c.groupId}:${c.id}`, 86028157)).toBe(c.hashVariantSeed);
  });

  it.each(cases.filter((c) => c.groupId !== ''))(
    'puts customer "$id" of "$groupId" in rollout bucket $rolloutBucket',
    (c) => {
      const at = compile(rolloutDoc(c.groupId, c.rolloutBucket));
      const below = compile(rolloutDoc(c.groupId, c.rolloutBucket - 1));
      expect(evaluate(at, c.groupId, { userId: c.id }).enabled).toBe(true);
      expect(evaluate(below, c.groupId, { userId: c.id }).enabled).toBe(false);
    },
  );

  it.each(cases.filter((c) => c.groupId !== ''))(
    'gives customer "$id" of "$groupId" variant $variantBucket3 of 3',
    (c) => {
      const config = compile({
        version: 2,
        features: [
          {
            name: c.groupId,
            enabled: true,
            strategies: [{ name: 'default' }],
            variants: ['v1', 'v2', 'v3'].map((name) => ({ name, weight: 1, stickiness: 'default' })),
          },
        ],
      });
      expect(evaluate(config, c.groupId, { userId: c.id }).variant.name).toBe(`v${c.variantBucket3}`);
    },
  );

  it('agrees with a byte-level reference for any string, surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        fc.nat(),
        (prefix, rest, seed) => {
          const expected = reference.x86.hash32(encoder.encode(prefix + rest), seed);
          expect(murmur3(prefix + rest, seed)).toBe(expected);
          expect(hashWithPrefix(hashPrefix(prefix, seed), rest)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('differs from the unleash-client Node SDK on non-ASCII ids, and agrees on ASCII', () => {
    expect(murmur3('Feature.A:user-123')).toBe(unleashNodeHash.x86.hash32('Feature.A:user-123', 0));
    const chinese = cases[0];
    expect(unleashNodeHash.x86.hash32(`${chinese.groupId}:${chinese.id}`, 0)).not.toBe(chinese.hashSeed0);
  });
});
