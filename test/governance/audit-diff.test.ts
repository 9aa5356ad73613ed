/** Audit diffs: applying the diff of two states to the first gives the second, and it names only what changed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDiff, auditDiff } from '../../shared/governance/audit-diff';

const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('audit diffs', () => {
  it('rebuild the state after from the state before', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(applyDiff(a, auditDiff(a, b))).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('rebuild a state from nothing (creation) and are empty for no change', () => {
    fc.assert(
      fc.property(json, (a) => {
        expect(auditDiff(a, a)).toEqual([]);
        expect(applyDiff(undefined, auditDiff(undefined, a))).toEqual(a);
        expect(applyDiff(null, auditDiff(null, a))).toEqual(a);
      }),
    );
  });

  it('keep a kill switch of a huge flag small: one path per switched value', () => {
    const big = {
      name: 'huge',
      version: 7,
      environments: {
        production: {
          enabled: true,
          channels: { mobile: true },
          strategies: [{ values: Array(5000).fill('x'.repeat(40)) }],
        },
      },
    };
    const off = {
      ...big,
      version: 8,
      environments: { production: { ...big.environments.production, enabled: false } },
    };
    const diff = auditDiff(big, off);
    expect(diff).toEqual([
      { path: ['environments', 'production', 'enabled'], before: true, after: false },
      { path: ['version'], before: 7, after: 8 },
    ]);
    expect(JSON.stringify(diff).length).toBeLessThan(200);
  });
});
