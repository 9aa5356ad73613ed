// Multiple-comparison adjustment of p-values (as R's p.adjust "holm" and "BH", which GrowthBook
// follows): adjusted values are monotone in the raw ones, capped at 1, in input order.

import type { AdjustMethod } from './types';

// A missing or malformed p-value is treated as the least significant possible.
function clean(p: number): number {
  if (!Number.isFinite(p)) return 1;
  return Math.min(1, Math.max(0, p));
}

/** Holm–Bonferroni (family-wise error) or Benjamini–Hochberg (false discovery rate). */
export function adjustPValues(pValues: number[], method: AdjustMethod): number[] {
  const m = pValues.length;
  const values = pValues.map(clean);
  // Stable sort of indices by p-value, so ties keep their order.
  const order = values.map((_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
  const adjusted = new Array<number>(m);
  if (method === 'holm') {
    // Step down: the k-th smallest is multiplied by m - k, then a running maximum.
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * values[index]));
      adjusted[index] = running;
    });
    return adjusted;
  }
  // Step up: the k-th smallest is multiplied by m / k, then a running minimum from the top.
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank];
    running = Math.min(running, (m / (rank + 1)) * values[index]);
    adjusted[index] = Math.min(1, running);
  }
  return adjusted;
}
