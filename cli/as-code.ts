/**
 * Flags, metrics and experiments as code: the YAML in `experiments/`, validated by the same zod
 * schemas as the admin API, with errors that name the file and the field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { environmentStateSchema, flagCreateSchema } from '../functions/schemas/admin-schemas';
import { experimentSchema, metricSchema } from '../shared/model/experiment-schema';
import * as z from '../shared/model/zod';

export const flagAsCodeSchema = z.extend(flagCreateSchema, {
  environments: z.optional(
    z.record(
      z.string(),
      z.extend(environmentStateSchema, {
        strategies: z._default(environmentStateSchema.shape.strategies, []),
      }),
    ),
  ),
});

export const metricsFileSchema = z.strictObject({ metrics: z.array(metricSchema) });
export const flagsFileSchema = z.strictObject({ flags: z.array(flagAsCodeSchema) });

export type MetricAsCode = z.output<typeof metricSchema>;
export type FlagAsCode = z.output<typeof flagAsCodeSchema>;
export type ExperimentAsCode = z.output<typeof experimentSchema>;

export interface AsCode {
  metrics: MetricAsCode[];
  flags: FlagAsCode[];
  experiments: ExperimentAsCode[];
}

export class AsCodeError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `experiments as code has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'AsCodeError';
  }
}

function pathOf(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

function load<T>(file: string, schema: z.ZodMiniType<T>, root: string, problems: string[]): T | null {
  const name = relative(root, file) || file;
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${name}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const at =
      issue.code === 'unrecognized_keys' ? pathOf([...issue.path, issue.keys[0]]) : pathOf(issue.path);
    problems.push(
      `${name}: ${at || '(top)'}: ${issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message}`,
    );
  }
  return null;
}

/** Reads and checks the whole folder; throws an AsCodeError listing every problem at once. */
export function loadAsCode(dir: string): AsCode {
  const problems: string[] = [];
  const root = join(dir, '..');
  const out: AsCode = { metrics: [], flags: [], experiments: [] };
  const metricsFile = join(dir, 'metrics.yaml');
  const flagsFile = join(dir, 'flags.yaml');
  if (existsSync(metricsFile))
    out.metrics = load(metricsFile, metricsFileSchema, root, problems)?.metrics ?? [];
  if (existsSync(flagsFile)) out.flags = load(flagsFile, flagsFileSchema, root, problems)?.flags ?? [];
  const experimentsDir = join(dir, 'experiments');
  if (existsSync(experimentsDir)) {
    for (const file of readdirSync(experimentsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()) {
      const e = load(join(experimentsDir, file), experimentSchema, root, problems);
      if (!e) continue;
      if (`${e.key}.yaml` !== file && `${e.key}.yml` !== file)
        problems.push(
          `${relative(root, join(experimentsDir, file))}: key: "${e.key}" must match the file name`,
        );
      out.experiments.push(e);
    }
  }
  const metricKeys = new Set(out.metrics.map((m) => m.key));
  for (const m of out.metrics) {
    for (const part of [m.numerator, m.denominator]) {
      if (part && !metricKeys.has(part))
        problems.push(`metrics.yaml: ${m.key}: "${part}" is not in the catalogue`);
    }
  }
  for (const e of out.experiments) {
    const used = [e.primaryMetric, ...e.secondaryMetrics, ...e.guardrails.map((g) => g.metric)];
    for (const key of used) {
      if (!metricKeys.has(key))
        problems.push(`experiments/${e.key}.yaml: metric "${key}" is not in metrics.yaml`);
    }
  }
  if (problems.length > 0) throw new AsCodeError(problems);
  return out;
}

/** The JSON schema editors use for the three kinds of file (`experiments/schema.json`). */
export function asCodeJsonSchema(): Record<string, unknown> {
  const def = (schema: z.ZodMiniType) => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    return rest;
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'omnilab experiments as code',
    definitions: {
      metrics: def(metricsFileSchema),
      flags: def(flagsFileSchema),
      experiment: def(experimentSchema),
    },
  };
}
