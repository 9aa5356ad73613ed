/**
 * The evaluator against every case of Unleash's client specification
 * (`@unleash/client-specification` 6.1.0): isEnabled and getVariant.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, evaluate } from '../../shared';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);

interface SpecFile {
  name: string;
  state: Parameters<typeof compile>[0];
  tests?: { description: string; context: object; toggleName: string; expectedResult: boolean }[];
  variantTests?: { description: string; context: object; toggleName: string; expectedResult: object }[];
}

const files: string[] = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8'));

describe('@unleash/client-specification', () => {
  it('has all 22 files of version 6.1.0', () => {
    expect(files).toHaveLength(22);
  });

  for (const file of files) {
    const spec: SpecFile = JSON.parse(readFileSync(join(specDir, file), 'utf8'));
    describe(spec.name, () => {
      const config = compile(spec.state);
      for (const t of spec.tests ?? []) {
        it(`is-enabled: ${t.description}`, () => {
          expect(evaluate(config, t.toggleName, t.context).enabled).toBe(t.expectedResult);
        });
      }
      for (const t of spec.variantTests ?? []) {
        it(`get-variant: ${t.description}`, () => {
          const { variant } = evaluate(config, t.toggleName, t.context);
          expect({ ...variant }).toEqual(t.expectedResult);
        });
      }
    });
  }
});
