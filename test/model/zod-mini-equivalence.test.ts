/**
 * The request schemas on zod/mini (shared/model/zod.ts) behave exactly as the classic zod schemas
 * they replaced: on arbitrary JSON and on mutated valid bodies, both accept or both refuse, with the
 * same output (defaults, transforms, coercions, unknown keys stripped, kept or refused) and the same
 * issues (code, path and English message) in the same order. The classic schemas are kept here only,
 * as they were at e010c0b (the last commit before the move), built from classic zod loaded after the
 * check that zod/mini alone gives English messages.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as Classic from 'zod';
import * as admin from '../../functions/schemas/admin-schemas';
import * as client from '../../functions/schemas/client-schemas';
import { MAX_METRICS_TOGGLES, MAX_METRICS_VARIANTS } from '../../functions/schemas/client-schemas';
import * as planning from '../../functions/schemas/planning-schemas';
import * as release from '../../functions/schemas/release-schemas';
import { DEFAULT_CHANNELS } from '../../shared/model/channels';
import { OPERATORS } from '../../shared/model/client-features';
import { regexRefusal } from '../../shared/model/client-features-schema';
import { NAME_PATTERN } from '../../shared/model/environment';
import { MAX_EVENTS_PER_BATCH } from '../../shared/model/event';
import * as events from '../../shared/model/event-schema';
import { ANALYSIS_ENGINES, EXPERIMENT_STATUSES, RANDOMISATION_UNITS } from '../../shared/model/experiment';
import * as experiments from '../../shared/model/experiment-schema';
import { FLAG_TYPES } from '../../shared/model/flag';
import { METRIC_KINDS } from '../../shared/model/metric';
import {
  constraintValueProblems,
  flagVariantProblems,
  payloadProblems,
  strategyParameterProblems,
  strategyVariantProblems,
  type TargetingProblem,
} from '../../shared/model/targeting-rules';
import { ADMIN_ROLES, TOKEN_AUDIENCES, TOKEN_KINDS } from '../../shared/model/token';
import * as unleashExport from '../../shared/model/unleash-export-schema';
import { SETTABLE_STAGES } from '../../shared/release/flag-lifecycle';
import * as impact from '../../shared/release/impact-metrics';
import { MAX_IMPACT_METRICS, MAX_IMPACT_SAMPLES } from '../../shared/release/impact-metrics';
import { APPROVER_ROLES } from '../../shared/release/release-template';

/** The classic zod schemas as they were at e010c0b, comments left out. */
function classicSchemas(z: typeof Classic) {
  // shared/model/client-features-schema.ts
  const {
    payloadSchema,
    constraintSchema,
    overrideSchema,
    variantSchema,
    strategyVariantSchema,
    strategySchema,
    dependencySchema,
    featureSchema,
    segmentSchema,
    clientFeaturesDocumentSchema,
  } = (() => {
    const payloadSchema = z.strictObject({
      type: z.enum(['string', 'json', 'csv', 'number']),
      value: z.string(),
    });

    const constraintSchema = z
      .object({
        contextName: z.string().min(1).max(100),
        operator: z.enum(OPERATORS as [string, ...string[]]),
        values: z.array(z.string().max(1000)).max(1000).optional(),
        value: z.string().max(1000).optional(),
        inverted: z.boolean().optional(),
        caseInsensitive: z.boolean().optional(),
      })
      .strict()
      .superRefine((c, ctx) => {
        const single = ![
          'IN',
          'NOT_IN',
          'STR_STARTS_WITH',
          'STR_ENDS_WITH',
          'STR_CONTAINS',
          'IN_CIDR',
        ].includes(c.operator);
        if (single && c.value === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['value'],
            message: `is required for operator ${c.operator}`,
          });
        if (!single && c.values === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['values'],
            message: `is required for operator ${c.operator}`,
          });
        const unsupported = regexRefusal(c, 'REGEX_UNSUPPORTED');
        if (unsupported) ctx.addIssue({ code: 'custom', path: ['value'], message: unsupported });
      });

    const weight = z.number().int().min(0).max(1000);
    const stickiness = z.string().min(1).max(100);

    const overrideSchema = z.strictObject({ contextName: z.string().min(1), values: z.array(z.string()) });

    const variantSchema = z.strictObject({
      name: z.string().min(1).max(100),
      weight,
      weightType: z.enum(['variable', 'fix']).optional(),
      stickiness: stickiness.optional(),
      payload: payloadSchema.optional(),
      overrides: z.array(overrideSchema).optional(),
    });

    const strategyVariantSchema = z.strictObject({
      name: z.string().min(1).max(100),
      weight,
      weightType: z.enum(['variable', 'fix']).optional(),
      stickiness: stickiness.optional(),
      payload: payloadSchema.optional(),
    });

    const strategySchema = z.strictObject({
      id: z.string().optional(),
      name: z.enum([
        'default',
        'userWithId',
        'flexibleRollout',
        'gradualRolloutUserId',
        'gradualRolloutSessionId',
        'gradualRolloutRandom',
        'remoteAddress',
        'applicationHostname',
      ]),
      title: z.string().max(200).nullish(),
      disabled: z.boolean().nullish(),
      sortOrder: z.number().optional(),
      parameters: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      constraints: z.array(constraintSchema).max(100).optional(),
      segments: z.array(z.number().int()).max(100).optional(),
      variants: z.array(strategyVariantSchema).max(100).optional(),
    });

    const dependencySchema = z.strictObject({
      feature: z.string().min(1),
      enabled: z.boolean().optional(),
      variants: z.array(z.string()).optional(),
    });

    const featureSchema = z
      .object({
        name: z.string().min(1).max(200),
        enabled: z.boolean(),
        description: z.string().max(2000).nullish(),
        type: z.string().max(50).optional(),
        project: z.string().max(100).optional(),
        stale: z.boolean().optional(),
        impressionData: z.boolean().optional(),
        strategies: z.array(strategySchema).max(100).optional(),
        variants: z.array(variantSchema).max(100).optional(),
        dependencies: z.array(dependencySchema).max(20).optional(),
      })
      .passthrough();

    const segmentSchema = z
      .object({
        id: z.number().int(),
        name: z.string().max(200).nullish(),
        description: z.string().max(2000).nullish(),
        constraints: z.array(constraintSchema).max(100),
      })
      .passthrough();

    const clientFeaturesDocumentSchema = z
      .object({
        version: z.number().int(),
        features: z.array(featureSchema).max(10_000),
        segments: z.array(segmentSchema).max(10_000).optional(),
        query: z.record(z.string(), z.unknown()).optional(),
        meta: z.record(z.string(), z.unknown()).optional(),
        hiddenTargeting: z
          .never({
            error: 'is in documents served to app keys, whose values are hashes: import the plain export',
          })
          .optional(),
      })
      .passthrough();
    return {
      payloadSchema,
      constraintSchema,
      overrideSchema,
      variantSchema,
      strategyVariantSchema,
      strategySchema,
      dependencySchema,
      featureSchema,
      segmentSchema,
      clientFeaturesDocumentSchema,
    };
  })();

  // shared/model/experiment-schema.ts
  const {
    keySchema,
    experimentKeySchema,
    metricSchema,
    metricPutSchema,
    experimentVariantSchema,
    guardrailSchema,
    experimentSchema,
    experimentPutSchema,
  } = (() => {
    const keySchema = z
      .string()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dots, dashes or underscores');

    const experimentKeySchema = keySchema.regex(
      /^(?!layer\.)/,
      'must not start with "layer." (reserved for generated layer slot flags)',
    );

    const metricFields = {
      key: keySchema,
      name: z.string().min(1).max(200),
      squad: keySchema.optional(),
      description: z.string().max(2000).optional(),
      kind: z.enum(METRIC_KINDS),
      direction: z.enum(['higher-is-better', 'lower-is-better']),
      unit: z.string().min(1).max(50),
      numerator: keySchema.optional(),
      denominator: keySchema.optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      quantile: z.number().gt(0).lt(1).optional(),
    };

    const writeVersion = { version: z.number().int().min(1).optional() };

    function checkMetric(
      m: {
        kind: string;
        numerator?: string;
        denominator?: string;
        min?: number;
        max?: number;
        quantile?: number;
      },
      ctx: Classic.RefinementCtx,
    ): void {
      if (m.kind === 'quantile' && m.quantile === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['quantile'],
          message: 'is required for a quantile metric (0.95 is P95)',
        });
      if (m.kind !== 'quantile' && m.quantile !== undefined)
        ctx.addIssue({ code: 'custom', path: ['quantile'], message: 'is only for quantile metrics' });
      if (m.kind === 'conversion' || m.kind === 'ratio') {
        for (const bound of ['min', 'max'] as const)
          if (m[bound] !== undefined)
            ctx.addIssue({ code: 'custom', path: [bound], message: 'is only for mean and count metrics' });
      }
      if (m.min !== undefined && m.max !== undefined && m.min > m.max)
        ctx.addIssue({ code: 'custom', path: ['max'], message: 'must be at least min' });
      if (m.kind === 'ratio') {
        if (!m.numerator)
          ctx.addIssue({ code: 'custom', path: ['numerator'], message: 'is required for a ratio metric' });
        if (!m.denominator)
          ctx.addIssue({ code: 'custom', path: ['denominator'], message: 'is required for a ratio metric' });
        if (m.numerator && m.numerator === m.denominator)
          ctx.addIssue({ code: 'custom', path: ['denominator'], message: 'must differ from the numerator' });
        return;
      }
      if (m.numerator !== undefined)
        ctx.addIssue({ code: 'custom', path: ['numerator'], message: 'is only for ratio metrics' });
      if (m.denominator !== undefined)
        ctx.addIssue({ code: 'custom', path: ['denominator'], message: 'is only for ratio metrics' });
    }

    const metricSchema = z.strictObject(metricFields).superRefine(checkMetric);
    const metricPutSchema = z.strictObject({ ...metricFields, ...writeVersion }).superRefine(checkMetric);

    const experimentVariantSchema = z.strictObject({
      name: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, dots, dashes or underscores'),
      weight: z.number().positive().max(1000),
      description: z.string().max(500).optional(),
      payload: z
        .strictObject({ type: z.enum(['string', 'json', 'number', 'csv']), value: z.string().max(10_000) })
        .superRefine((p, ctx) => {
          for (const problem of payloadProblems(p)) ctx.addIssue({ code: 'custom', ...problem });
        })
        .optional(),
    });

    const guardrailSchema = z.strictObject({
      metric: keySchema,
      tolerance: z.number().min(0).max(10),
    });

    const experimentFields = {
      key: experimentKeySchema,
      name: z.string().min(1).max(200),
      hypothesis: z.string().min(1).max(2000),
      squad: keySchema,
      environment: z.string().min(1).max(50).default('production'),
      trafficPercent: z.number().min(0).max(100).default(100),
      channels: z
        .array(z.string().min(1).max(50))
        .min(1)
        .default([...DEFAULT_CHANNELS]),
      unit: z.enum(RANDOMISATION_UNITS).default('customer'),
      variants: z.array(experimentVariantSchema).min(2).max(10),
      primaryMetric: keySchema,
      secondaryMetrics: z.array(keySchema).max(20).default([]),
      guardrails: z.array(guardrailSchema).max(20).default([]),
      layer: keySchema.optional(),
      status: z.enum(EXPERIMENT_STATUSES).default('draft'),
      shippedVariant: z.string().min(1).max(100).optional(),
      startedAt: z.iso.datetime().optional(),
      stoppedAt: z.iso.datetime().optional(),
      analysis: z
        .strictObject({
          engine: z
            .enum(ANALYSIS_ENGINES)
            .optional()
            .describe('frequentist (default; fixed-horizon or sequential by `sequential`) or bayesian'),
          sequential: z.boolean().default(true),
          alpha: z.number().gt(0).lt(0.5).default(0.05),
          cuped: z.boolean().default(true),
          chanceThreshold: z
            .number()
            .gt(0.5)
            .lt(1)
            .optional()
            .describe('bayesian: ship when the chance to beat control reaches this (default 0.95)'),
        })
        .default({ sequential: true, alpha: 0.05, cuped: true }),
    };

    function checkExperiment(
      e: { variants: { name: string }[]; status: string; shippedVariant?: string; channels: string[] },
      ctx: Classic.RefinementCtx,
    ): void {
      const names = new Set<string>();
      e.variants.forEach((v, i) => {
        if (names.has(v.name))
          ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: 'is a duplicate' });
        names.add(v.name);
      });
      if (e.status === 'shipped' && !e.shippedVariant)
        ctx.addIssue({
          code: 'custom',
          path: ['shippedVariant'],
          message: 'is required when the status is shipped',
        });
      if (e.shippedVariant && !names.has(e.shippedVariant))
        ctx.addIssue({ code: 'custom', path: ['shippedVariant'], message: 'must name one of the variants' });
      if (new Set(e.channels).size !== e.channels.length)
        ctx.addIssue({ code: 'custom', path: ['channels'], message: 'has a duplicate channel' });
    }

    const experimentSchema = z.strictObject(experimentFields).superRefine(checkExperiment);
    const experimentPutSchema = z
      .strictObject({ ...experimentFields, ...writeVersion })
      .superRefine(checkExperiment);
    return {
      keySchema,
      experimentKeySchema,
      metricSchema,
      metricPutSchema,
      experimentVariantSchema,
      guardrailSchema,
      experimentSchema,
      experimentPutSchema,
    };
  })();

  // shared/model/event-schema.ts
  const { exposureEventSchema, metricEventSchema, identifyEventSchema, eventSchema, eventBatchSchema } =
    (() => {
      const text = (max: number) => z.string().min(1).max(max);

      const base = {
        id: text(128),
        timestamp: z.iso.datetime({ offset: true }),
        userId: text(256),
        channel: text(50),
        appName: text(100).optional(),
        properties: z
          .record(text(100), z.string().max(256))
          .refine((p) => Object.keys(p).length <= 20, 'has more than 20 entries')
          .optional(),
      };

      const exposureEventSchema = z.strictObject({
        ...base,
        type: z.literal('exposure'),
        experiment: text(100),
        variant: text(100),
      });

      const metricEventSchema = z.strictObject({
        ...base,
        type: z.literal('metric'),
        metric: text(100),
        value: z.number().optional(),
      });

      const identifyEventSchema = z.strictObject({
        ...base,
        type: z.literal('identify'),
        anonymousId: text(256),
      });

      const eventSchema = z.discriminatedUnion('type', [
        exposureEventSchema,
        metricEventSchema,
        identifyEventSchema,
      ]);

      const eventBatchSchema = z.strictObject({
        events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH),
      });
      return { exposureEventSchema, metricEventSchema, identifyEventSchema, eventSchema, eventBatchSchema };
    })();

  // functions/schemas/admin-schemas.ts
  const {
    flagName,
    writtenConstraintSchema,
    targetedConstraintSchema,
    writtenPayloadSchema,
    writtenVariantsSchema,
    writtenStrategyVariantsSchema,
    writtenStrategySchema,
    environmentStateSchema,
    flagCreateSchema,
    flagUpdateSchema,
    environmentStateUpdateSchema,
    channelToggleSchema,
    environmentCreateSchema,
    environmentUpdateSchema,
    experimentResumeSchema,
    rolloutPlanSchema,
    changeRequestEditSchema,
    changeRequestDecisionSchema,
    changeRequestListSchema,
    auditExportQuerySchema,
    notificationsQuerySchema,
    segmentCreateSchema,
    segmentUpdateSchema,
    tokenCreateSchema,
    auditQuerySchema,
    importSchema,
  } = (() => {
    const name = z.string().regex(NAME_PATTERN, 'must be lower-case letters, digits, - or _ (at most 63)');
    const flagName = z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\s/?#%\\]+$/u, 'must not contain whitespace or / ? # % \\');
    const version = z.number().int().min(1);

    const writtenConstraintSchema = constraintSchema.superRefine((c, ctx) => {
      const refusal = regexRefusal(c, 'REGEX_INVALID');
      if (refusal) ctx.addIssue({ code: 'custom', path: ['value'], message: refusal });
    });

    function report(ctx: Classic.RefinementCtx, problems: TargetingProblem[]): void {
      for (const p of problems) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    }

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

    const environmentStateSchema = z.strictObject({
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

    const flagCreateSchema = z.strictObject({
      name: flagName,
      squad: name,
      ...flagFields,
      environments: z.record(z.string(), environmentStateSchema).optional(),
    });

    const flagUpdateSchema = z.strictObject({
      version,
      ...flagFields,
      squad: name.optional(),
      archived: z.boolean().optional(),
    });

    const environmentStateUpdateSchema = z.strictObject({
      version,
      enabled: z.boolean().optional(),
      channels: z.record(z.string(), z.boolean()).optional(),
      strategies: z.array(writtenStrategySchema).max(100).optional(),
    });

    const channelToggleSchema = z.strictObject({ version, enabled: z.boolean() });

    const environmentCreateSchema = z.strictObject({
      name,
      type: z.enum(['development', 'production']),
      protected: z.boolean().optional(),
    });

    const environmentUpdateSchema = z.strictObject({ version, protected: z.boolean() });

    const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time');

    const experimentResumeSchema = z.strictObject({
      version,
      channels: z.array(z.string().min(1)).min(1).max(20),
    });

    const rolloutPlanSchema = z.strictObject({
      steps: z
        .array(z.strictObject({ percent: z.number().int().min(1).max(100), at: isoTime }))
        .min(1)
        .max(20),
    });

    const changeRequestEditSchema = z.strictObject({ version, body: z.unknown() });

    const changeRequestDecisionSchema = z.strictObject({
      version,
      reason: z.string().max(2000).optional(),
    });

    const changeRequestListSchema = z.strictObject({
      status: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(200).optional(),
      next: z.string().optional(),
    });

    const auditExportQuerySchema = z.strictObject({
      from: isoTime.optional(),
      to: isoTime.optional(),
      format: z.enum(['json', 'csv']).optional(),
    });

    const notificationsQuerySchema = z.strictObject({
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    });

    const segmentCreateSchema = z.strictObject({
      name: z.string().min(1).max(200),
      description: z.string().max(2000).optional(),
      squad: name.optional(),
      constraints: z.array(targetedConstraintSchema).max(100),
    });

    const segmentUpdateSchema = z.strictObject({
      version,
      name: z.string().min(1).max(200).optional(),
      description: z.string().max(2000).optional(),
      constraints: z.array(targetedConstraintSchema).max(100).optional(),
    });

    const tokenCreateSchema = z
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
          ctx.addIssue({
            code: 'custom',
            path: ['environment'],
            message: `is required for ${t.kind} tokens`,
          });
        if (t.kind === 'admin' && t.role === undefined)
          ctx.addIssue({ code: 'custom', path: ['role'], message: 'is required for admin tokens' });
        if (t.kind === 'admin' && t.role === 'squad' && t.squad === undefined)
          ctx.addIssue({ code: 'custom', path: ['squad'], message: 'is required for squad tokens' });
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
      });

    const auditQuerySchema = z.strictObject({
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    });

    const importSchema = clientFeaturesDocumentSchema;
    return {
      flagName,
      writtenConstraintSchema,
      targetedConstraintSchema,
      writtenPayloadSchema,
      writtenVariantsSchema,
      writtenStrategyVariantsSchema,
      writtenStrategySchema,
      environmentStateSchema,
      flagCreateSchema,
      flagUpdateSchema,
      environmentStateUpdateSchema,
      channelToggleSchema,
      environmentCreateSchema,
      environmentUpdateSchema,
      experimentResumeSchema,
      rolloutPlanSchema,
      changeRequestEditSchema,
      changeRequestDecisionSchema,
      changeRequestListSchema,
      auditExportQuerySchema,
      notificationsQuerySchema,
      segmentCreateSchema,
      segmentUpdateSchema,
      tokenCreateSchema,
      auditQuerySchema,
      importSchema,
    };
  })();

  // functions/schemas/client-schemas.ts
  const { clientMetricsSchema, clientRegisterSchema, frontendRequestSchema, ofrepRequestSchema } = (() => {
    const count = z.number().int().min(0);

    const clientMetricsSchema = z.looseObject({
      appName: z.string().min(1).max(200),
      instanceId: z.string().max(200).optional(),
      channel: z.string().max(50).optional(),
      bucket: z.looseObject({
        start: z.union([z.string(), z.number()]).optional(),
        stop: z.union([z.string(), z.number()]).optional(),
        toggles: z
          .record(
            z.string().max(200),
            z.looseObject({
              yes: count,
              no: count,
              variants: z
                .record(z.string().max(100), count)
                .refine((v) => Object.keys(v).length <= MAX_METRICS_VARIANTS, {
                  message: `has more than ${MAX_METRICS_VARIANTS} variants`,
                })
                .optional(),
            }),
          )
          .refine((t) => Object.keys(t).length <= MAX_METRICS_TOGGLES, {
            message: `names more than ${MAX_METRICS_TOGGLES} toggles`,
          }),
      }),
    });

    const clientRegisterSchema = z.looseObject({
      appName: z.string().min(1).max(200),
      instanceId: z.string().max(200).optional(),
      sdkVersion: z.string().max(100).optional(),
      strategies: z.array(z.string()).optional(),
      started: z.union([z.string(), z.number()]).optional(),
      interval: z.number().optional(),
      channel: z.string().max(50).optional(),
    });

    const contextValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

    const frontendRequestSchema = z.looseObject({
      context: z
        .looseObject({
          properties: z.record(z.string(), contextValue).optional(),
        })
        .optional(),
    });

    const ofrepRequestSchema = z.looseObject({
      context: z.record(z.string(), z.unknown()).optional(),
    });
    return { clientMetricsSchema, clientRegisterSchema, frontendRequestSchema, ofrepRequestSchema };
  })();

  // shared/release/release-template.ts
  const { milestoneSchema, safeguardSchema, rollbackSchema, templateBodySchema, templateIdSchema } = (() => {
    const percent = z.number().int().min(0).max(100);
    const channelPercents = z.record(z.string().min(1).max(50), percent);

    const milestoneSchema = z.strictObject({
      name: z.string().min(1).max(100),
      channels: channelPercents,
      audience: z.strictObject({ segment: z.string().min(1).max(100), channels: channelPercents }).optional(),
      minHoldMinutes: z
        .number()
        .int()
        .min(0)
        .max(60 * 24 * 90),
      gates: z
        .strictObject({
          approval: z.strictObject({ by: z.array(z.enum(APPROVER_ROLES)).min(1) }).optional(),
          minExposedUnits: z.number().int().min(0).max(100_000_000).optional(),
        })
        .default({}),
    });

    const safeguardSchema = z.discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('metric'),
        metric: z.string().min(1).max(100),
        tolerance: z.number().min(0).max(10),
      }),
      z.strictObject({
        kind: z.literal('impact-threshold'),
        impactMetric: z.string().min(1).max(200),
        denominator: z.string().min(1).max(200).optional(),
        max: z.number().finite(),
        minSamples: z.number().int().min(1).max(100_000_000).default(100),
      }),
      z.strictObject({
        kind: z.literal('impact-compare'),
        impactMetric: z.string().min(1).max(200),
        denominator: z.string().min(1).max(200).optional(),
        direction: z.enum(['higher-is-better', 'lower-is-better']).default('lower-is-better'),
        tolerance: z.number().min(0).max(10),
      }),
    ]);

    const rollbackSchema = z.strictObject({ channel: z.enum(['off', 'previous']).default('off') });

    const templateBodySchema = z.strictObject({
      name: z.string().min(1).max(200),
      description: z.string().max(2000).default(''),
      milestones: z.array(milestoneSchema).min(1).max(20),
      safeguards: z.array(safeguardSchema).max(20).default([]),
      rollback: rollbackSchema.default({ channel: 'off' }),
      alpha: z.number().gt(0).lt(0.5).default(0.05),
    });

    const templateIdSchema = z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, . _ -, at most 100');
    return { milestoneSchema, safeguardSchema, rollbackSchema, templateBodySchema, templateIdSchema };
  })();

  // functions/schemas/release-schemas.ts
  const {
    releaseTemplateCreateSchema,
    releaseTemplateUpdateSchema,
    releasePlanPutSchema,
    releasePlanActionSchema,
    flagPromoteSchema,
    flagLifecycleSchema,
  } = (() => {
    const releaseTemplateCreateSchema = templateBodySchema.extend({ id: templateIdSchema });
    const releaseTemplateUpdateSchema = templateBodySchema.extend({ version: z.number().int().min(1) });

    const releasePlanPutSchema = z.strictObject({
      template: templateIdSchema,
      version: z.number().int().min(0),
    });

    const releasePlanActionSchema = z.strictObject({
      version: z.number().int().min(1),
      milestone: z.number().int().min(0).max(19).optional(),
    });

    const flagPromoteSchema = z.strictObject({
      from: z.string().min(1).max(100),
      to: z.string().min(1).max(100),
      version: z.number().int().min(1),
    });

    const flagLifecycleSchema = z.strictObject({
      stage: z.enum(SETTABLE_STAGES).nullable(),
      version: z.number().int().min(1),
    });
    return {
      releaseTemplateCreateSchema,
      releaseTemplateUpdateSchema,
      releasePlanPutSchema,
      releasePlanActionSchema,
      flagPromoteSchema,
      flagLifecycleSchema,
    };
  })();

  // functions/schemas/planning-schemas.ts
  const { metricPowerQuerySchema } = (() => {
    const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

    const metricPowerQuerySchema = z.strictObject({
      dailyUnits: z.coerce.number().positive().max(1e9),
      days: z.coerce.number().positive().max(3650),
      variants: z.coerce.number().int().min(2).max(20).optional(),
      alpha: z.coerce.number().gt(0).lt(1).optional(),
      sequential: flag.optional(),
      power: z.coerce.number().gt(0).lt(1).optional(),
      baselineRate: z.coerce.number().gt(0).lt(1).optional(),
      baselineMean: z.coerce.number().optional(),
      baselineSd: z.coerce.number().positive().optional(),
    });
    return { metricPowerQuerySchema };
  })();

  // shared/model/unleash-export-schema.ts
  const { unleashExportSchema, unleashImportQuerySchema, exportQuerySchema } = (() => {
    const loose = <T extends Classic.ZodRawShape>(shape: T) => z.looseObject(shape);
    const text = z.string().max(2000);

    const unleashExportSchema = loose({
      features: z
        .array(
          loose({
            name: z.string().min(1).max(200),
            type: z.string().max(50).nullish(),
            description: text.nullish(),
            project: z.string().max(100).nullish(),
            stale: z.boolean().nullish(),
            impressionData: z.boolean().nullish(),
            archived: z.boolean().nullish(),
          }),
        )
        .max(10_000),
      featureStrategies: z
        .array(
          loose({
            name: z.string().min(1).max(200),
            featureName: z.string().min(1).max(200),
            environment: z.string().max(100).optional(),
            sortOrder: z.number().nullish(),
          }),
        )
        .max(100_000),
      featureEnvironments: z
        .array(
          loose({
            featureName: z.string().min(1).max(200).optional(),
            name: z.string().min(1).max(200).optional(),
            environment: z.string().min(1).max(100).optional(),
            enabled: z.boolean(),
            variants: z.array(z.unknown()).max(100).nullish(),
          }),
        )
        .max(100_000)
        .optional(),
      contextFields: z
        .array(
          loose({
            name: z.string().min(1).max(100),
            description: text.nullish(),
            stickiness: z.boolean().nullish(),
            legalValues: z
              .array(loose({ value: z.string().max(1000), description: text.nullish() }))
              .max(10_000)
              .nullish(),
          }),
        )
        .max(10_000)
        .optional(),
      featureTags: z
        .array(
          loose({
            featureName: z.string().min(1).max(200),
            tagType: z.string().min(1).max(100).optional(),
            tagValue: z.string().min(1).max(100).optional(),
            type: z.string().min(1).max(100).optional(),
            value: z.string().min(1).max(100).optional(),
          }),
        )
        .max(100_000)
        .optional(),
      segments: z
        .array(
          loose({
            id: z.number().int(),
            name: z.string().min(1).max(200),
            description: text.nullish(),
            constraints: z.array(z.unknown()).max(1000).optional(),
          }),
        )
        .max(10_000)
        .optional(),
      tagTypes: z
        .array(
          loose({
            name: z.string().min(1).max(100),
            description: text.nullish(),
            icon: z.string().nullish(),
          }),
        )
        .max(10_000)
        .optional(),
      dependencies: z
        .array(
          loose({
            feature: z.string().min(1).max(200),
            dependencies: z.array(z.unknown()).max(20),
          }),
        )
        .max(10_000)
        .optional(),
    });

    const unleashImportQuerySchema = z.strictObject({
      environments: z
        .string()
        .max(2000)
        .regex(
          /^[^:,]+:[^:,]+(,[^:,]+:[^:,]+)*$/,
          'is a list of unleash-environment:omnilab-environment pairs',
        )
        .optional(),
      unknownStrategies: z.enum(['disable', 'skip']).optional(),
      from: z.string().min(1).max(100).optional(),
    });

    const exportQuerySchema = z.strictObject({
      format: z.enum(['client-features', 'unleash']).optional(),
      segments: z.enum(['inline', 'by-name']).optional(),
    });
    return { unleashExportSchema, unleashImportQuerySchema, exportQuerySchema };
  })();

  // shared/release/impact-metrics.ts
  const { impactMetricSchema, impactMetricsSchema } = (() => {
    const labels = z.record(z.string().max(200), z.union([z.string().max(200), z.number()])).optional();

    const numericSample = z.looseObject({ value: z.number().finite(), labels });
    const bucketSample = z.looseObject({
      labels,
      count: z.number().finite().min(0),
      sum: z.number().finite(),
      buckets: z
        .array(
          z.looseObject({
            le: z.union([z.number().finite(), z.literal('+Inf')]),
            count: z.number().finite().min(0),
          }),
        )
        .max(100),
    });

    const impactMetricSchema = z.discriminatedUnion('type', [
      z.looseObject({
        name: z.string().min(1).max(200),
        help: z.string().max(1000).optional(),
        type: z.enum(['counter', 'gauge']),
        samples: z.array(numericSample).max(MAX_IMPACT_SAMPLES),
      }),
      z.looseObject({
        name: z.string().min(1).max(200),
        help: z.string().max(1000).optional(),
        type: z.literal('histogram'),
        samples: z.array(bucketSample).max(MAX_IMPACT_SAMPLES),
      }),
    ]);
    const impactMetricsSchema = z.array(impactMetricSchema).max(MAX_IMPACT_METRICS);
    return { impactMetricSchema, impactMetricsSchema };
  })();
  return {
    payloadSchema,
    constraintSchema,
    overrideSchema,
    variantSchema,
    strategyVariantSchema,
    strategySchema,
    dependencySchema,
    featureSchema,
    segmentSchema,
    clientFeaturesDocumentSchema,
    keySchema,
    experimentKeySchema,
    metricSchema,
    metricPutSchema,
    experimentVariantSchema,
    guardrailSchema,
    experimentSchema,
    experimentPutSchema,
    exposureEventSchema,
    metricEventSchema,
    identifyEventSchema,
    eventSchema,
    eventBatchSchema,
    flagName,
    writtenConstraintSchema,
    targetedConstraintSchema,
    writtenPayloadSchema,
    writtenVariantsSchema,
    writtenStrategyVariantsSchema,
    writtenStrategySchema,
    environmentStateSchema,
    flagCreateSchema,
    flagUpdateSchema,
    environmentStateUpdateSchema,
    channelToggleSchema,
    environmentCreateSchema,
    environmentUpdateSchema,
    experimentResumeSchema,
    rolloutPlanSchema,
    changeRequestEditSchema,
    changeRequestDecisionSchema,
    changeRequestListSchema,
    auditExportQuerySchema,
    notificationsQuerySchema,
    segmentCreateSchema,
    segmentUpdateSchema,
    tokenCreateSchema,
    auditQuerySchema,
    importSchema,
    clientMetricsSchema,
    clientRegisterSchema,
    frontendRequestSchema,
    ofrepRequestSchema,
    milestoneSchema,
    safeguardSchema,
    rollbackSchema,
    templateBodySchema,
    templateIdSchema,
    releaseTemplateCreateSchema,
    releaseTemplateUpdateSchema,
    releasePlanPutSchema,
    releasePlanActionSchema,
    flagPromoteSchema,
    flagLifecycleSchema,
    metricPowerQuerySchema,
    unleashExportSchema,
    unleashImportQuerySchema,
    exportQuerySchema,
    impactMetricSchema,
    impactMetricsSchema,
  };
}

