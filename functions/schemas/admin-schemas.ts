/**
 * Request schemas of the admin API. The HTTP stack validates with them and the OpenAPI document is
 * generated from them, so the two cannot disagree.
 */
import {
  clientFeaturesDocumentSchema,
  constraintSchema,
  dependencySchema,
  payloadSchema,
  regexRefusal,
  strategySchema,
  strategyVariantSchema,
  variantSchema,
} from '../../shared/model/client-features-schema';
import { NAME_PATTERN } from '../../shared/model/environment';
import { FLAG_TYPES } from '../../shared/model/flag';
import {
  constraintValueProblems,
  flagVariantProblems,
  payloadProblems,
  strategyParameterProblems,
  strategyVariantProblems,
  type TargetingProblem,
} from '../../shared/model/targeting-rules';
import { ADMIN_ROLES, TOKEN_AUDIENCES, TOKEN_KINDS } from '../../shared/model/token';
import * as z from '../../shared/model/zod';

const name = z
  .string()
  .check(z.regex(NAME_PATTERN, 'must be lower-case letters, digits, - or _ (at most 63)'));
/** Flag names travel in URLs and Unleash documents; whitespace and URL delimiters would break both. */
export const flagName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(200),
    z.regex(/^[^\s/?#%\\]+$/u, 'must not contain whitespace or / ? # % \\'),
  );
const version = z.number().check(z.int(), z.gte(1));
/** A string of `min` to `max` characters. */
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const upTo = (max: number) => z.string().check(z.maxLength(max));

/** Written through the admin API, a REGEX pattern must also be one Rust accepts (see regexRefusal). */
const writtenConstraintSchema = constraintSchema.check(
  z.superRefine((c, ctx) => {
    const refusal = regexRefusal(c, 'REGEX_INVALID');
    if (refusal) ctx.addIssue({ code: 'custom', path: ['value'], message: refusal });
  }),
);

/** Adds targeting-rules problems as issues, so the 400 names the exact field. */
function report(ctx: z.core.$RefinementCtx, problems: TargetingProblem[]): void {
  for (const p of problems) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}

/** Written through the admin API, targeting must be servable as written (shared/model/targeting-rules.ts). */
const targetedConstraintSchema = writtenConstraintSchema.check(
  z.superRefine((c, ctx) => report(ctx, constraintValueProblems(c))),
);
const writtenPayloadSchema = payloadSchema.check(z.superRefine((p, ctx) => report(ctx, payloadProblems(p))));
const writtenVariantsSchema = z
  .array(z.extend(variantSchema, { payload: z.optional(writtenPayloadSchema) }))
  .check(
    z.maxLength(100),
    z.superRefine((vs, ctx) => report(ctx, flagVariantProblems(vs))),
  );
const writtenStrategyVariantsSchema = z
  .array(z.extend(strategyVariantSchema, { payload: z.optional(writtenPayloadSchema) }))
  .check(
    z.maxLength(100),
    z.superRefine((vs, ctx) => report(ctx, strategyVariantProblems(vs))),
  );

const writtenStrategySchema = z
  .extend(strategySchema, {
    constraints: z.optional(z.array(targetedConstraintSchema).check(z.maxLength(100))),
    variants: z.optional(writtenStrategyVariantsSchema),
  })
  .check(z.superRefine((s, ctx) => report(ctx, strategyParameterProblems(s))));

export const environmentStateSchema = z.strictObject({
  enabled: z.boolean(),
  channels: z.record(z.string(), z.boolean()),
  strategies: z.array(writtenStrategySchema).check(z.maxLength(100)),
});

const flagFields = {
  description: z.optional(upTo(2000)),
  type: z.optional(z.enum(FLAG_TYPES)),
  tags: z.optional(z.array(upTo(100)).check(z.maxLength(50))),
  impressionData: z.optional(z.boolean()),
  dependencies: z.optional(z.array(dependencySchema).check(z.maxLength(20))),
  variants: z.optional(writtenVariantsSchema),
};

export const flagCreateSchema = z.strictObject({
  name: flagName,
  squad: name,
  ...flagFields,
  environments: z.optional(z.record(z.string(), environmentStateSchema)),
});

export const flagUpdateSchema = z.strictObject({
  version,
  ...flagFields,
  squad: z.optional(name),
  archived: z.optional(z.boolean()),
});

export const environmentStateUpdateSchema = z.strictObject({
  version,
  enabled: z.optional(z.boolean()),
  channels: z.optional(z.record(z.string(), z.boolean())),
  strategies: z.optional(z.array(writtenStrategySchema).check(z.maxLength(100))),
});

export const channelToggleSchema = z.strictObject({ version, enabled: z.boolean() });

export const environmentCreateSchema = z.strictObject({
  name,
  type: z.enum(['development', 'production']),
  /** Default: production environments are protected. */
  protected: z.optional(z.boolean()),
});

export const environmentUpdateSchema = z.strictObject({ version, protected: z.boolean() });

const isoTime = z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time'));

// One definition each, kept apart so admin-experiments bundles only these (experiment-action-schemas.ts).
export { experimentResumeSchema, rolloutPlanSchema } from './experiment-action-schemas';

/** Replaces the held write's body; the approvals given so far stop counting. */
export const changeRequestEditSchema = z.strictObject({ version, body: z.unknown() });

export const changeRequestDecisionSchema = z.strictObject({
  version,
  reason: z.optional(upTo(2000)),
});

export const changeRequestListSchema = z.strictObject({
  status: z.optional(z.string()),
  /** Requests per page: 1 to 200 (MAX_PAGE_LIMIT in functions/services/change-request-page.ts), 50 if absent. */
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(200))),
  /** The cursor the previous page gave as `next`. */
  next: z.optional(z.string()),
});

