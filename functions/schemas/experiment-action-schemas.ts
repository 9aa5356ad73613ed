/**
 * The bodies of an experiment's resume and rollout-plan requests (admin-experiments), in a module of
 * their own so that the function bundles these two and not every admin schema.
 */
import * as z from '../../shared/model/zod';

const version = z.number().check(z.int(), z.gte(1));
const isoTime = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time'));

export const experimentResumeSchema = z.strictObject({
  version,
  channels: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(20)),
});

export const rolloutPlanSchema = z.strictObject({
  steps: z
    .array(z.strictObject({ percent: z.number().check(z.int(), z.gte(1), z.lte(100)), at: isoTime }))
    .check(z.minLength(1), z.maxLength(20)),
});

export type ExperimentResume = z.infer<typeof experimentResumeSchema>;
export type RolloutPlanInput = z.infer<typeof rolloutPlanSchema>;
