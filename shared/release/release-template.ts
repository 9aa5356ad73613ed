/**
 * Release templates: an ordered list of milestones a flag walks through in one environment. Each
 * milestone sets a rollout percentage per channel (units split by hash, so the rest are a valid
 * control), optionally a segment audience (staff) that keeps the flag from then on, a minimum hold,
 * and gates: an approval (by whom), a minimum of exposed units, healthy safeguards. Pure: the zod
 * schema the API and experiments-as-code share, and the rules a template must keep.
 */
import * as z from '../model/zod';

/** Who may give a milestone's approval: a risk officer is an `auditor` token, a squad member a `squad` one. */
export const APPROVER_ROLES = ['platform-admin', 'auditor', 'squad'] as const;
export type ApproverRole = (typeof APPROVER_ROLES)[number];

/** A string of `min` to `max` characters. */
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const percent = z.number().check(z.int(), z.gte(0), z.lte(100));
const channelPercents = z.record(str(1, 50), percent);

export const milestoneSchema = z.strictObject({
  name: str(1, 100),
  /** Rollout per channel, 0–100 of the units on that channel; a channel not named is off. */
  channels: channelPercents,
  /** A segment (by name) that gets the flag on these channels from this milestone on (staff first). */
  audience: z.optional(z.strictObject({ segment: str(1, 100), channels: channelPercents })),
  /** Minutes the milestone holds at least before the plan moves on. */
  minHoldMinutes: z.number().check(z.int(), z.gte(0), z.lte(60 * 24 * 90)),
  gates: z._default(
    z.strictObject({
      /** Someone with one of these roles, not the plan's author, approves entering the milestone. */
      approval: z.optional(z.strictObject({ by: z.array(z.enum(APPROVER_ROLES)).check(z.minLength(1)) })),
      /** Units exposed on this milestone (every channel together) before the plan moves on. */
      minExposedUnits: z.optional(z.number().check(z.int(), z.gte(0), z.lte(100_000_000))),
    }),
    {},
  ),
});
export type ReleaseMilestone = z.infer<typeof milestoneSchema>;

/**
 * A safeguard. `metric`: a catalogue metric from events, exposed vs held-back units per channel by
 * the always-valid sequential test (as experiments' guardrails). `impact-threshold`: an SDK impact
 * metric for flag-on traffic must stay at or below `max` (a counter's ratio to `denominator`, a
 * gauge's last value, a histogram's mean). `impact-compare`: flag-on vs flag-off traffic on an
 * impact metric (counter over `denominator` counter as a proportion, or a histogram's mean).
 */
export const safeguardSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('metric'),
    metric: str(1, 100),
    tolerance: z.number().check(z.gte(0), z.lte(10)),
  }),
  z.strictObject({
    kind: z.literal('impact-threshold'),
    impactMetric: str(1, 200),
    denominator: z.optional(str(1, 200)),
    max: z.number(),
    /** Samples (counter increments, histogram observations) needed before the threshold is judged. */
    minSamples: z._default(z.number().check(z.int(), z.gte(1), z.lte(100_000_000)), 100),
  }),
  z.strictObject({
    kind: z.literal('impact-compare'),
    impactMetric: str(1, 200),
    denominator: z.optional(str(1, 200)),
    direction: z._default(z.enum(['higher-is-better', 'lower-is-better']), 'lower-is-better'),
    tolerance: z.number().check(z.gte(0), z.lte(10)),
  }),
]);
export type Safeguard = z.infer<typeof safeguardSchema>;

/** When a safeguard degrades on a channel: the plan pauses and the channel goes off, or back a milestone. */
export const rollbackSchema = z.strictObject({ channel: z._default(z.enum(['off', 'previous']), 'off') });
export type RollbackRule = z.infer<typeof rollbackSchema>;

export const templateBodySchema = z.strictObject({
  name: str(1, 200),
  description: z._default(z.string().check(z.maxLength(2000)), ''),
  milestones: z.array(milestoneSchema).check(z.minLength(1), z.maxLength(20)),
  safeguards: z._default(z.array(safeguardSchema).check(z.maxLength(20)), []),
  rollback: z._default(rollbackSchema, { channel: 'off' }),
  /** Significance level of the safeguards (Bonferroni-corrected over the checks, as guardrails). */
  alpha: z._default(z.number().check(z.gt(0), z.lt(0.5)), 0.05),
});
export type ReleaseTemplateBody = z.infer<typeof templateBodySchema>;

export const templateIdSchema = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, . _ -, at most 100'));

export interface ReleaseTemplate extends ReleaseTemplateBody {
  id: string;
  /** The squad that created it, which writes it (with platform admins); absent: platform admins only. */
  squad?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * What the schema cannot say: channels are configured ones, and a release only widens (each
 * channel's share never falls from one milestone to the next). The first problem, with its field.
 */
export function templateProblem(
  body: Pick<ReleaseTemplateBody, 'milestones'>,
  channels: readonly string[],
): { field: string; message: string } | null {
  const last: Record<string, number> = {};
  for (const [i, m] of body.milestones.entries()) {
    const lists: [string, Record<string, number>][] = [[`milestones[${i}].channels`, m.channels]];
    if (m.audience) lists.push([`milestones[${i}].audience.channels`, m.audience.channels]);
    for (const [field, list] of lists)
      for (const c of Object.keys(list))
        if (!channels.includes(c))
          return { field: `${field}.${c}`, message: `is not a configured channel (${channels.join(', ')})` };
    for (const c of channels) {
      const p = m.channels[c] ?? 0;
      if (p < (last[c] ?? 0))
        return {
          field: `milestones[${i}].channels.${c}`,
          message: `is ${p}, below ${last[c]} the milestone before: a release only widens`,
        };
      last[c] = p;
    }
  }
  return null;
}