type Classics = ReturnType<typeof classicSchemas>;

interface Parses {
  safeParse(input: unknown):
    | { success: true; data: unknown }
    | {
        success: false;
        error: { issues: readonly { code: string; path: PropertyKey[]; message: string }[] };
      };
}

const at = '2026-03-01T10:00:00Z';
const rollout = {
  name: 'flexibleRollout',
  parameters: { rollout: '50', stickiness: 'default', groupId: 'f' },
};
const inList = { contextName: 'userId', operator: 'IN', values: ['1', '2'] };

/** Each main request schema, its classic twin's name, and bodies it accepts (the seeds mutated below). */
const CASES: [string, keyof Classics, Parses, unknown[]][] = [
  [
    'an event',
    'eventSchema',
    events.eventSchema,
    [
      {
        type: 'exposure',
        id: 'e1',
        timestamp: at,
        userId: 'u1',
        channel: 'web',
        experiment: 'x',
        variant: 'a',
      },
      {
        type: 'metric',
        id: 'e2',
        timestamp: '2026-03-01T10:00:00+01:00',
        userId: 'u1',
        channel: 'app',
        appName: 'mobile',
        metric: 'spend',
        value: 12.5,
        properties: { branch: 'b1' },
      },
      { type: 'identify', id: 'e3', timestamp: at, userId: 'u1', channel: 'web', anonymousId: 'anon-1' },
    ],
  ],
  ['an event batch', 'eventBatchSchema', events.eventBatchSchema, [{ events: [{}, 1] }]],
  [
    'a flag',
    'flagCreateSchema',
    admin.flagCreateSchema,
    [
      {
        name: 'new-checkout',
        squad: 'payments',
        description: 'd',
        type: 'release',
        tags: ['t'],
        variants: [
          { name: 'a', weight: 500, payload: { type: 'json', value: '{"a":1}' } },
          { name: 'b', weight: 500, stickiness: 'default' },
        ],
        environments: {
          production: {
            enabled: true,
            channels: { web: true },
            strategies: [{ ...rollout, constraints: [inList] }],
          },
        },
      },
      { name: 'f', squad: 's' },
    ],
  ],
  [
    'a flag update',
    'flagUpdateSchema',
    admin.flagUpdateSchema,
    [{ version: 3, description: 'x', archived: false }],
  ],
  [
    "a flag's environment",
    'environmentStateUpdateSchema',
    admin.environmentStateUpdateSchema,
    [{ version: 2, enabled: true, channels: { web: false }, strategies: [{ name: 'default' }, rollout] }],
  ],
  [
    'a segment',
    'segmentCreateSchema',
    admin.segmentCreateSchema,
    [
      {
        name: 'staff',
        squad: 'payments',
        constraints: [
          { contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@bank.example'] },
          { contextName: 'age', operator: 'NUM_GT', value: '18' },
        ],
      },
    ],
  ],
  ['a segment update', 'segmentUpdateSchema', admin.segmentUpdateSchema, [{ version: 1, name: 'vip' }]],
  [
    'a token',
    'tokenCreateSchema',
    admin.tokenCreateSchema,
    [
      { name: 't', kind: 'client', environment: 'production', audience: 'server' },
      { name: 'a', kind: 'admin', role: 'squad', squad: 'payments' },
    ],
  ],
  ['a rollout plan', 'rolloutPlanSchema', admin.rolloutPlanSchema, [{ steps: [{ percent: 10, at }] }]],
  ['a notifications query', 'notificationsQuerySchema', admin.notificationsQuerySchema, [{ limit: '20' }]],
  [
    'an experiment',
    'experimentPutSchema',
    experiments.experimentPutSchema,
    [
      {
        key: 'checkout-copy',
        name: 'E',
        hypothesis: 'h',
        squad: 'payments',
        variants: [
          { name: 'control', weight: 50 },
          { name: 'treatment', weight: 50, payload: { type: 'number', value: '2' } },
        ],
        primaryMetric: 'conversion',
        guardrails: [{ metric: 'errors', tolerance: 0.1 }],
        analysis: { engine: 'bayesian', chanceThreshold: 0.9 },
        version: 1,
      },
    ],
  ],
  [
    'a metric',
    'metricPutSchema',
    experiments.metricPutSchema,
    [
      {
        key: 'conversion',
        name: 'Conversion',
        kind: 'conversion',
        direction: 'higher-is-better',
        unit: 'users',
      },
      { key: 'p95', name: 'P95', kind: 'quantile', direction: 'lower-is-better', unit: 'ms', quantile: 0.95 },
      {
        key: 'aov',
        name: 'AOV',
        kind: 'ratio',
        direction: 'higher-is-better',
        unit: 'EUR',
        numerator: 'revenue',
        denominator: 'orders',
        version: 2,
      },
    ],
  ],
  [
    'client metrics',
    'clientMetricsSchema',
    client.clientMetricsSchema,
    [
      {
        appName: 'app',
        bucket: { start: at, stop: 1, toggles: { f: { yes: 1, no: 2, variants: { a: 1 } } } },
        x: 1,
      },
    ],
  ],
  [
    'a client registration',
    'clientRegisterSchema',
    client.clientRegisterSchema,
    [{ appName: 'app', instanceId: 'i', strategies: ['default'], started: at, interval: 1000 }],
  ],
  [
    'a frontend request',
    'frontendRequestSchema',
    client.frontendRequestSchema,
    [{ context: { userId: 'u', properties: { a: 'b', n: 1, t: true, z: null } } }],
  ],
  ['an OFREP request', 'ofrepRequestSchema', client.ofrepRequestSchema, [{ context: { targetingKey: 'u' } }]],
  [
    'a release template',
    'releaseTemplateCreateSchema',
    release.releaseTemplateCreateSchema,
    [
      {
        id: 'staged',
        name: 'T',
        milestones: [
          {
            name: 'staff',
            channels: { web: 10 },
            audience: { segment: 'staff', channels: { web: 100 } },
            minHoldMinutes: 60,
            gates: { approval: { by: ['auditor'] }, minExposedUnits: 100 },
          },
          { name: 'all', channels: { web: 100 }, minHoldMinutes: 0 },
        ],
        safeguards: [
          { kind: 'metric', metric: 'errors', tolerance: 0.1 },
          { kind: 'impact-threshold', impactMetric: 'http_errors', denominator: 'http_requests', max: 0.01 },
          { kind: 'impact-compare', impactMetric: 'latency', tolerance: 0.2 },
        ],
      },
    ],
  ],
  [
    'a release plan action',
    'releasePlanActionSchema',
    release.releasePlanActionSchema,
    [{ version: 1, milestone: 2 }],
  ],
  ['a lifecycle stage', 'flagLifecycleSchema', release.flagLifecycleSchema, [{ stage: null, version: 1 }]],
  [
    'a power query',
    'metricPowerQuerySchema',
    planning.metricPowerQuerySchema,
    [{ dailyUnits: '1000', days: '14', variants: '3', sequential: 'true', baselineRate: '0.1' }],
  ],
  [
    'an Unleash export',
    'unleashExportSchema',
    unleashExport.unleashExportSchema,
    [
      {
        features: [{ name: 'f', type: 'release', description: null }],
        featureStrategies: [
          { name: 'default', featureName: 'f', environment: 'development', parameters: {} },
        ],
        featureEnvironments: [{ featureName: 'f', environment: 'development', enabled: true, variants: [] }],
        segments: [{ id: 1, name: 's', constraints: [] }],
      },
    ],
  ],
  [
    'an Unleash import query',
    'unleashImportQuerySchema',
    unleashExport.unleashImportQuerySchema,
    [{ environments: 'development:dev,production:prod', unknownStrategies: 'skip', from: 'development' }],
  ],
  [
    'an export query',
    'exportQuerySchema',
    unleashExport.exportQuerySchema,
    [{ format: 'unleash', segments: 'inline' }],
  ],
  [
    'a client-features import',
    'importSchema',
    admin.importSchema,
    [
      {
        version: 2,
        features: [
          {
            name: 'f',
            enabled: true,
            strategies: [{ ...rollout, segments: [1], variants: [{ name: 'v', weight: 1000 }] }],
            variants: [{ name: 'a', weight: 1000, overrides: [{ contextName: 'userId', values: ['1'] }] }],
            createdAt: at,
          },
        ],
        segments: [{ id: 1, constraints: [inList] }],
      },
    ],
  ],
  [
    'impact metrics',
    'impactMetricsSchema',
    impact.impactMetricsSchema,
    [
      [
        { name: 'http_errors', type: 'counter', samples: [{ value: 1, labels: { f: 'enabled' } }] },
        {
          name: 'latency',
          type: 'histogram',
          samples: [
            {
              count: 2,
              sum: 3,
              buckets: [
                { le: 1, count: 1 },
                { le: '+Inf', count: 2 },
              ],
            },
          ],
        },
      ],
    ],
  ],
];

/** What a caller sees of a parse: the output, or every issue's code, path and message in order. */
function seen(schema: Parses, input: unknown): unknown {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, data: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message })),
  };
}

