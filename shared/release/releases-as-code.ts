/**
 * Release templates as code: `experiments/releases.yaml` holds `templates: [{ id, ...template }]`,
 * validated by the same zod schema as the API, and `experiments/releases.schema.json` is generated
 * from it (a test keeps the two equal). Pure: parsing is the caller's (YAML in, plain data here).
 */
import * as z from '../model/zod';
import { templateBodySchema, templateIdSchema } from './release-template';

export const releasesFileSchema = z.strictObject({
  templates: z.array(z.extend(templateBodySchema, { id: templateIdSchema })).check(z.maxLength(100)),
});
export type ReleasesFile = z.infer<typeof releasesFileSchema>;

export function releasesJsonSchema(): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(releasesFileSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'omnilab release templates as code',
    ...rest,
  };
}
