/**
 * The zod schema of an Unleash features-batch export as omnilab accepts it for import. Only the shape
 * is checked here (a malformed document is a 400 naming the field); each strategy, variant list and
 * constraint is checked per flag by the import plan, so one flag Unleash could serve and omnilab
 * cannot (a custom strategy, say) is reported on that flag and never refuses the document.
 */
import * as z from './zod';

const loose = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const text = z.string().check(z.maxLength(2000));
/** A string of `min` to `max` characters. */
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const upTo = (max: number) => z.string().check(z.maxLength(max));

export const unleashExportSchema = loose({
  features: z
    .array(
      loose({
        name: str(1, 200),
        type: z.nullish(upTo(50)),
        description: z.nullish(text),
        project: z.nullish(upTo(100)),
        stale: z.nullish(z.boolean()),
        impressionData: z.nullish(z.boolean()),
        archived: z.nullish(z.boolean()),
      }),
    )
    .check(z.maxLength(10_000)),
  featureStrategies: z
    .array(
      loose({
        name: str(1, 200),
        featureName: str(1, 200),
        environment: z.optional(upTo(100)),
        sortOrder: z.nullish(z.number()),
        // Everything else is checked per flag.
      }),
    )
    .check(z.maxLength(100_000)),
  featureEnvironments: z.optional(
    z
      .array(
        loose({
          featureName: z.optional(str(1, 200)),
          name: z.optional(str(1, 200)),
          environment: z.optional(str(1, 100)),
          enabled: z.boolean(),
          variants: z.nullish(z.array(z.unknown()).check(z.maxLength(100))),
        }),
      )
      .check(z.maxLength(100_000)),
  ),
  contextFields: z.optional(
    z
      .array(
        loose({
          name: str(1, 100),
          description: z.nullish(text),
          stickiness: z.nullish(z.boolean()),
          legalValues: z.nullish(
            z.array(loose({ value: upTo(1000), description: z.nullish(text) })).check(z.maxLength(10_000)),
          ),
        }),
      )
      .check(z.maxLength(10_000)),
  ),
  featureTags: z.optional(
    z
      .array(
        loose({
          featureName: str(1, 200),
          tagType: z.optional(str(1, 100)),
          tagValue: z.optional(str(1, 100)),
          type: z.optional(str(1, 100)),
          value: z.optional(str(1, 100)),
        }),
      )
      .check(z.maxLength(100_000)),
  ),
  segments: z.optional(
    z
      .array(
        loose({
          id: z.number().check(z.int()),
          name: str(1, 200),
          description: z.nullish(text),
          constraints: z.optional(z.array(z.unknown()).check(z.maxLength(1000))),
        }),
      )
      .check(z.maxLength(10_000)),
  ),
  tagTypes: z.optional(
    z
      .array(loose({ name: str(1, 100), description: z.nullish(text), icon: z.nullish(z.string()) }))
      .check(z.maxLength(10_000)),
  ),
  dependencies: z.optional(
    z
      .array(
        loose({
          feature: str(1, 200),
          dependencies: z.array(z.unknown()).check(z.maxLength(20)),
        }),
      )
      .check(z.maxLength(10_000)),
  ),
});

/** How an import maps environments and treats strategies omnilab cannot run. */
export const unleashImportQuerySchema = z.strictObject({
  /** `unleash-env:omnilab-env,…`; an environment not listed maps to the omnilab one of its name. */
  environments: z.optional(
    z
      .string()
      .check(
        z.maxLength(2000),
        z.regex(
          /^[^:,]+:[^:,]+(,[^:,]+:[^:,]+)*$/,
          'is a list of unleash-environment:omnilab-environment pairs',
        ),
      ),
  ),
  /** A strategy omnilab does not know: imported disabled (the default) or left out. */
  unknownStrategies: z.optional(z.enum(['disable', 'skip'])),
  /** The environment of a document whose featureEnvironments do not name one. */
  from: z.optional(str(1, 100)),
});

export type UnleashImportQuery = z.infer<typeof unleashImportQuerySchema>;

/** `GET …/export`: the client-features document (default) or a features-batch export for Unleash. */
export const exportQuerySchema = z.strictObject({
  format: z.optional(z.enum(['client-features', 'unleash'])),
  /** format=unleash: segments inlined into strategies (default: imports into any Unleash), or by name. */
  segments: z.optional(z.enum(['inline', 'by-name'])),
});
