// Gaussian-posterior Bayesian analysis of the lift (gbstats' EffectBayesianABTest): the
// likelihood is N(estimate, se²) from the effect moments, combined with a normal prior.

import type { EffectMoments } from './effect-moments';
import { normalCdf, normalPdf, normalQuantile, normalSf } from './normal';
import type { Bayes, GaussianPrior } from './types';

export const UNINFORMATIVE_BAYES: Bayes = {
  chanceToWin: 0.5,
  ciLower: 0,
  ciUpper: 0,
  riskControl: 0,
  riskTreatment: 0,
};

// Past this many standard deviations the posterior mass on the far side of 0 is below double
// precision, so the risks are their limits (gbstats short-circuits at the same point).
const RISK_Z_LIMIT = 37;

/**
 * Expected loss of keeping control, E[max(X, 0)], and of shipping treatment, E[max(-X, 0)],
 * for a lift X ~ N(mean, sd²).
 */
export function gaussianRisk(mean: number, sd: number): { riskControl: number; riskTreatment: number } {
  if (!(sd > 0) || Math.abs(mean / sd) > RISK_Z_LIMIT) {
    return { riskControl: Math.max(mean, 0), riskTreatment: Math.max(-mean, 0) };
  }
  const z = mean / sd;
  const density = normalPdf(z);
  return {
    riskControl: Math.max(0, sd * (z * normalCdf(z) + density)),
    riskTreatment: Math.max(0, sd * (density - z * normalSf(z))),
  };
}

/**
 * Posterior of the lift given its effect moments and a prior on the same scale (absolute or
 * relative). A null prior is flat: the posterior is then the likelihood itself.
 */
export function gaussianPosterior(moments: EffectMoments, prior: GaussianPrior | null, alpha: number): Bayes {
  if (moments.error !== null) return UNINFORMATIVE_BAYES;
  const dataVariance = moments.se * moments.se;
  if (!(dataVariance > 0)) return UNINFORMATIVE_BAYES;
  // A prior without a positive finite variance carries no information; treat it as flat.
  const proper = prior !== null && prior.variance > 0 && Number.isFinite(prior.variance) ? prior : null;
  const precision = 1 / dataVariance + (proper ? 1 / proper.variance : 0);
  const mean = proper
    ? (moments.estimate / dataVariance + proper.mean / proper.variance) / precision
    : moments.estimate;
  const sd = Math.sqrt(1 / precision);
  const z = -normalQuantile(alpha / 2);
  return {
    chanceToWin: normalSf(-mean / sd),
    ciLower: mean - z * sd,
    ciUpper: mean + z * sd,
    ...gaussianRisk(mean, sd),
  };
}
