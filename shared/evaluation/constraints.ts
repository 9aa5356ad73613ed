/**
 * Constraints as data: each compiles to one record of the same shape (its operator as a number, the
 * field's reader, its values parsed once), and one function, `testConstraint`, evaluates any of
 * them. A record holds the document's own values array when it is already clean, so a compiled
 * constraint adds one small object to what the document holds, not a closure tree.
 */
import type { Constraint, Context } from '../model/client-features';
import { type ContextReader, contextReader } from './context-value';
import { type IpRange, parseCidr, parseIp, rangeContains } from './ip';
import { compileRegex } from './regex';
import { compareSemver, parseSemver, type SemVer } from './semver';

export interface ConstraintOptions {
  now_: () => number;
  /** For a document with hidden targeting: a field's reader, of its hashed value if it is hidden. */
  hidden_?: (field: string) => ContextReader;
  /** What each REGEX constraint of the flag being compiled may spend, in ns (compile.ts sets it). */
  regexShare_?: number;
}

// Operator codes: an operator's index here. NUM_* and SEMVER_* keep Unleash's order (EQ, GT, GTE,
// LT, LTE) after their first.
const OPERATORS =
  'IN,NOT_IN,STR_STARTS_WITH,STR_ENDS_WITH,STR_CONTAINS,NUM_EQ,NUM_GT,NUM_GTE,NUM_LT,NUM_LTE,DATE_AFTER,DATE_BEFORE,SEMVER_EQ,SEMVER_GT,SEMVER_GTE,SEMVER_LT,SEMVER_LTE,REGEX,IN_CIDR'.split(
    ',',
  );
/** The codes of the operators this file tests (an enum: the build writes the numbers in place). */
enum Op {
  IN = 0,
  STARTS = 2,
  ENDS = 3,
  NUM = 5,
  DATE_AFTER = 10,
  SEMVER = 12,
  REGEX = 17,
  /** Never matches (inverted: always does). */
  FALSE = 19,
}

/** One compiled constraint: every operator in the same shape, so `testConstraint` stays monomorphic. */
export interface CompiledConstraint {
  readonly op_: number;
  readonly read_: ContextReader;
  /** IN (up to 8 values) and STR_*: the values, lowercased for a case-insensitive STR_*. */
  readonly values_: readonly string[] | null;
  /** NUM_* and DATE_*: the target; STR_*: 1 when case-insensitive. */
  readonly num_: number;
  /** IN over 8 values: a Set; SEMVER_*: the target; REGEX: its matcher; IN_CIDR: the ranges; NUM_*, DATE_*: the clock. */
  readonly data_: ReadonlySet<string> | SemVer | ((s: string) => boolean) | IpRange[] | (() => number) | null;
  /** The result is inverted (NOT_IN, `inverted: true`). */
  readonly not_: boolean;
  /** The strategy's next constraint: a list without an array. */
  readonly next_: CompiledConstraint | null;
}

/** The values trimmed, empty ones dropped; the document's own array when that changes nothing. */
function cleanValues(values: readonly string[] | undefined): readonly string[] {
  if (!values) return [];
  return values.every((v) => v && v === String(v).trim())
    ? values
    : values.filter((v) => v).map((v) => String(v).trim());
}

/**
 * A constraint as a record, linked to `next`. An operator this version does not know never matches,
 * inverted or not.
 */
