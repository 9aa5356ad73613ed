/** The answer of a right: allowed, or refused with the sentence a caller is shown. */
export type Verdict = { ok: true } | { ok: false; why: string };

export const ALLOWED: Verdict = Object.freeze({ ok: true });

export function refused(why: string): Verdict {
  return { ok: false, why };
}
