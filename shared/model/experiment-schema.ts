/**
 * Zod schemas for metrics and experiments: they validate the admin API's bodies and the YAML in
 * `experiments/`, and generate both the OpenAPI document and `experiments/schema.json`.
 */
import * as z from 'zod';
import { DEFAULT_CHANNELS } from './channels';
import { ANALYSIS_ENGINES, EXPERIMENT_STATUSES, RANDOMISATION_UNITS } from './experiment';
import { METRIC_KINDS } from './metric';
import { payloadProblems } from './targeting-rules';

/** Keys are safe in URLs, DynamoDB keys and YAML without quoting. */
export const keySchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dots, dashes or underscores');

/**
 * Generated flag names (layer slots, `layer.<layer>.<experiment>`) live under `layer.`: no
 * experiment's own flag, and so no experiment key, may sit there (shared/experiments/experiment-flags.ts).
 */
export const experimentKeySchema = keySchema.regex(
  /^(?!layer\.)/,
  'must not start with "layer." (reserved for generated layer slot flags)',
);

const metricFields = {
  key: keySchema,
  name: z.string().min(1).max(200),
  /** The owning squad: only it, or a platform admin, changes the metric. */
  squad: keySchema.optional(),
  description: z.string().max(2000).optional(),
  kind: z.enum(METRIC_KINDS),
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  unit: z.string().min(1).max(50),
  numerator: keySchema.optional(),
  denominator: keySchema.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** A quantile metric's quantile across units, strictly between 0 and 1 (0.95 is P95). */
  quantile: z.number().gt(0).lt(1).optional(),
};

/** The version a write read; absent when creating. */
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
  ctx: z.RefinementCtx,
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

export const metricSchema = z.strictObject(metricFields).superRefine(checkMetric);
export const metricPutSchema = z.strictObject({ ...metricFields, ...writeVersion }).superRefine(checkMetric);

export const experimentVariantSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, dots, dashes or underscores'),
  weight: z.number().positive().max(1000),
  description: z.string().max(500).optional(),
  payload: z
    .strictObject({ type: z.enum(['string', 'json', 'number', 'csv']), value: z.string().max(10_000) })
    // A json payload must parse, a number payload be a finite number (shared/model/targeting-rules.ts).
    .superRefine((p, ctx) => {
      for (const problem of payloadProblems(p)) ctx.addIssue({ code: 'custom', ...problem });
    })
    .optional(),
});

export const guardrailSchema = z.strictObject({
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
      /** Absent: frequentist (the results and the verdict use the engine named here). */
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
  ctx: z.RefinementCtx,
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

export const experimentSchema = z.strictObject(experimentFields).superRefine(checkExperiment);
export const experimentPutSchema = z
  .strictObject({ ...experimentFields, ...writeVersion })
  .superRefine(checkExperiment);

export type MetricInput = z.input<typeof metricSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentParsed = z.output<typeof experimentSchema>;
