/** Request bodies of the release template and plan routes (validated by the HTTP stack, listed in OpenAPI). */
import * as z from 'zod';
import { SETTABLE_STAGES } from '../../shared/release/flag-lifecycle';
import { templateBodySchema, templateIdSchema } from '../../shared/release/release-template';

export const releaseTemplateCreateSchema = templateBodySchema.extend({ id: templateIdSchema });
export const releaseTemplateUpdateSchema = templateBodySchema.extend({ version: z.number().int().min(1) });

/**
 * Start a plan from a template (`version`: the flag's version read), or replace a live plan's
 * milestones with the template's as they are now (`version`: the plan's version read).
 */
export const releasePlanPutSchema = z.strictObject({
  template: templateIdSchema,
  version: z.number().int().min(0),
});

/** pause, resume, skip, abort, approve: the plan's version read; the milestone to skip or whose gate is approved. */
export const releasePlanActionSchema = z.strictObject({
  version: z.number().int().min(1),
  milestone: z.number().int().min(0).max(19).optional(),
});

export type ReleaseTemplateCreate = z.infer<typeof releaseTemplateCreateSchema>;
export type ReleaseTemplateUpdate = z.infer<typeof releaseTemplateUpdateSchema>;
export type ReleasePlanPut = z.infer<typeof releasePlanPutSchema>;
export type ReleasePlanActionBody = z.infer<typeof releasePlanActionSchema>;

/** Copy a flag's state in `from` to `to` as one change (the flag's version read). */
export const flagPromoteSchema = z.strictObject({
  from: z.string().min(1).max(100),
  to: z.string().min(1).max(100),
  version: z.number().int().min(1),
});
export type FlagPromote = z.infer<typeof flagPromoteSchema>;

/** Set a flag's lifecycle stage (null: back to the stage its evidence gives), the flag's version read. */
export const flagLifecycleSchema = z.strictObject({
  stage: z.enum(SETTABLE_STAGES).nullable(),
  version: z.number().int().min(1),
});
export type FlagLifecycleBody = z.infer<typeof flagLifecycleSchema>;
