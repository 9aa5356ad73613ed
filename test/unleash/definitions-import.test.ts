/**
 * Context field definitions and tag types through an Unleash import: the plan names them, the
 * import stores them (the admin API lists them), a re-import writes nothing, and
 * `export?format=unleash` gives them back as they came, so the way back into Unleash carries them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnleashImportReport } from '../../functions/services/unleash-import-plan';
import type { ContextFieldDefinition, TagTypeDefinition } from '../../shared/model/unleash-definitions';
import type { UnleashExport } from '../../shared/model/unleash-export';
import { bodyOf, startTestPlatform, type TestPlatform } from '../support/platform';

let p: TestPlatform;

const exportDoc = (): UnleashExport => ({
  features: [
    { name: 'def-branch-banner', type: 'release', project: 'default', description: 'Branch banner' },
  ],
  featureStrategies: [
    {
      name: 'flexibleRollout',
      featureName: 'def-branch-banner',
      parameters: { rollout: '100', stickiness: 'default', groupId: 'def-branch-banner' },
      constraints: [{ contextName: 'branchRegion', operator: 'IN', values: ['north'] }],
    },
  ],
  featureEnvironments: [
    {
      name: 'def-branch-banner',
      featureName: 'def-branch-banner',
      environment: 'development',
      enabled: true,
    },
  ],
  contextFields: [
    {
      name: 'branchRegion',
      description: 'Region of the branch',
      stickiness: true,
      sortOrder: 3,
      legalValues: [{ value: 'north', description: 'Northern branches' }, { value: 'south' }],
    },
    { name: 'customerSegment', description: 'Retail or private', stickiness: false, legalValues: [] },
  ],
  featureTags: [{ featureName: 'def-branch-banner', tagType: 'squad', tagValue: 'branches' }],
  tagTypes: [
    { name: 'squad', description: 'Owning squad', icon: 'group' },
    { name: 'regulation', description: 'Rule the flag answers to', icon: null },
  ],
});

const admin = (method: string, path: string, body?: unknown) =>
  p.call(method, path, { token: p.tokens.admin, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(async () => {
  await p.close();
});

describe('context fields and tag types', () => {
  it('the plan names them as created and writes nothing', async () => {
    const report = await bodyOf<UnleashImportReport>(
      await admin('POST', '/api/admin/import/unleash/plan', exportDoc()),
    );
    expect(report.definitions.contextFields).toEqual([
      { name: 'branchRegion', action: 'create' },
      { name: 'customerSegment', action: 'create' },
    ]);
    expect(report.definitions.tagTypes.map((t) => t.action)).toEqual(['create', 'create']);
    const listed = await bodyOf<{ contextFields: unknown[] }>(
      await admin('GET', '/api/admin/context-fields'),
    );
    expect(listed.contextFields).toEqual([]);
  });

  it('the import stores them, a re-import writes nothing, and the Unleash export carries them', async () => {
    const first = await admin('POST', '/api/admin/import/unleash', exportDoc());
    expect(first.status, await first.clone().text()).toBe(200);

    const fields = await bodyOf<{ contextFields: ContextFieldDefinition[] }>(
      await admin('GET', '/api/admin/context-fields'),
    );
    expect(fields.contextFields).toEqual([
      {
        name: 'branchRegion',
        description: 'Region of the branch',
        stickiness: true,
        sortOrder: 3,
        legalValues: [{ value: 'north', description: 'Northern branches' }, { value: 'south' }],
        version: 1,
      },
      {
        name: 'customerSegment',
        description: 'Retail or private',
        stickiness: false,
        legalValues: [],
        version: 1,
      },
    ]);
    const types = await bodyOf<{ tagTypes: TagTypeDefinition[] }>(await admin('GET', '/api/admin/tag-types'));
    expect(types.tagTypes).toEqual([
      { name: 'regulation', description: 'Rule the flag answers to', icon: null, version: 1 },
      { name: 'squad', description: 'Owning squad', icon: 'group', version: 1 },
    ]);

    // Unchanged: the plan says so, and no stored version moves.
    const again = await bodyOf<UnleashImportReport>(
      await admin('POST', '/api/admin/import/unleash', exportDoc()),
    );
    expect([...again.definitions.contextFields, ...again.definitions.tagTypes].map((d) => d.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const audit = await bodyOf<{ entries: { action: string }[] }>(
      await admin('GET', '/api/admin/environments/development/audit?limit=200'),
    );
    expect(audit.entries.filter((e) => e.action === 'environment.imported')).toHaveLength(1);
    const fieldsAfter = await bodyOf<{ contextFields: ContextFieldDefinition[] }>(
      await admin('GET', '/api/admin/context-fields'),
    );
    expect(fieldsAfter).toEqual(fields);

    // A changed definition is an update of that one alone.
    const changed = exportDoc();
    changed.contextFields![1].legalValues = [{ value: 'retail' }, { value: 'private' }];
    const third = await bodyOf<UnleashImportReport>(
      await admin('POST', '/api/admin/import/unleash', changed),
    );
    expect(third.definitions.contextFields).toEqual([
      { name: 'branchRegion', action: 'unchanged' },
      { name: 'customerSegment', action: 'update' },
    ]);

    // The export back: every stored definition, used by a flag or not, as it was imported.
    const out = await bodyOf<UnleashExport>(
      await admin('GET', '/api/admin/environments/development/export?format=unleash'),
    );
    expect(out.contextFields).toContainEqual({
      name: 'branchRegion',
      description: 'Region of the branch',
      stickiness: true,
      sortOrder: 3,
      legalValues: [{ value: 'north', description: 'Northern branches' }, { value: 'south' }],
    });
    expect(out.contextFields).toContainEqual({
      name: 'customerSegment',
      description: 'Retail or private',
      stickiness: false,
      legalValues: [{ value: 'retail' }, { value: 'private' }],
    });
    expect(out.tagTypes).toContainEqual({
      name: 'regulation',
      description: 'Rule the flag answers to',
      icon: null,
    });
    expect(out.tagTypes).toContainEqual({ name: 'squad', description: 'Owning squad', icon: 'group' });
  });

  it('a frontend or client key cannot read them', async () => {
    expect((await p.call('GET', '/api/admin/tag-types', { token: p.tokens.client })).status).toBe(403);
  });
});
