// experiments/releases.yaml: valid against the API's schema, the bank's default template well formed, and releases.schema.json generated from the zod schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CHANNELS } from '../../shared/model/channels';
import { templateProblem } from '../../shared/release/release-template';
import { releasesFileSchema, releasesJsonSchema } from '../../shared/release/releases-as-code';

const dir = join(import.meta.dirname, '..', '..', 'experiments');

describe('release templates as code', () => {
  it('ships the bank default: staff, mobile 5%, web 25%, WeChat, branch and call center, ATM', () => {
    const file = releasesFileSchema.parse(parse(readFileSync(join(dir, 'releases.yaml'), 'utf8')));
    const bank = file.templates.find((t) => t.id === 'bank-default');
    expect(bank?.milestones.map((m) => m.name)).toEqual([
      'staff',
      'mobile app 5%',
      'web 25%',
      'WeChat mini program',
      'branch and call center',
      'ATM',
    ]);
    expect(bank?.milestones[1].channels).toEqual({ mobile: 5 });
    expect(bank?.milestones[2].channels.web).toBe(25);
    expect(Object.values(bank?.milestones.at(-1)?.channels ?? {})).toEqual(DEFAULT_CHANNELS.map(() => 100));
    for (const t of file.templates) expect(templateProblem(t, DEFAULT_CHANNELS)).toBeNull();
  });

  it('has its JSON schema generated from the zod schema', () => {
    const stored = JSON.parse(readFileSync(join(dir, 'releases.schema.json'), 'utf8'));
    expect(stored).toEqual(releasesJsonSchema());
  });
});
