/**
 * One CSV cell, RFC 4180 quoted and safe to open in a spreadsheet: text that a spreadsheet would
 * run as a formula (it starts with = + - @, a tab or a carriage return, OWASP's list for CSV
 * injection) is prefixed with ' so it opens as the text it is. Plain numbers are left as numbers.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The text a spreadsheet shows as text: formula-like text gets a leading apostrophe. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** A cell: null and undefined are empty, numbers and booleans as written, text neutralized and quoted. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? neutralizeFormula(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
