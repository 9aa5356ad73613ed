/**
 * Zod schemas for the client-features document, used by the server to validate what it stores
 * and imports (and to generate the OpenAPI document). The SDK never imports this file.
 */
import { type RegexSyntaxError, regexProblem } from '../evaluation/regex';
import { OPERATORS } from './client-features';
import * as z from './zod';

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

/** A string of `min` to `max` characters. */
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const upTo = (max: number) => z.string().check(z.maxLength(max));

export const constraintSchema = z
  .strictObject({
    contextName: str(1, 100),
    operator: z.enum(OPERATORS as [string, ...string[]]),
    values: z.optional(z.array(upTo(1000)).check(z.maxLength(1000))),
    value: z.optional(upTo(1000)),
    inverted: z.optional(z.boolean()),
    caseInsensitive: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((c, ctx) => {
      const single = ![
        'IN',
        'NOT_IN',
        'STR_STARTS_WITH',
        'STR_ENDS_WITH',
        'STR_CONTAINS',
        'IN_CIDR',
      ].includes(c.operator);
      if (single && c.value === undefined)
        ctx.addIssue({ code: 'custom', path: ['value'], message: `is required for operator ${c.operator}` });
      if (!single && c.values === undefined)
        ctx.addIssue({ code: 'custom', path: ['values'], message: `is required for operator ${c.operator}` });
      const unsupported = regexRefusal(c, 'REGEX_UNSUPPORTED');
      if (unsupported) ctx.addIssue({ code: 'custom', path: ['value'], message: unsupported });
    }),
  );

const weight = z.number().check(z.int(), z.gte(0), z.lte(1000));
const stickiness = str(1, 100);

export const overrideSchema = z.strictObject({
  contextName: z.string().check(z.minLength(1)),
  values: z.array(z.string()),
});

export const variantSchema = z.strictObject({
  name: str(1, 100),
  weight,
  weightType: z.optional(z.enum(['variable', 'fix'])),
  stickiness: z.optional(stickiness),
  payload: z.optional(payloadSchema),
  overrides: z.optional(z.array(overrideSchema)),
});

export const strategyVariantSchema = z.strictObject({
  name: str(1, 100),
  weight,
  weightType: z.optional(z.enum(['variable', 'fix'])),
  stickiness: z.optional(stickiness),
  payload: z.optional(payloadSchema),
});

export const strategySchema = z.strictObject({
  id: z.optional(z.string()),
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
  title: z.nullish(upTo(200)),
  disabled: z.nullish(z.boolean()),
  sortOrder: z.optional(z.number()),
  parameters: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
  constraints: z.optional(z.array(constraintSchema).check(z.maxLength(100))),
  segments: z.optional(z.array(z.number().check(z.int())).check(z.maxLength(100))),
  variants: z.optional(z.array(strategyVariantSchema).check(z.maxLength(100))),
});

export const dependencySchema = z.strictObject({
  feature: z.string().check(z.minLength(1)),
  enabled: z.optional(z.boolean()),
  variants: z.optional(z.array(z.string())),
});

// Unleash servers add fields over time (createdAt, lastSeenAt…); an import keeps working.
export const featureSchema = z.looseObject({
  name: str(1, 200),
  enabled: z.boolean(),
  description: z.nullish(upTo(2000)),
  type: z.optional(upTo(50)),
  project: z.optional(upTo(100)),
  stale: z.optional(z.boolean()),
  impressionData: z.optional(z.boolean()),
  strategies: z.optional(z.array(strategySchema).check(z.maxLength(100))),
  variants: z.optional(z.array(variantSchema).check(z.maxLength(100))),
  dependencies: z.optional(z.array(dependencySchema).check(z.maxLength(20))),
});

export const segmentSchema = z.looseObject({
  id: z.number().check(z.int()),
  name: z.nullish(upTo(200)),
  description: z.nullish(upTo(2000)),
  constraints: z.array(constraintSchema).check(z.maxLength(100)),
});

export const clientFeaturesDocumentSchema = z.looseObject({
  version: z.number().check(z.int()),
  features: z.array(featureSchema).check(z.maxLength(10_000)),
  segments: z.optional(z.array(segmentSchema).check(z.maxLength(10_000))),
  query: z.optional(z.record(z.string(), z.unknown())),
  meta: z.optional(z.record(z.string(), z.unknown())),
  // An app key's document (shared/model/hide-targeting.ts): its values are hashes, and importing
  // them would store hashes as targeting.
  hiddenTargeting: z.optional(
    z.never({
      error: 'is in documents served to app keys, whose values are hashes: import the plain export',
    }),
  ),
});

export type ClientFeaturesDocumentInput = z.infer<typeof clientFeaturesDocumentSchema>;
