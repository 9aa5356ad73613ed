// npx omnilab refs: whole-name matches of flag names in a code tree, as text and JSON, through the CLI's entry.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { findReferences } from '../../cli/refs-command';

function sink() {
  const parts: string[] = [];
  const stream = {
    write: (s: string) => {
      parts.push(s);
      return true;
    },
  } as never;
  return { stream, text: () => parts.join('') };
}

describe('omnilab refs', () => {
  it('finds a name only where it stands whole', () => {
    const text = [
      "if (unleash.isEnabled('loan-banner', ctx)) {}",
      "const other = 'loan-banner-v2';",
      'flags.loan-banner.enabled',
      'xloan-banner',
      'see loan-banner.',
    ].join('\n');
    const refs = findReferences('a.ts', text, ['loan-banner', 'loan-banner-v2']);
    expect(refs.map((r) => [r.flag, r.line, r.column])).toEqual([
      ['loan-banner', 1, 24],
      ['loan-banner-v2', 2, 16],
      ['loan-banner', 5, 5],
    ]);
  });

  it('finds every inserted name at its position', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}[a-z0-9]$/),
        fc.array(fc.constantFrom(' ', '(', "'", '"', '`', '\n', '=', ','), { minLength: 1, maxLength: 5 }),
        (name, seps) => {
          const text = seps.map((s) => `${s}${name}${s === '\n' ? ' ' : s}`).join('');
          expect(findReferences('f', text, [name]).length).toBe(seps.length);
        },
      ),
    );
  });

  it('lists references and unreferenced flags, in text and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'refs-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'src', 'app.ts'), "isEnabled('mobile.biometric-login')\n");
    writeFileSync(join(dir, 'node_modules', 'x.js'), "'payments.kill-switch'\n");
    const out = sink();
    const err = sink();
    const names = 'mobile.biometric-login,payments.kill-switch';
    expect(await main(['refs', dir, '--json', '--names', names], out.stream, err.stream)).toBe(0);
    const json = JSON.parse(out.text());
    expect(json.references).toEqual([
      {
        flag: 'mobile.biometric-login',
        file: join('src', 'app.ts'),
        line: 1,
        column: 12,
        text: "isEnabled('mobile.biometric-login')",
      },
    ]);
    expect(json.unreferenced).toEqual(['payments.kill-switch']);
    const text = sink();
    expect(
      await main(
        ['refs', dir, '--flags', join(import.meta.dirname, '..', '..', 'experiments', 'flags.yaml')],
        text.stream,
        err.stream,
      ),
    ).toBe(0);
    expect(text.text()).toContain('src/app.ts:1:12  mobile.biometric-login');
  });
});
