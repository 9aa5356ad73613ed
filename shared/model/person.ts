/**
 * People behind admin tokens. A person is their normalised name: Unicode NFKC, case-folded,
 * trimmed, inner whitespace collapsed to one space. So "Admin-Wang", "admin-wang " and
 * "ＡＤＭＩＮ－ＷＡＮＧ" are one person, and "never the author" (four eyes) compares persons, not
 * tokens. Control, format and bidi characters (zero-width spaces, joiners, direction overrides,
 * the byte-order mark) are refused in a new name, since they make two names look alike.
 */
import { ValidationError } from './errors';

/** Cc (controls) and Cf (format: zero-width, bidi marks, embeddings, overrides, isolates, BOM). */
const REFUSED = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const REFUSED_ALL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const SPACES = /\s+/gu;

function fold(name: string): string {
  let current = name;
  // NFKC and case mapping do not commute for a few letters (e.g. U+0130, U+1E9E): settle both.
  for (let i = 0; i < 4; i++) {
    const next = current
      .normalize('NFKC')
      .toUpperCase()
      .toLowerCase()
      .normalize('NFKC')
      .replace(SPACES, ' ')
      .trim();
    if (next === current) return next;
    current = next;
  }
  return current;
}

/** The first refused character of a name, as `U+XXXX`, or null when there is none. */
export function refusedCharacter(name: string): string | null {
  const m = REFUSED.exec(name.normalize('NFKC'));
  if (!m) return null;
  return `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The person a new name names. Refuses (a ValidationError naming `field`) a name with a control,
 * format or bidi character, or one that is empty once normalised.
 */
export function personKey(name: string, field = 'name'): string {
  const refused = refusedCharacter(name);
  if (refused) throw new ValidationError(`contains ${refused}, a control, format or bidi character`, field);
  const key = fold(name);
  if (key === '') throw new ValidationError('is empty once trimmed', field);
  return key;
}

/**
 * The person an existing name names, never throwing: names stored before persons existed may
 * hold refused characters, which are dropped, so a look-alike still compares equal.
 */
export function personOfName(name: string): string {
  return fold(name.normalize('NFKC').replace(REFUSED_ALL, ''));
}

/** The person acting: the token's recorded person, or one derived from its name. */
export function personOf(who: { name: string; person?: string }): string {
  return who.person ?? personOfName(who.name);
}
