/** Request bodies of the release template and plan routes (validated by the HTTP stack, listed in OpenAPI). */
import * as z from '../../shared/model/zod';
import { SETTABLE_STAGES } from '../../shared/release/flag-lifecycle';
import { templateBodySchema, templateIdSchema } from '../../shared/release/release-template';

export const releaseTemplateCreateSchema = z.extend(templateBodySchema, { id: templateIdSchema });
export const releaseTemplateUpdateSchema = z.extend(templateBodySchema, {
  version: z.number().check(z.int(), z.gte(1)),
});

/**
 * Start a plan from a template (`version`: the flag's version read), or replace a live plan's
 * milestones with the template's as they are now (`version`: the plan's version read).
 */
export const releasePlanPutSchema = z.strictObject({
  template: templateIdSchema,
  version: z.number().check(z.int(), z.gte(0)),
});

/** pause, resume, skip, abort, approve: the plan's version read; the milestone to skip or whose gate is approved. */
export const releasePlanActionSchema = z.strictObject({
  version: z.number().check(z.int(), z.gte(1)),
  milestone: z.optional(z.number().check(z.int(), z.gte(0), z.lte(19))),
});

export type ReleaseTemplateCreate = z.infer<typeof releaseTemplateCreateSchema>;
export type ReleaseTemplateUpdate = z.infer<typeof releaseTemplateUpdateSchema>;
export type ReleasePlanPut = z.infer<typeof releasePlanPutSchema>;
export type ReleasePlanActionBody = z.infer<typeof releasePlanActionSchema>;

/** Copy a flag's state in `from` to `to` as one change (the flag's version read). */
export const flagPromoteSchema = z.strictObject({
  from: z.string().check(z.minLength(1), z.maxLength(100)),
  to: z.string().check(z.minLength(1), z.maxLength(100)),
  version: z.number().check(z.int(), z.gte(1)),
});
export type FlagPromote = z.infer<typeof flagPromoteSchema>;

/** Set a flag's lifecycle stage (null: back to the stage its evidence gives), the flag's version read. */
export const flagLifecycleSchema = z.strictObject({
  stage: z.nullable(z.enum(SETTABLE_STAGES)),
  version: z.number().check(z.int(), z.gte(1)),
});
export type FlagLifecycleBody = z.infer<typeof flagLifecycleSchema>;
