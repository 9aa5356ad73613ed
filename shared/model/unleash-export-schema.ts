/**
 * The zod schema of an Unleash features-batch export as omnilab accepts it for import. Only the shape
 * is checked here (a malformed document is a 400 naming the field); each strategy, variant list and
 * constraint is checked per flag by the import plan, so one flag Unleash could serve and omnilab
 * cannot (a custom strategy, say) is reported on that flag and never refuses the document.
 */
import * as z from 'zod';

const loose = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const text = z.string().max(2000);

export const unleashExportSchema = loose({
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
        // Everything else is checked per flag.
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
      loose({ name: z.string().min(1).max(100), description: text.nullish(), icon: z.string().nullish() }),
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

/** How an import maps environments and treats strategies omnilab cannot run. */
export const unleashImportQuerySchema = z.strictObject({
  /** `unleash-env:omnilab-env,…`; an environment not listed maps to the omnilab one of its name. */
  environments: z
    .string()
    .max(2000)
    .regex(/^[^:,]+:[^:,]+(,[^:,]+:[^:,]+)*$/, 'is a list of unleash-environment:omnilab-environment pairs')
    .optional(),
  /** A strategy omnilab does not know: imported disabled (the default) or left out. */
  unknownStrategies: z.enum(['disable', 'skip']).optional(),
  /** The environment of a document whose featureEnvironments do not name one. */
  from: z.string().min(1).max(100).optional(),
});

export type UnleashImportQuery = z.infer<typeof unleashImportQuerySchema>;

/** `GET …/export`: the client-features document (default) or a features-batch export for Unleash. */
export const exportQuerySchema = z.strictObject({
  format: z.enum(['client-features', 'unleash']).optional(),
  /** format=unleash: segments inlined into strategies (default: imports into any Unleash), or by name. */
  segments: z.enum(['inline', 'by-name']).optional(),
});
