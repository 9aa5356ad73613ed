/**
 * Zod schemas for metrics and experiments: they validate the admin API's bodies and the YAML in
 * `experiments/`, and generate both the OpenAPI document and `experiments/schema.json`.
 */
import { DEFAULT_CHANNELS } from './channels';
import { ANALYSIS_ENGINES, EXPERIMENT_STATUSES, RANDOMISATION_UNITS } from './experiment';
import { METRIC_KINDS } from './metric';
import { payloadProblems } from './targeting-rules';
import * as z from './zod';

/** A string of `min` to `max` characters. */
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));

/** Keys are safe in URLs, DynamoDB keys and YAML without quoting. */
export const keySchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(100),
    z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dots, dashes or underscores'),
  );

/**
 * Generated flag names (layer slots, `layer.<layer>.<experiment>`) live under `layer.`: no
 * experiment's own flag, and so no experiment key, may sit there (shared/experiments/experiment-flags.ts).
 */
export const experimentKeySchema = keySchema.check(
  z.regex(/^(?!layer\.)/, 'must not start with "layer." (reserved for generated layer slot flags)'),
);

const metricFields = {
  key: keySchema,
  name: text(1, 200),
  /** The owning squad: only it, or a platform admin, changes the metric. */
  squad: z.optional(keySchema),
  description: z.optional(z.string().check(z.maxLength(2000))),
  kind: z.enum(METRIC_KINDS),
  direction: z.enum(['higher-is-better', 'lower-is-better']),
  unit: text(1, 50),
  numerator: z.optional(keySchema),
  denominator: z.optional(keySchema),
  min: z.optional(z.number()),
  max: z.optional(z.number()),
  /** A quantile metric's quantile across units, strictly between 0 and 1 (0.95 is P95). */
  quantile: z.optional(z.number().check(z.gt(0), z.lt(1))),
};

/** The version a write read; absent when creating. */
const writeVersion = { version: z.optional(z.number().check(z.int(), z.gte(1))) };

function checkMetric(
  m: {
    kind: string;
    numerator?: string;
    denominator?: string;
    min?: number;
    max?: number;
    quantile?: number;
  },
  ctx: z.core.$RefinementCtx,
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

export const metricSchema = z.strictObject(metricFields).check(z.superRefine(checkMetric));
export const metricPutSchema = z
  .strictObject({ ...metricFields, ...writeVersion })
  .check(z.superRefine(checkMetric));

export const experimentVariantSchema = z.strictObject({
  name: text(1, 100).check(
    z.regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, dots, dashes or underscores'),
  ),
  weight: z.number().check(z.gt(0), z.lte(1000)),
  description: z.optional(z.string().check(z.maxLength(500))),
  payload: z.optional(
    z
      .strictObject({
        type: z.enum(['string', 'json', 'number', 'csv']),
        value: z.string().check(z.maxLength(10_000)),
      })
      // A json payload must parse, a number payload be a finite number (shared/model/targeting-rules.ts).
      .check(
        z.superRefine((p, ctx) => {
          for (const problem of payloadProblems(p)) ctx.addIssue({ code: 'custom', ...problem });
        }),
      ),
  ),
});

export const guardrailSchema = z.strictObject({
  metric: keySchema,
  tolerance: z.number().check(z.gte(0), z.lte(10)),
});

const experimentFields = {
  key: experimentKeySchema,
  name: text(1, 200),
  hypothesis: text(1, 2000),
  squad: keySchema,
  environment: z._default(text(1, 50), 'production'),
  trafficPercent: z._default(z.number().check(z.gte(0), z.lte(100)), 100),
  channels: z._default(z.array(text(1, 50)).check(z.minLength(1)), [...DEFAULT_CHANNELS]),
  unit: z._default(z.enum(RANDOMISATION_UNITS), 'customer'),
  variants: z.array(experimentVariantSchema).check(z.minLength(2), z.maxLength(10)),
  primaryMetric: keySchema,
  secondaryMetrics: z._default(z.array(keySchema).check(z.maxLength(20)), []),
  guardrails: z._default(z.array(guardrailSchema).check(z.maxLength(20)), []),
  layer: z.optional(keySchema),
  status: z._default(z.enum(EXPERIMENT_STATUSES), 'draft'),
  shippedVariant: z.optional(text(1, 100)),
  startedAt: z.optional(z.iso.datetime()),
  stoppedAt: z.optional(z.iso.datetime()),
  analysis: z._default(
    z.strictObject({
      /** Absent: frequentist (the results and the verdict use the engine named here). */
      engine: z.optional(z.enum(ANALYSIS_ENGINES)).register(z.globalRegistry, {
        description: 'frequentist (default; fixed-horizon or sequential by `sequential`) or bayesian',
      }),
      sequential: z._default(z.boolean(), true),
      alpha: z._default(z.number().check(z.gt(0), z.lt(0.5)), 0.05),
      cuped: z._default(z.boolean(), true),
      chanceThreshold: z.optional(z.number().check(z.gt(0.5), z.lt(1))).register(z.globalRegistry, {
        description: 'bayesian: ship when the chance to beat control reaches this (default 0.95)',
      }),
    }),
    { sequential: true, alpha: 0.05, cuped: true },
  ),
};

function checkExperiment(
  e: { variants: { name: string }[]; status: string; shippedVariant?: string; channels: string[] },
  ctx: z.core.$RefinementCtx,
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

export const experimentSchema = z.strictObject(experimentFields).check(z.superRefine(checkExperiment));
export const experimentPutSchema = z
  .strictObject({ ...experimentFields, ...writeVersion })
  .check(z.superRefine(checkExperiment));

export type MetricInput = z.input<typeof metricSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentParsed = z.output<typeof experimentSchema>;