/** Every path into a JSON value: the value itself, each key and each index, at any depth. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Mutation = {
  at: number;
  op: 'set' | 'delete' | 'add' | 'tweak';
  key: string;
  value: unknown;
  n: number;
};

const CHARS = ['.', ' ', '/', '#', '%', '\\', 'A', '_', '-', ':', ',', 'é', '\n'];

/** A value near `v`: a string edited at either end, emptied or stretched; a number moved off a bound. */
function tweak(v: unknown, n: number): unknown {
  if (typeof v === 'string') {
    const c = CHARS[n % CHARS.length];
    return [`${v}${c}`, `${c}${v}`, '', v.repeat(2 + (n % 60)), v.slice(1)][n % 5];
  }
  if (typeof v === 'number') return [v + 1, v - 1, v + 0.5, v * 10, -v, 0, v * 1000][n % 7];
  if (typeof v === 'boolean') return !v;
  return v;
}

function mutate(seed: unknown, mutations: Mutation[]): unknown {
  let root: unknown = structuredClone(seed);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length];
    if (path.length === 0) {
      if (m.op === 'set') root = m.value;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
    const last = path[path.length - 1];
    const target = parent[last];
    if (m.op === 'set') parent[last] = m.value;
    else if (m.op === 'tweak') parent[last] = tweak(target, m.n);
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (Array.isArray(target)) target.push(m.value);
    else if (target !== null && typeof target === 'object')
      (target as Record<string, unknown>)[m.key] = m.value;
  }
  return root;
}