export function compileConstraint(
  c: Constraint,
  options: ConstraintOptions,
  next: CompiledConstraint | null,
): CompiledConstraint {
  let op = OPERATORS.indexOf(c.operator);
  let not = c.inverted === true;
  let read = contextReader(c.contextName);
  let values: readonly string[] | null = null;
  let num = 0;
  let data: CompiledConstraint['data_'] = null;
  if (op < 0) {
    op = Op.FALSE;
    not = false;
  } else if (op < Op.STARTS) {
    // A hidden field's values are hashes: the context's value is hashed to compare. A Set only
    // pays off past a handful of values; a short array scan is faster.
    read = (options.hidden_ ?? contextReader)(c.contextName);
    not = (op === 1) !== not;
    op = Op.IN;
    values = cleanValues(c.values);
    if (values.length > 8) {
      data = new Set(values);
      values = null;
    }
  } else if (op < Op.NUM) {
    values = cleanValues(c.values);
    if (c.caseInsensitive === true) {
      values = values.map((v) => v.toLocaleLowerCase());
      num = 1;
    }
  } else if (op < Op.SEMVER) {
    num = op < Op.DATE_AFTER ? Number(c.value) : Date.parse(c.value ?? '');
    data = options.now_;
    if (c.value === undefined || c.value === '' || Number.isNaN(num)) op = Op.FALSE;
  } else {
    data =
      op < Op.REGEX
        ? c.value === undefined
          ? null
          : parseSemver(c.value)
        : op === Op.REGEX
          ? c.value === undefined
            ? null
            : compileRegex(c.value, c.caseInsensitive === true, options.regexShare_)
          : cleanValues(c.values)
              .map(parseCidr)
              .filter((r) => r !== null);
    if (!data || (Array.isArray(data) && data.length === 0)) op = Op.FALSE;
  }
  return { op_: op, read_: read, values_: values, num_: num, data_: data, not_: not, next_: next };
}

// Apps send the same version on every call: the last parse is remembered (parseSemver is pure).
let lastRaw: string | undefined;
let lastParsed: SemVer | null = null;

/** `cmp` (negative, 0, positive) against the operator's order: EQ, GT, GTE, LT, LTE. */
function ordered(at: number, cmp: number): boolean {
  return at === 0 ? cmp === 0 : at === 1 ? cmp > 0 : at === 2 ? cmp >= 0 : at === 3 ? cmp < 0 : cmp <= 0;
}

/** Whether the operator holds, before inversion. */
function holds(c: CompiledConstraint, ctx: Context): boolean {
  const op = c.op_;
  if (op === Op.FALSE) return false;
  if (op === Op.DATE_AFTER || op === Op.DATE_AFTER + 1) {
    // DATE_* always compares the evaluation's current time, whatever the constraint's contextName.
    const v = ctx.currentTime ?? (ctx.properties?.currentTime as string | Date | undefined);
    const t =
      v === undefined || v === null
        ? (c.data_ as () => number)()
        : v instanceof Date
          ? v.getTime()
          : Date.parse(v);
    return !Number.isNaN(t) && (op === Op.DATE_AFTER ? t > c.num_ : t < c.num_);
  }
  const raw = c.read_(ctx);
  if (raw === undefined) return false;
  if (op === Op.IN) return c.values_ ? c.values_.includes(raw) : (c.data_ as ReadonlySet<string>).has(raw);
  if (op < Op.NUM) {
    const s = c.num_ ? raw.toLocaleLowerCase() : raw;
    return (c.values_ as readonly string[]).some((v) =>
      op === Op.STARTS ? s.startsWith(v) : op === Op.ENDS ? s.endsWith(v) : s.includes(v),
    );
  }
  if (op < Op.DATE_AFTER) {
    // As unleash-client reads it (Number()): an empty or blank value is 0, an absent one never matches.
    const n = Number(raw);
    return !Number.isNaN(n) && ordered(op - Op.NUM, n === c.num_ ? 0 : n > c.num_ ? 1 : -1);
  }
  if (op < Op.REGEX) {
    if (!raw) return false;
    if (raw !== lastRaw) {
      lastRaw = raw;
      lastParsed = raw.startsWith('v') ? null : parseSemver(raw);
    }
    return lastParsed !== null && ordered(op - Op.SEMVER, compareSemver(lastParsed, c.data_ as SemVer));
  }
  if (op === Op.REGEX) return (c.data_ as (s: string) => boolean)(raw);
  const ip = parseIp(raw);
  return ip !== null && (c.data_ as IpRange[]).some((r) => rangeContains(r, ip));
}

/** Whether every constraint of a list (from its first) holds. */
export function allHold(first: CompiledConstraint, ctx: Context): boolean {
  for (let c: CompiledConstraint | null = first; c !== null; c = c.next_)
    if (holds(c, ctx) === c.not_) return false;
  return true;
}
