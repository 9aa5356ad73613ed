/**
 * The Unleash import reads the document as its schema checked it (nulls where Unleash sends them, a
 * strategy's other fields unchecked): a strategy whose `segments` is not a list, which the schema lets
 * through, is imported disabled with a warning on its flag, never an error for the whole request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planUnleashImport } from '../../functions/services/unleash-import-plan';
import { DEFAULT_CHANNELS } from '../../shared/model/channels';
import { unleashExportSchema } from '../../shared/model/unleash-export-schema';

const NOW = '2026-12-01T00:00:00.000Z';

function documentWith(segments: unknown) {
  return {
    features: [
      { name: 'f', type: null, description: null, project: null, stale: null, impressionData: null },
    ],
    featureStrategies: [
      { name: 'default', featureName: 'f', sortOrder: null, title: null, disabled: null, segments },
    ],
    featureEnvironments: [{ featureName: 'f', environment: 'production', enabled: true, variants: null }],
    tagTypes: [{ name: 'simple', description: null, icon: null }],
  };
}

describe('Unleash import: the document as the schema passes it', () => {
  it('segments that are not a list of ids: the strategy imported disabled, the flag off, with a warning', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.boolean(),
          fc.string({ minLength: 1 }),
          fc.dictionary(fc.string(), fc.integer()),
        ),
        (segments) => {
          const parsed = unleashExportSchema.safeParse(documentWith(segments));
          expect(parsed.success).toBe(true);
          if (!parsed.success) return;
          const plan = planUnleashImport(
            parsed.data,
            { channels: DEFAULT_CHANNELS, now: NOW },
            { flags: [], segments: [], environments: ['production'] },
          );
          const [write] = plan.flags;
          expect(write.flag.environments.production.enabled).toBe(false);
          expect(write.flag.environments.production.strategies).toEqual([
            { name: 'default', disabled: true },
          ]);
          expect(plan.report.flags[0].warnings[0]).toBe(
            'strategy (default) segments is not a list of segment ids: imported disabled',
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('nulls where Unleash sends them: the fields they stand for take their defaults', () => {
    const parsed = unleashExportSchema.safeParse(documentWith([]));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const plan = planUnleashImport(
      parsed.data,
      { channels: DEFAULT_CHANNELS, now: NOW },
      { flags: [], segments: [], environments: ['production'] },
    );
    expect(plan.report.flags[0]).toMatchObject({ action: 'create', warnings: [] });
    expect(plan.flags[0].flag).toMatchObject({
      name: 'f',
      description: '',
      type: 'release',
      squad: 'default',
      impressionData: false,
      environments: { production: { enabled: true, strategies: [{ name: 'default' }] } },
    });
    expect(plan.flags[0].flag.stale).toBeUndefined();
  });
});