/** Values at the schemas' edges (lengths, bounds, formats), and any JSON. */
const value = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      '',
      'a',
      'x'.repeat(51),
      'x'.repeat(101),
      'x'.repeat(201),
      'layer.x',
      'A B',
      'a/b',
      at,
      '2026-03-01',
      'not a date',
      '0.5',
      'true',
      '1e9',
      -1,
      0,
      0.5,
      1,
      2,
      19,
      20,
      21,
      100,
      101,
      1000,
      1001,
      1e10,
      null,
      true,
      [],
      {},
      ['a'],
      'admin',
      'quantile',
      'ratio',
      'IN',
      'REGEX',
      'histogram',
      'bayesian',
    ),
  },
);
const key = fc.constantFrom('zz', 'value', 'values', 'version', 'quantile', 'numerator', 'audience', 'role');
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('set', 'delete', 'add', 'tweak', 'tweak', 'tweak'),
  key,
  value,
  n: fc.nat(),
});

let classic: Classics;

beforeAll(async () => {
  // Before classic zod is loaded here (it installs English itself on its first schema).
  expect(seen(events.eventSchema, { type: 'metric' })).toEqual({
    ok: false,
    issues: expect.arrayContaining([
      { code: 'invalid_type', path: ['id'], message: 'Invalid input: expected string, received undefined' },
    ]),
  });
  classic = classicSchemas(await import('zod'));
});

describe('the request schemas on zod/mini', () => {
  it('accept every seed, as the classic ones do', () => {
    for (const [name, twin, schema, seeds] of CASES)
      for (const s of seeds) {
        expect(seen(schema, s), name).toMatchObject({ ok: true });
        expect(seen(schema, s), name).toStrictEqual(seen(classic[twin], s));
      }
  });

  it.each(CASES)(
    'answer %s as classic zod did, on any JSON and on mutated bodies',
    (_, twin, schema, seeds) => {
      const input = fc.oneof(
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
        {
          weight: 4,
          arbitrary: fc
            .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 }))
            .map(([s, ms]) => mutate(s, ms)),
        },
      );
      fc.assert(
        fc.property(input, (x) => {
          expect(seen(schema, x)).toStrictEqual(seen(classic[twin], x));
        }),
        { numRuns: 250 },
      );
    },
  );
});
