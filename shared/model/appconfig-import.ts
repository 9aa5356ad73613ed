/**
 * An AWS AppConfig feature-flag profile (`AWS.AppConfig.FeatureFlags` JSON: `flags` definitions and
 * `values`) as an Unleash features-batch export of one environment, so it imports through the same
 * plan and governed import. A flag's attributes become one variant whose JSON payload holds them
 * (OFREP and the SDK resolve it to that object); `_deprecation: planned` is `stale`. Multi-variant
 * flags keep their default variant (the one without a rule); their rule-based variants are reported
 * on the flag, never imported as something AppConfig would not serve. Pure.
 */
import type { UnleashExport, UnleashExportVariant } from './unleash-export';
import * as z from './zod';

const attributeValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
]);

export const appConfigFlagsSchema = z.looseObject({
  version: z.string().check(z.maxLength(10)),
  flags: z.optional(
    z.record(
      z.string().check(z.regex(/^[a-z][a-zA-Z\d_-]{0,63}$/, 'is not an AppConfig flag key')),
      z.looseObject({
        name: z.optional(z.string().check(z.maxLength(200))),
        description: z.optional(z.string().check(z.maxLength(2000))),
        _deprecation: z.optional(z.looseObject({ status: z.optional(z.string()) })),
        attributes: z.optional(z.record(z.string(), z.unknown())),
      }),
    ),
  ),
  values: z.optional(
    z.record(
      z.string(),
      z.looseObject({
        enabled: z.optional(z.boolean()),
        _variants: z.optional(
          z
            .array(
              z.looseObject({
                name: z.string().check(z.maxLength(200)),
                rule: z.optional(z.string().check(z.maxLength(4000))),
                enabled: z.optional(z.boolean()),
                attributeValues: z.optional(z.record(z.string(), attributeValue)),
              }),
            )
            .check(z.maxLength(100)),
        ),
      }),
    ),
  ),
});

export type AppConfigFlags = z.infer<typeof appConfigFlagsSchema>;

export const appConfigImportQuerySchema = z.strictObject({
  /** The omnilab environment the profile's values go to. */
  environment: z.string().check(z.minLength(1), z.maxLength(100)),
});

export function appConfigToUnleashExport(
  profile: AppConfigFlags,
  environment: string,
): { document: UnleashExport; warnings: Map<string, string[]> } {
  const document: UnleashExport = {
    features: [],
    featureStrategies: [],
    featureEnvironments: [],
    tagTypes: [],
  };
  const warnings = new Map<string, string[]>();
  const warn = (flag: string, w: string) => warnings.set(flag, [...(warnings.get(flag) ?? []), w]);
  const values = profile.values ?? {};
  for (const [key, def] of Object.entries(profile.flags ?? {})) {
    const value = values[key] ?? {};
    let enabled = value.enabled === true;
    let attributes: Record<string, unknown> = Object.fromEntries(
      Object.entries(value).filter(([k]) => k !== 'enabled' && !k.startsWith('_')),
    );
    if (value._variants && value._variants.length > 0) {
      const fallback = value._variants.find((v) => v.rule === undefined);
      const ruled = value._variants.filter((v) => v.rule !== undefined);
      if (fallback) {
        enabled = fallback.enabled === true;
        attributes = { ...(fallback.attributeValues ?? {}) };
      } else enabled = false;
      if (ruled.length > 0)
        warn(
          key,
          `its ${ruled.length} rule-based variant(s) (${ruled.map((v) => v.name).join(', ')}) are not imported: AppConfig rules have no omnilab equivalent here; it serves its default${fallback ? ` variant ${fallback.name}` : ' (off, since none has no rule)'} to everyone`,
        );
    }
    document.features.push({
      name: key,
      description: def.description ?? def.name ?? '',
      type: 'release',
      project: 'default',
      stale: def._deprecation?.status === 'planned',
    });
    const variants: UnleashExportVariant[] =
      Object.keys(attributes).length > 0
        ? [
            {
              name: 'attributes',
              weight: 1000,
              weightType: 'variable',
              stickiness: 'default',
              overrides: [],
              payload: { type: 'json', value: JSON.stringify(attributes) },
            },
          ]
        : [];
    document.featureEnvironments?.push({ featureName: key, environment, enabled, variants });
  }
  for (const key of Object.keys(values))
    if (!profile.flags?.[key]) warn(key, 'has values but no flag definition: not imported');
  return { document, warnings };
}
