// A/A experiments: both arms get the same experience, so every "significant" result is a false
// positive. Fixed-horizon tests must be significant at about the alpha rate at one planned look;
// the guardrail check, which the scheduled job runs on every channel at every look, must
// essentially never trip; and the sample-ratio check must stay quiet.

import { beforeAll, describe, expect, it } from 'vitest';
import { checkGuardrails } from '../../shared/experiments/guardrail';
import { buildResults } from '../../shared/experiments/results';
import { addVectors, type StatsVector } from '../../shared/experiments/unit-state';
import {
  seededRandom,
  simulateExperiment,
  simulationUnitContributions,
} from '../../shared/simulation/simulation';
import { catalogue, channelBaseline, experiment, simulate } from './fixtures';

describe('A/A: one look, fixed horizon', () => {
  const SEEDS = 200;
  const aa = experiment({ guardrails: [] });
  let significant = 0;
  let comparisons = 0;
  let shipped = 0;
  let srm = 0;
  beforeAll(() => {
    for (let seed = 0; seed < SEEDS; seed++) {
      const s = simulate(20_000 + seed, {
        experiment: aa,
        units: 1500,
        metrics: {
          loan_application_submitted: { kind: 'conversion', rate: 0.2 },
          csat_score: { kind: 'mean', mean: 4, presence: 0.6 },
        },
      });
      const results = buildResults({ experiment: aa, catalogue, cells: s.cells });
      for (const m of results.metrics) {
        comparisons++;
        if (m.comparisons[0].relative.pValue < 0.05) significant++;
      }
      if (results.verdict.decision === 'ship') shipped++;
      if (results.srm.detected || results.breakdown.some((b) => b.srm.detected)) srm++;
    }
  });

  it('is significant at about the alpha rate', () => {
    // Measured: 21 of 400 comparisons (5.25%); the binomial sd at 400 is 1.1%.
    expect(significant / comparisons).toBeGreaterThan(0.025);
    expect(significant / comparisons).toBeLessThan(0.08);
  });

  it('ships a variant that does nothing at most at about alpha / 2 (a win in one direction)', () => {
    // Measured: 1 of 200.
    expect(shipped / SEEDS).toBeLessThan(0.05);
  });

  it('flags no sample-ratio mismatch', () => {
    // SRM threshold 0.001, 4 checks per experiment (all channels and 3 channels). Measured: 0.
    expect(srm).toBeLessThanOrEqual(2);
  });
});

describe('A/A: guardrails checked at many looks', () => {
  it('never trips a guardrail, on any channel, at any of 20 looks, over 30 experiments', () => {
    const aa = experiment({
      guardrails: [
        { metric: 'complaint_filed', tolerance: 0 },
        { metric: 'complaints_per_session', tolerance: 0 },
        { metric: 'csat_score', tolerance: 0 },
      ],
    });
    const LOOKS = 20;
    let trips = 0;
    let checks = 0;
    for (let seed = 0; seed < 30; seed++) {
      const sim = simulateExperiment(
        {
          experiment: aa,
          units: 2500,
          channelBaseline,
          metrics: {
            complaint_filed: { kind: 'count', rate: 0.3 },
            session_started: { kind: 'count', rate: 1 },
            csat_score: { kind: 'mean', mean: 4, presence: 0.6 },
          },
        },
        seededRandom(30_000 + seed),
      );
      // Units in order of exposure: a look after k units sees the first k.
      const units = simulationUnitContributions(sim.events, aa, catalogue);
      const totals = new Map<string, StatsVector>();
      let next = 0;
      for (let look = 1; look <= LOOKS; look++) {
        const upTo = Math.round((look / LOOKS) * units.length);
        for (; next < upTo; next++) addVectors(totals, units[next].cells);
        for (const check of checkGuardrails(aa, catalogue, totals)) {
          checks++;
          if (check.status === 'degraded') trips++;
        }
      }
    }
    // 30 experiments × 20 looks × 3 guardrails × 3 channels; tolerance 0, so any significant
    // harm would trip.
    expect(checks).toBe(30 * 20 * 3 * 3);
    expect(trips).toBe(0);
  });
});
