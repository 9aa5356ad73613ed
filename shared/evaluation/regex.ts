/**
 * The REGEX operator follows Yggdrasil, whose patterns use Rust's `regex` syntax: inline flags
 * such as `(?i)`, POSIX classes such as `[[:alpha:]]`, and no look-around or back-references
 * (a pattern using them never matches, here as there). JavaScript's RegExp lacks the first two,
 * so a pattern is translated once, at compile time.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const UNSUPPORTED = /\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</;

/** Returns a RegExp with Rust-regex semantics for the supported subset, or null when it cannot match. */
export function compileRegex(pattern: string, caseInsensitive: boolean): RegExp | null {
  if (UNSUPPORTED.test(pattern)) return null;
  const flags = new Set<string>(caseInsensitive ? ['i'] : []);
  let source = pattern.replace(/\(\?([imsx]+)\)/g, (_m, f: string) => {
    for (const c of f) flags.add(c);
    return '';
  });
  if (flags.has('x')) return null;
  source = source.replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) =>
    neg ? m : (POSIX_CLASSES[name] ?? m),
  );
  const f = [...flags].join('');
  try {
    return new RegExp(source, `${f}u`);
  } catch {
    try {
      return new RegExp(source, f);
    } catch {
      return null;
    }
  }
}
