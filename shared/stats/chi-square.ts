// The chi-square survival function, for the SRM test and Cochran's Q across channels, from the
// upper incomplete gamma so that tiny p-values keep their precision.

import { regularizedGammaQ } from './incomplete-gamma';

/** Survival function P(X > x) of the chi-square distribution with `dof` degrees of freedom. */
export function chiSquareSf(x: number, dof: number): number {
  if (Number.isNaN(x) || !(dof > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(0.5 * dof, 0.5 * x);
}
