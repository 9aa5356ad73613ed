// Every case of test/fixtures/stats-cases.json (expected numbers from gbstats' own unit tests),
// compared field by field to the stated tolerance.

import { describe, expect, it } from 'vitest';
import { adjustPValues, analyzeTwoArm, srmTest, type TwoArmInput } from '../../shared/stats';
import fixture from '../fixtures/stats-cases.json';

type Case =
  | { id: string; kind: 'twoArm'; input: TwoArmInput; expected: unknown }
  | { id: string; kind: 'srm'; input: { users: number[]; weights: number[] }; expected: unknown }
  | { id: string; kind: 'adjust'; input: { pValues: number[]; method: 'holm' | 'bh' }; expected: unknown };

interface Fixture {
  tolerance: { rel: number; abs: number };
  cases: Case[];
}

const { tolerance, cases } = fixture as unknown as Fixture;

function expectedNumber(value: number | string): number {
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value as number;
}

/** Paths where actual differs from expected; only the fields present in expected are compared. */
function mismatches(expected: unknown, actual: unknown, path = '$'): string[] {
  if (
    expected === null ||
    typeof expected === 'boolean' ||
    (typeof expected === 'string' && !/Infinity$/.test(expected))
  ) {
    return expected === actual ? [] : [`${path}: expected ${String(expected)}, got ${String(actual)}`];
  }
  if (typeof expected === 'number' || typeof expected === 'string') {
    const want = expectedNumber(expected);
    if (typeof actual !== 'number') return [`${path}: expected ${want}, got ${String(actual)}`];
    if (!Number.isFinite(want)) return actual === want ? [] : [`${path}: expected ${want}, got ${actual}`];
    const allowed = tolerance.rel * Math.abs(want) + tolerance.abs;
    return Math.abs(actual - want) <= allowed ? [] : [`${path}: expected ${want}, got ${actual}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: expected an array of ${expected.length}, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((item, i) => mismatches(item, actual[i], `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object')
    return [`${path}: expected an object, got ${String(actual)}`];
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
    mismatches(value, (actual as Record<string, unknown>)[key], `${path}.${key}`),
  );
}

function run(testCase: Case): unknown {
  switch (testCase.kind) {
    case 'twoArm':
      return analyzeTwoArm(testCase.input);
    case 'srm':
      return srmTest(testCase.input.users, testCase.input.weights);
    case 'adjust':
      return adjustPValues(testCase.input.pValues, testCase.input.method);
  }
}

describe('stats-cases.json (gbstats ground truth)', () => {
  it('has cases of every kind and no unknown kind', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(['adjust', 'srm', 'twoArm']);
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, testCase) => {
    expect(mismatches(testCase.expected, run(testCase))).toEqual([]);
  });
});
