/** Person keys: one person per normalised name, look-alike characters refused, never a crash. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/model/errors';
import { personKey, personOf, personOfName, refusedCharacter } from '../../shared/model/person';

const REFUSED = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  0x85,
  0xad,
  0x200b,
  0x200c,
  0x200d,
  0x200e,
  0x200f,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
  0xfeff,
].map((c) => String.fromCodePoint(c));

// Plain printable names (no whitespace at the ends by construction is not assumed).
const name = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
  .filter((s) => refusedCharacter(s) === null);
const anyString = fc.string({ unit: 'binary', maxLength: 30 });

function refusalOf(s: string): ValidationError | null {
  try {
    personKey(s, 'body.name');
    return null;
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
}

describe('person keys', () => {
  it('are idempotent: a key is its own key', () => {
    fc.assert(
      fc.property(name, (n) => {
        const key = personOfName(n);
        if (key === '') return;
        expect(personKey(key)).toBe(key);
        expect(personOfName(key)).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  it('ignore case, surrounding and repeated whitespace and compatibility forms', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,14}( [a-z0-9-]{1,8})?$/),
        fc.constantFrom('', ' ', '  ', '\u00a0', '\u3000'),
        fc.constantFrom('', ' ', '\u2003'),
        (n, before, after) => {
          const key = personKey(n);
          expect(personKey(`${before}${n.toUpperCase()}${after}`)).toBe(key);
          expect(personKey(n.replace(' ', '   '))).toBe(key);
          // Fullwidth letters (U+FF21..) are NFKC-equivalent to ASCII.
          const fullwidth = [...n]
            .map((c) => (/[a-z]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41) : c))
            .join('');
          expect(personKey(fullwidth)).toBe(key);
        },
      ),
    );
    expect(personKey('Straße')).toBe(personKey('STRASSE'));
    expect(personKey('ﬁona')).toBe('fiona');
  });

  it('refuse every control, format and bidi character with a 400 naming the field', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.constantFrom(...REFUSED),
        fc.string({ maxLength: 8 }),
        (a, c, b) => {
          const e = refusalOf(`${a}${c}${b}`);
          expect(e).not.toBeNull();
          expect(e?.field).toBe('body.name');
          expect(e?.code).toBe('BAD_REQUEST');
        },
      ),
    );
  });

  it('never throw anything but a ValidationError, and derive a person from any stored name', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        refusalOf(s);
        const derived = personOfName(s);
        expect(refusedCharacter(derived)).toBeNull();
        expect(personOfName(derived)).toBe(derived);
      }),
      { numRuns: 2000 },
    );
  });

  it('derive look-alike legacy names to the same person', () => {
    expect(personOfName('admin\u200b-wang')).toBe(personOfName('Admin-Wang '));
    expect(personOf({ name: 'x', person: 'admin-wang' })).toBe('admin-wang');
    expect(personOf({ name: ' Local-Admin' })).toBe('local-admin');
  });
});
