/**
 * Cochran's Q: do several independent estimates of one effect (a treatment's lift on each channel)
 * differ by more than their standard errors explain? With inverse-variance weights w_i = 1/se_i²,
 * the pooled estimate is Σ w_i y_i / Σ w_i and Q = Σ w_i (y_i − pooled)², chi-square with k − 1
 * degrees of freedom when the effect is the same everywhere. I² = (Q − (k − 1)) / Q, floored at 0,
 * is the share of the spread that is real rather than noise. Pure and synchronous.
 */
import { chiSquareSf } from './chi-square';

export interface StudyEstimate {
  estimate: number;
  se: number;
}

export interface CochranQ {
  q: number;
  dof: number;
  pValue: number;
  i2: number;
  pooled: number;
  pooledSe: number;
}

/** The test over the estimates with a positive, finite standard error; null when fewer than two. */
export function cochranQ(estimates: readonly StudyEstimate[]): CochranQ | null {
  const usable = estimates.filter((e) => Number.isFinite(e.estimate) && Number.isFinite(e.se) && e.se > 0);
  if (usable.length < 2) return null;
  const weights = usable.map((e) => 1 / (e.se * e.se));
  const total = weights.reduce((a, b) => a + b, 0);
  const pooled = usable.reduce((s, e, i) => s + weights[i] * e.estimate, 0) / total;
  const q = usable.reduce((s, e, i) => s + weights[i] * (e.estimate - pooled) ** 2, 0);
  const dof = usable.length - 1;
  const pValue = chiSquareSf(q, dof);
  if (!Number.isFinite(q) || !Number.isFinite(pValue)) return null;
  return { q, dof, pValue, i2: q > dof ? (q - dof) / q : 0, pooled, pooledSe: Math.sqrt(1 / total) };
}
