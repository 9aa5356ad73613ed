/** The rule for names people address and read (flags, segments): no name that cannot be reached or passes for another. */

/**
 * What every flag name must avoid, beyond the admin schema's (no whitespace, / ? # % \): Unleash's own
 * names (letters, digits, `.`, `_`, `~`, `-`, and the rest of what encodeURIComponent leaves alone)
 * always pass.
 */
export const FLAG_NAME_RULE =
  'must be letters, digits and visible punctuation other than / ? # % \\ (Unleash names: letters, digits, . _ ~ -), ' +
  'not "." or "..", with no control, invisible or direction-changing character, in Unicode NFC';

/** What every segment name must avoid (segment names are free text, spaces included). */
export const SEGMENT_NAME_RULE =
  'must be visible text with no control, invisible or direction-changing character, in Unicode NFC';

// Controls (C0, C1), format characters (zero-width spaces and joiners, bidi overrides and
// isolates, the BOM, soft hyphen), private-use and unassigned code points, line/paragraph separators.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
// Letters of different scripts may share a name (Unleash's own client specification names a flag
// `Feature.UTF-8.😊_φriend_你好_🌍`), so look-alike letters (`a`/`а`) are not refused here.

/** Why `name` cannot be a segment name, or undefined. */
export function segmentNameProblem(name: string): string | undefined {
  if (HIDDEN.test(name) || name.normalize('NFC') !== name) return SEGMENT_NAME_RULE;
  return undefined;
}

/**
 * Why `name` cannot be a flag name, or undefined. "." and ".." are path segments that every URL
 * parser removes, so such a flag could never be read, changed or killed by its route.
 */
export function flagNameProblem(name: string): string | undefined {
  if (name === '.' || name === '..' || /[\s/?#%\\]/u.test(name) || segmentNameProblem(name) !== undefined)
    return FLAG_NAME_RULE;
  return undefined;
}
