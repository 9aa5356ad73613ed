/**
 * Request schemas of the admin API. The HTTP stack validates with them and the OpenAPI document is
 * generated from them, so the two cannot disagree.
 */
import * as z from 'zod';
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

const name = z.string().regex(NAME_PATTERN, 'must be lower-case letters, digits, - or _ (at most 63)');
/** Flag names travel in URLs and Unleash documents; whitespace and URL delimiters would break both. */
export const flagName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s/?#%\\]+$/u, 'must not contain whitespace or / ? # % \\');
const version = z.number().int().min(1);

/** Written through the admin API, a REGEX pattern must also be one Rust accepts (see regexRefusal). */
const writtenConstraintSchema = constraintSchema.superRefine((c, ctx) => {
  const refusal = regexRefusal(c, 'REGEX_INVALID');
  if (refusal) ctx.addIssue({ code: 'custom', path: ['value'], message: refusal });
});

/** Adds targeting-rules problems as issues, so the 400 names the exact field. */
function report(ctx: z.RefinementCtx, problems: TargetingProblem[]): void {
  for (const p of problems) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}

/** Written through the admin API, targeting must be servable as written (shared/model/targeting-rules.ts). */
const targetedConstraintSchema = writtenConstraintSchema.superRefine((c, ctx) =>
  report(ctx, constraintValueProblems(c)),
);
const writtenPayloadSchema = payloadSchema.superRefine((p, ctx) => report(ctx, payloadProblems(p)));
const writtenVariantsSchema = z
  .array(variantSchema.extend({ payload: writtenPayloadSchema.optional() }))
  .max(100)
  .superRefine((vs, ctx) => report(ctx, flagVariantProblems(vs)));
const writtenStrategyVariantsSchema = z
  .array(strategyVariantSchema.extend({ payload: writtenPayloadSchema.optional() }))
  .max(100)
  .superRefine((vs, ctx) => report(ctx, strategyVariantProblems(vs)));

const writtenStrategySchema = strategySchema
  .extend({
    constraints: z.array(targetedConstraintSchema).max(100).optional(),
    variants: writtenStrategyVariantsSchema.optional(),
  })
  .superRefine((s, ctx) => report(ctx, strategyParameterProblems(s)));

export const environmentStateSchema = z.strictObject({
  enabled: z.boolean(),
  channels: z.record(z.string(), z.boolean()),
  strategies: z.array(writtenStrategySchema).max(100),
});

const flagFields = {
  description: z.string().max(2000).optional(),
  type: z.enum(FLAG_TYPES).optional(),
  tags: z.array(z.string().max(100)).max(50).optional(),
  impressionData: z.boolean().optional(),
  dependencies: z.array(dependencySchema).max(20).optional(),
  variants: writtenVariantsSchema.optional(),
};

export const flagCreateSchema = z.strictObject({
  name: flagName,
  squad: name,
  ...flagFields,
  environments: z.record(z.string(), environmentStateSchema).optional(),
});

export const flagUpdateSchema = z.strictObject({
  version,
  ...flagFields,
  squad: name.optional(),
  archived: z.boolean().optional(),
});

export const environmentStateUpdateSchema = z.strictObject({
  version,
  enabled: z.boolean().optional(),
  channels: z.record(z.string(), z.boolean()).optional(),
  strategies: z.array(writtenStrategySchema).max(100).optional(),
});

export const channelToggleSchema = z.strictObject({ version, enabled: z.boolean() });

export const environmentCreateSchema = z.strictObject({
  name,
  type: z.enum(['development', 'production']),
  /** Default: production environments are protected. */
  protected: z.boolean().optional(),
});

export const environmentUpdateSchema = z.strictObject({ version, protected: z.boolean() });

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time');

export const experimentResumeSchema = z.strictObject({
  version,
  channels: z.array(z.string().min(1)).min(1).max(20),
});

export const rolloutPlanSchema = z.strictObject({
  steps: z
    .array(z.strictObject({ percent: z.number().int().min(1).max(100), at: isoTime }))
    .min(1)
    .max(20),
});

/** Replaces the held write's body; the approvals given so far stop counting. */
export const changeRequestEditSchema = z.strictObject({ version, body: z.unknown() });

export const changeRequestDecisionSchema = z.strictObject({
  version,
  reason: z.string().max(2000).optional(),
});

export const changeRequestListSchema = z.strictObject({
  status: z.string().optional(),
});

export const auditExportQuerySchema = z.strictObject({
  from: isoTime.optional(),
  to: isoTime.optional(),
  format: z.enum(['json', 'csv']).optional(),
});

export const notificationsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const segmentCreateSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  squad: name.optional(),
  constraints: z.array(targetedConstraintSchema).max(100),
});

export const segmentUpdateSchema = z.strictObject({
  version,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  constraints: z.array(targetedConstraintSchema).max(100).optional(),
});

export const tokenCreateSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    kind: z.enum(TOKEN_KINDS),
    environment: name.optional(),
    role: z.enum(ADMIN_ROLES).optional(),
    squad: name.optional(),
    audience: z.enum(TOKEN_AUDIENCES).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.audience !== undefined && t.kind !== 'client')
      ctx.addIssue({ code: 'custom', path: ['audience'], message: 'is only for client tokens' });
    if (t.kind !== 'admin' && t.environment === undefined)
      ctx.addIssue({ code: 'custom', path: ['environment'], message: `is required for ${t.kind} tokens` });
    if (t.kind === 'admin' && t.role === undefined)
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'is required for admin tokens' });
    if (t.kind === 'admin' && t.role === 'squad' && t.squad === undefined)
      ctx.addIssue({ code: 'custom', path: ['squad'], message: 'is required for squad tokens' });
  });

export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
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
export type ExperimentResume = z.infer<typeof experimentResumeSchema>;
export type RolloutPlanInput = z.infer<typeof rolloutPlanSchema>;
export type ChangeRequestEdit = z.infer<typeof changeRequestEditSchema>;
export type ChangeRequestDecision = z.infer<typeof changeRequestDecisionSchema>;
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;
