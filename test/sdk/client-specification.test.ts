/**
 * Unleash's client specification (6.1.0) through the SDK client: each file's document as bootstrap,
 * then every isEnabled and getVariant case.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ClientFeaturesDocument, createClient, type SdkContext } from '../../sdk/src';

const require = createRequire(import.meta.url);
const specDir = join(
  dirname(require.resolve('@unleash/client-specification/package.json')),
  'specifications',
);

interface SpecFile {
  name: string;
  state: ClientFeaturesDocument;
  tests?: { description: string; context: SdkContext; toggleName: string; expectedResult: boolean }[];
  variantTests?: { description: string; context: SdkContext; toggleName: string; expectedResult: object }[];
}

const files: string[] = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8'));

describe('@unleash/client-specification through createClient({ bootstrap })', () => {
  it('covers all 22 files of version 6.1.0', () => {
    expect(files).toHaveLength(22);
  });

  for (const file of files) {
    const spec: SpecFile = JSON.parse(readFileSync(join(specDir, file), 'utf8'));
    describe(spec.name, () => {
      const errors: unknown[] = [];
      // No channel on the client: the spec's contexts are evaluated as given, as by any Unleash SDK.
      const client = createClient({ appName: 'spec', bootstrap: spec.state, onError: (e) => errors.push(e) });
      it('takes the document as bootstrap without error and is ready', async () => {
        await client.ready();
        expect(errors).toEqual([]);
      });
      for (const t of spec.tests ?? []) {
        it(`isEnabled: ${t.description}`, () => {
          expect(client.isEnabled(t.toggleName, t.context)).toBe(t.expectedResult);
        });
      }
      for (const t of spec.variantTests ?? []) {
        it(`getVariant: ${t.description}`, () => {
          expect({ ...client.getVariant(t.toggleName, t.context) }).toEqual(t.expectedResult);
        });
      }
    });
  }
});
