/**
 * Zod schemas for the client-features document, used by the server to validate what it stores
 * and imports (and to generate the OpenAPI document). The SDK never imports this file.
 */
import * as z from 'zod';
import { type RegexSyntaxError, regexProblem } from '../evaluation/regex';
import { OPERATORS } from './client-features';

/**
 * Why a REGEX constraint's pattern is refused with `code`, or undefined. Every write refuses a pattern
 * Rust accepts and omnilab does not (it would not do here what it does in Unleash). Only the admin API
 * refuses one Rust refuses too: an import keeps it, since it never matches in Unleash either, nor here.
 */
export function regexRefusal(
  c: { operator: string; value?: string; caseInsensitive?: boolean },
  code: RegexSyntaxError['code'],
): string | undefined {
  if (c.operator !== 'REGEX' || c.value === undefined) return undefined;
  const problem = regexProblem(c.value, c.caseInsensitive === true);
  if (problem?.code !== code) return undefined;
  return `${code === 'REGEX_UNSUPPORTED' ? 'is not a REGEX pattern omnilab runs' : 'is not a Rust regex pattern'}: it ${problem.message}`;
}

export const payloadSchema = z.strictObject({
  type: z.enum(['string', 'json', 'csv', 'number']),
  value: z.string(),
});

export const constraintSchema = z
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
    const single = !['IN', 'NOT_IN', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'STR_CONTAINS', 'IN_CIDR'].includes(
      c.operator,
    );
    if (single && c.value === undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `is required for operator ${c.operator}` });
    if (!single && c.values === undefined)
      ctx.addIssue({ code: 'custom', path: ['values'], message: `is required for operator ${c.operator}` });
    const unsupported = regexRefusal(c, 'REGEX_UNSUPPORTED');
    if (unsupported) ctx.addIssue({ code: 'custom', path: ['value'], message: unsupported });
  });

const weight = z.number().int().min(0).max(1000);
const stickiness = z.string().min(1).max(100);

export const overrideSchema = z.strictObject({ contextName: z.string().min(1), values: z.array(z.string()) });

export const variantSchema = z.strictObject({
  name: z.string().min(1).max(100),
  weight,
  weightType: z.enum(['variable', 'fix']).optional(),
  stickiness: stickiness.optional(),
  payload: payloadSchema.optional(),
  overrides: z.array(overrideSchema).optional(),
});

export const strategyVariantSchema = z.strictObject({
  name: z.string().min(1).max(100),
  weight,
  weightType: z.enum(['variable', 'fix']).optional(),
  stickiness: stickiness.optional(),
  payload: payloadSchema.optional(),
});

export const strategySchema = z.strictObject({
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

export const dependencySchema = z.strictObject({
  feature: z.string().min(1),
  enabled: z.boolean().optional(),
  variants: z.array(z.string()).optional(),
});

export const featureSchema = z
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
  // Unleash servers add fields over time (createdAt, lastSeenAt…); an import keeps working.
  .passthrough();

export const segmentSchema = z
  .object({
    id: z.number().int(),
    name: z.string().max(200).nullish(),
    description: z.string().max(2000).nullish(),
    constraints: z.array(constraintSchema).max(100),
  })
  .passthrough();

export const clientFeaturesDocumentSchema = z
  .object({
    version: z.number().int(),
    features: z.array(featureSchema).max(10_000),
    segments: z.array(segmentSchema).max(10_000).optional(),
    query: z.record(z.string(), z.unknown()).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
    // An app key's document (shared/model/hide-targeting.ts): its values are hashes, and importing
    // them would store hashes as targeting.
    hiddenTargeting: z
      .never({
        error: 'is in documents served to app keys, whose values are hashes: import the plain export',
      })
      .optional(),
  })
  .passthrough();

export type ClientFeaturesDocumentInput = z.infer<typeof clientFeaturesDocumentSchema>;
