/**
 * The cumulative-lift chart's y-axis, fitted to what a reader needs to see: every estimate, zero,
 * and the intervals once they settle. The first days' intervals are huge (a few units per arm),
 * so an axis fitted to them draws a +15% lift as a flat line; those are clipped to the axis and
 * marked instead. Pure, in percent (15 is +15%).
 */

export interface LiftSample {
  at: string;
  relative: { estimate: number; ciLower: number; ciUpper: number };
}

export interface LiftAxis {
  min: number;
  max: number;
  /** The tick step the range was rounded to. */
  step: number;
  /** Whether some interval reaches beyond the axis (and is drawn clipped, with a mark). */
  clipped: boolean;
}

/** The share of the earliest days whose intervals do not set the axis. */
export const EARLY_SHARE = 0.25;

function niceStep(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Zero, every estimate, and the intervals of the later days (all but the earliest quarter of the
 * days, at least the first when there are three or more), padded by a twentieth and rounded out to
 * nice ticks. When every interval fits, nothing is clipped.
 */
export function liftAxis(points: LiftSample[]): LiftAxis {
  const pct = (x: number) => x * 100;
  const finite = points.filter(
    (p) =>
      Number.isFinite(p.relative.estimate) &&
      Number.isFinite(p.relative.ciLower) &&
      Number.isFinite(p.relative.ciUpper),
  );
  if (finite.length === 0) return { min: -10, max: 10, step: 5, clipped: false };
  const times = [...new Set(finite.map((p) => p.at))].sort();
  const early = times.length >= 3 ? Math.max(1, Math.floor(times.length * EARLY_SHARE)) : 0;
  const later = new Set(times.slice(early));
  let lo = 0;
  let hi = 0;
  for (const p of finite) {
    lo = Math.min(lo, pct(p.relative.estimate));
    hi = Math.max(hi, pct(p.relative.estimate));
    if (later.has(p.at)) {
      lo = Math.min(lo, pct(p.relative.ciLower));
      hi = Math.max(hi, pct(p.relative.ciUpper));
    }
  }
  const allLo = Math.min(lo, ...finite.map((p) => pct(p.relative.ciLower)));
  const allHi = Math.max(hi, ...finite.map((p) => pct(p.relative.ciUpper)));
  const fits = allLo >= lo - (hi - lo) * 0.5 && allHi <= hi + (hi - lo) * 0.5;
  if (fits) {
    lo = allLo;
    hi = allHi;
  }
  const span = Math.max(hi - lo, 1);
  const step = niceStep(span);
  const min = Math.floor((lo - span * 0.05) / step) * step;
  const max = Math.ceil((hi + span * 0.05) / step) * step;
  return { min, max, step, clipped: allLo < min || allHi > max };
}

/** A value drawn on the axis: inside it, or at its edge with the side it was clipped on. */
export function clipToAxis(value: number, axis: LiftAxis): { value: number; side: 'above' | 'below' | null } {
  if (value > axis.max) return { value: axis.max, side: 'above' };
  if (value < axis.min) return { value: axis.min, side: 'below' };
  return { value, side: null };
}
