/**
 * The flag and segment name rule (shared/model/names.ts), as properties: every name Unleash accepts
 * passes; a name with any invisible, control or direction character, or not in NFC, or "." / "..",
 * is refused, so no two accepted names differ by a hidden difference only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagNameProblem, segmentNameProblem } from '../../shared/model/names';

/** What encodeURIComponent leaves alone: Unleash's URL-friendly names. */
const URL_FRIENDLY = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', ...".-_~!*'()"];
const unleashName = fc
  .string({ unit: fc.constantFrom(...URL_FRIENDLY), minLength: 1, maxLength: 40 })
  .filter((n) => n !== '.' && n !== '..');
const hidden = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00ad',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\ue000',
);

describe('the name rule', () => {
  it('takes every name Unleash accepts, as a flag and as a segment', () => {
    fc.assert(
      fc.property(unleashName, (name) => {
        expect(encodeURIComponent(name)).toBe(name);
        expect(flagNameProblem(name)).toBeUndefined();
        expect(segmentNameProblem(name)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a hidden character anywhere in a name, for flags and segments', () => {
    fc.assert(
      fc.property(unleashName, hidden, fc.nat(), (name, h, at) => {
        const i = at % (name.length + 1);
        const twin = name.slice(0, i) + h + name.slice(i);
        expect(flagNameProblem(twin)).toMatch(/not "\." or "\.\."/);
        expect(segmentNameProblem(twin)).toMatch(/control, invisible or direction/);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a name not in NFC, so NFC and NFD spellings are never two names', () => {
    fc.assert(
      fc.property(fc.constantFrom('é', 'ü', 'ñ', 'Å', 'ệ'), unleashName, (accented, rest) => {
        const nfc = `${accented}${rest}`.normalize('NFC');
        const nfd = nfc.normalize('NFD');
        expect(flagNameProblem(nfc)).toBeUndefined();
        expect(flagNameProblem(nfd)).toBeDefined();
        expect(segmentNameProblem(nfd)).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('refuses "." and ".."; takes names of any script, as Unleash\'s client specification does', () => {
    expect(flagNameProblem('.')).toBeDefined();
    expect(flagNameProblem('..')).toBeDefined();
    expect(flagNameProblem('...')).toBeUndefined();
    expect(flagNameProblem('Feature.UTF-8.😊_φriend_你好_🌍')).toBeUndefined();
    expect(flagNameProblem('Feature.UTF-8.Hellø_Wørld')).toBeUndefined();
    expect(flagNameProblem('新客礼遇-🎁')).toBeUndefined();
    expect(segmentNameProblem('Beta users (north)')).toBeUndefined();
  });
});