export const auditExportQuerySchema = z.strictObject({
  from: z.optional(isoTime),
  to: z.optional(isoTime),
  format: z.optional(z.enum(['json', 'csv'])),
});

export const notificationsQuerySchema = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000))),
});

export const segmentCreateSchema = z.strictObject({
  name: str(1, 200),
  description: z.optional(upTo(2000)),
  squad: z.optional(name),
  constraints: z.array(targetedConstraintSchema).check(z.maxLength(100)),
});

export const segmentUpdateSchema = z.strictObject({
  version,
  name: z.optional(str(1, 200)),
  description: z.optional(upTo(2000)),
  constraints: z.optional(z.array(targetedConstraintSchema).check(z.maxLength(100))),
});

export const tokenCreateSchema = z
  .strictObject({
    name: str(1, 100),
    kind: z.enum(TOKEN_KINDS),
    environment: z.optional(name),
    role: z.optional(z.enum(ADMIN_ROLES)),
    squad: z.optional(name),
    audience: z.optional(z.enum(TOKEN_AUDIENCES)),
  })
  .check(
    z.superRefine((t, ctx) => {
      if (t.audience !== undefined && t.kind !== 'client')
        ctx.addIssue({ code: 'custom', path: ['audience'], message: 'is only for client tokens' });
      if (t.kind !== 'admin' && t.environment === undefined)
        ctx.addIssue({ code: 'custom', path: ['environment'], message: `is required for ${t.kind} tokens` });
      if (t.kind === 'admin' && t.role === undefined)
        ctx.addIssue({ code: 'custom', path: ['role'], message: 'is required for admin tokens' });
      if (t.kind === 'admin' && t.role === 'squad' && t.squad === undefined)
        ctx.addIssue({ code: 'custom', path: ['squad'], message: 'is required for squad tokens' });
      // A field that does not apply is refused, never dropped: the caller asked for something else.
      if (t.kind !== 'admin' && t.role !== undefined)
        ctx.addIssue({ code: 'custom', path: ['role'], message: 'is only for admin tokens' });
      if (t.kind === 'admin' && t.environment !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['environment'],
          message: 'is only for client and frontend tokens (an admin token is not bound to one)',
        });
      if (t.squad !== undefined && (t.kind !== 'admin' || t.role !== 'squad'))
        ctx.addIssue({ code: 'custom', path: ['squad'], message: 'is only for squad admin tokens' });
    }),
  );

export const auditQuerySchema = z.strictObject({
  limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000))),
});

export const importSchema = clientFeaturesDocumentSchema;

export type FlagCreate = z.infer<typeof flagCreateSchema>;
export type FlagUpdate = z.infer<typeof flagUpdateSchema>;
export type EnvironmentStateUpdate = z.infer<typeof environmentStateUpdateSchema>;
export type ChannelToggle = z.infer<typeof channelToggleSchema>;
export type EnvironmentCreate = z.infer<typeof environmentCreateSchema>;
export type SegmentCreate = z.infer<typeof segmentCreateSchema>;
export type SegmentUpdate = z.infer<typeof segmentUpdateSchema>;
export type TokenCreate = z.infer<typeof tokenCreateSchema>;
export type EnvironmentUpdate = z.infer<typeof environmentUpdateSchema>;
export type { ExperimentResume, RolloutPlanInput } from './experiment-action-schemas';
export type ChangeRequestEdit = z.infer<typeof changeRequestEditSchema>;
export type ChangeRequestDecision = z.infer<typeof changeRequestDecisionSchema>;
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
