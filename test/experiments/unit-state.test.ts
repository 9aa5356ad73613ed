/**
 * Incremental unit state equals the brute-force recomputation for any order, batching and
 * duplication of events; exact decimal values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatScaled, parseScaled, toScaled } from '../../shared/experiments/exact';
import {
  addVectors,
  applyUnitEvents,
  contributionDelta,
  EMPTY_UNIT_STATE,
  type ExposureObservation,
  type MetricObservation,
  type StatsVector,
  type UnitState,
  unitContributions,
  unitStateFromEvents,
} from '../../shared/experiments/unit-state';
import type { MetricDefinition } from '../../shared/model/metric';

const catalogue: MetricDefinition[] = [
  {
    key: 'loan_submitted',
    name: 'Loan submitted',
    kind: 'conversion',
    direction: 'higher-is-better',
    unit: '%',
  },
  { key: 'wait_minutes', name: 'Branch wait', kind: 'mean', direction: 'lower-is-better', unit: 'minutes' },
  { key: 'complaint', name: 'Complaints', kind: 'count', direction: 'lower-is-better', unit: 'complaints' },
  { key: 'session', name: 'Sessions', kind: 'count', direction: 'higher-is-better', unit: 'sessions' },
  {
    key: 'complaints_per_session',
    name: 'Complaints per session',
    kind: 'ratio',
    direction: 'lower-is-better',
    unit: 'complaints',
    numerator: 'complaint',
    denominator: 'session',
  },
];

type UnitEvent = ({ kind: 'exposure' } & ExposureObservation) | ({ kind: 'metric' } & MetricObservation);

const eventArb = (unit: string) =>
  fc
    .oneof(
      fc.record({
        kind: fc.constant('exposure' as const),
        id: fc.uuid(),
        experiment: fc.constantFrom('exp-a', 'exp-b'),
        variant: fc.constantFrom('control', 'treatment'),
        channel: fc.constantFrom('mobile', 'branch', 'wechat'),
        at: fc.integer({ min: 0, max: 100 }),
      }),
      fc.record({
        kind: fc.constant('metric' as const),
        id: fc.uuid(),
        metric: fc.constantFrom('loan_submitted', 'wait_minutes', 'complaint', 'session'),
        value: fc.integer({ min: -5_000_000, max: 5_000_000 }).map((n) => BigInt(n)),
        at: fc.integer({ min: 0, max: 100 }),
      }),
    )
    .map((e) => ({ ...e, id: `${unit}-${e.id}` }) as UnitEvent);

const split = (events: UnitEvent[]) => ({
  exposures: events.filter((e) => e.kind === 'exposure') as ExposureObservation[],
  metrics: events.filter((e) => e.kind === 'metric') as MetricObservation[],
});

function bruteForce(byUnit: Map<string, UnitEvent[]>): Map<string, StatsVector> {
  const totals = new Map<string, StatsVector>();
  for (const events of byUnit.values()) {
    const { exposures, metrics } = split(events);
    addVectors(totals, unitContributions(unitStateFromEvents(exposures, metrics), catalogue));
  }
  return totals;
}

describe('incremental unit state', () => {
  it('equals the brute-force recomputation, for any order, batching and duplication of events', () => {
    const units = ['u1', 'u2', 'u3'];
    fc.assert(
      fc.property(
        fc.tuple(
          ...units.map((u) =>
            fc
              .array(eventArb(u), { maxLength: 25 })
              // Ids are unique per sender: the same id is the same event.
              .map((es) => es.map((e, i) => ({ ...e, id: `${e.id}-${i}` }))),
          ),
        ),
        fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (perUnit, batchSizes, seed) => {
          const byUnit = new Map(units.map((u, i) => [u, perUnit[i]]));
          // Every event sent twice, interleaved in a seeded random order, delivered in batches.
          const stream = [...perUnit.flat(), ...perUnit.flat()].map((e) => ({
            e,
            unit: units.find((u) => e.id.startsWith(`${u}-`))!,
          }));
          let s = seed;
          for (let i = stream.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2 ** 31;
            const j = s % (i + 1);
            [stream[i], stream[j]] = [stream[j], stream[i]];
          }
          const states = new Map<string, UnitState>();
          const logs = new Map<string, MetricObservation[]>();
          const seen = new Set<string>();
          const totals = new Map<string, StatsVector>();
          let at = 0;
          let b = 0;
          while (at < stream.length) {
            const size = (batchSizes[b++ % batchSizes.length] % 7) + 1;
            const batch = stream.slice(at, at + size);
            at += size;
            for (const unit of units) {
              const fresh = batch.filter((x) => x.unit === unit && !seen.has(x.e.id)).map((x) => x.e);
              const unique = [...new Map(fresh.map((e) => [e.id, e])).values()];
              if (unique.length === 0) continue;
              for (const e of unique) seen.add(e.id);
              const before = states.get(unit) ?? EMPTY_UNIT_STATE;
              const { exposures, metrics } = split(unique);
              const log = logs.get(unit) ?? [];
              const after = applyUnitEvents(before, exposures, metrics, () => log);
              logs.set(unit, [...log, ...metrics]);
              states.set(unit, after);
              addVectors(
                totals,
                contributionDelta(unitContributions(before, catalogue), unitContributions(after, catalogue)),
              );
            }
          }
          expect(totals).toEqual(bruteForce(byUnit));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a unit once however many events it has, and splits pre/post at the first exposure', () => {
    const state = unitStateFromEvents(
      [
        { id: 'x2', experiment: 'e', variant: 'treatment', channel: 'wechat', at: 20 },
        { id: 'x1', experiment: 'e', variant: 'control', channel: 'mobile', at: 10 },
      ],
      [
        { id: 'm1', metric: 'loan_submitted', value: 10000n, at: 5 },
        { id: 'm2', metric: 'loan_submitted', value: 10000n, at: 12 },
        { id: 'm3', metric: 'loan_submitted', value: 10000n, at: 30 },
        { id: 'm4', metric: 'wait_minutes', value: 25000n, at: 11 },
      ],
    );
    const cells = unitContributions(state, catalogue);
    expect([...cells.keys()]).toEqual(['e\u0000control\u0000mobile']);
    const v = [...cells.values()][0];
    expect(v.get('n')).toBe(1n);
    // A conversion is 1 per unit, however many events: 1.0000 after exposure and 1.0000 before.
    expect(v.get('loan_submitted:sum')).toBe(10000n);
    expect(v.get('loan_submitted:covariateSum')).toBe(10000n);
    expect(v.get('wait_minutes:sum')).toBe(25000n);
    expect(v.get('wait_minutes:sumSquares')).toBe(625000000n);
  });
});

describe('exact values', () => {
  it('keeps four decimal places exactly and refuses more', () => {
    expect(toScaled(2.5)).toBe(25000n);
    expect(toScaled(-0.0001)).toBe(-1n);
    expect(toScaled(0.1 + 0.2)).toMatch(/decimal places/);
    expect(toScaled(Number.NaN)).toMatch(/finite/);
    expect(toScaled(2e9)).toMatch(/between/);
  });
  it('round-trips decimal strings, DynamoDB exponent forms included', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.integer({ min: 0, max: 8 }),
        (n, d) => {
          expect(parseScaled(formatScaled(n, d), d)).toBe(n);
        },
      ),
    );
    expect(parseScaled('1.5E+3', 4)).toBe(15000000n);
    expect(parseScaled('25E-1', 4)).toBe(25000n);
  });
});
