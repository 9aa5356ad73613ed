/** Constraints as predicates: each operator's values parsed once, at compile time. */
import type { Constraint, Context } from '../model/client-features';
import { type ContextReader, contextReader } from './context-value';
import { type IpRange, parseCidr, parseIp, rangeContains } from './ip';
import { compileRegex } from './regex';
import { compareSemver, parseSemver, type SemVer } from './semver';

export type Predicate = (ctx: Context) => boolean;

export interface ConstraintOptions {
  now_: () => number;
  /** For a document with hidden targeting: a field's reader, of its hashed value if it is hidden. */
  hidden_?: (field: string) => ContextReader;
  /** What each REGEX constraint of the flag being compiled may spend, in ns (compile.ts sets it). */
  regexShare_?: number;
}

export const NEVER: Predicate = () => false;
export const ALWAYS: Predicate = () => true;

/** The values trimmed, empty ones dropped, in an array of their exact size (push would reserve 17 slots). */
function cleanValues(values: readonly string[] | undefined): string[] {
  if (!values) return [];
  return values.filter((v) => v).map((v) => String(v).trim());
}

function compileIn(c: Constraint, options: ConstraintOptions): Predicate {
  // A hidden field's values are hashes: the context's value is hashed to compare.
  const read = (options.hidden_ ?? contextReader)(c.contextName);
  const values = cleanValues(c.values);
  const negate = c.operator === 'NOT_IN';
  // A Set only pays off past a handful of values; a short array scan is faster.
  const set = values.length > 8 ? new Set(values) : null;
  return (ctx) => {
    const v = read(ctx);
    return (v !== undefined && (set ? set.has(v) : values.includes(v))) !== negate;
  };
}

function compileString(c: Constraint): Predicate {
  const read = contextReader(c.contextName);
  const ci = c.caseInsensitive === true;
  const values = cleanValues(c.values).map((v) => (ci ? v.toLocaleLowerCase() : v));
  const op = c.operator;
  return (ctx) => {
    const raw = read(ctx);
    if (raw === undefined) return false;
    const s = ci ? raw.toLocaleLowerCase() : raw;
    for (const v of values) {
      if (op === 'STR_STARTS_WITH' ? s.startsWith(v) : op === 'STR_ENDS_WITH' ? s.endsWith(v) : s.includes(v))
        return true;
    }
    return false;
  };
}

function compileNumber(c: Constraint): Predicate {
  const read = contextReader(c.contextName);
  const target = Number(c.value);
  if (c.value === undefined || c.value === '' || Number.isNaN(target)) return NEVER;
  const op = c.operator;
  return (ctx) => {
    const raw = read(ctx);
    // As unleash-client reads it (Number()): an empty or blank value is 0, an absent one never matches.
    if (raw === undefined) return false;
    const n = Number(raw);
    if (Number.isNaN(n)) return false;
    switch (op) {
      case 'NUM_EQ':
        return n === target;
      case 'NUM_GT':
        return n > target;
      case 'NUM_GTE':
        return n >= target;
      case 'NUM_LT':
        return n < target;
      default:
        return n <= target;
    }
  };
}

function toMillis(v: string | Date | undefined, now: () => number): number {
  if (v === undefined || v === null) return now();
  if (v instanceof Date) return v.getTime();
  return Date.parse(v);
}

function compileDate(c: Constraint, options: ConstraintOptions): Predicate {
  const target = c.value === undefined ? Number.NaN : Date.parse(c.value);
  if (Number.isNaN(target)) return NEVER;
  const after = c.operator === 'DATE_AFTER';
  const now = options.now_;
  // DATE_* always compares the evaluation's current time, whatever the constraint's contextName.
  return (ctx) => {
    const t = toMillis(ctx.currentTime ?? (ctx.properties?.currentTime as string | undefined), now);
    if (Number.isNaN(t)) return false;
    return after ? t > target : t < target;
  };
}

function compileSemver(c: Constraint): Predicate {
  const read = contextReader(c.contextName);
  const target = c.value === undefined ? null : parseSemver(c.value);
  if (!target) return NEVER;
  const op = c.operator;
  // Apps send the same version on every call: remember the last parse.
  let lastRaw: string | undefined;
  let lastParsed: SemVer | null = null;
  return (ctx) => {
    const raw = read(ctx);
    if (!raw) return false;
    if (raw !== lastRaw) {
      lastRaw = raw;
      lastParsed = raw.startsWith('v') ? null : parseSemver(raw);
    }
    if (!lastParsed) return false;
    const cmp = compareSemver(lastParsed, target);
    switch (op) {
      case 'SEMVER_EQ':
        return cmp === 0;
      case 'SEMVER_GT':
        return cmp > 0;
      case 'SEMVER_GTE':
        return cmp >= 0;
      case 'SEMVER_LT':
        return cmp < 0;
      default:
        return cmp <= 0;
    }
  };
}

function compileRegexConstraint(c: Constraint, options: ConstraintOptions): Predicate {
  const read = contextReader(c.contextName);
  const re =
    c.value === undefined ? null : compileRegex(c.value, c.caseInsensitive === true, options.regexShare_);
  if (!re) return NEVER;
  return (ctx) => {
    const raw = read(ctx);
    return raw !== undefined && re(raw);
  };
}

function compileCidr(c: Constraint): Predicate {
  const read = contextReader(c.contextName);
  const ranges: IpRange[] = [];
  for (const v of cleanValues(c.values)) {
    const r = parseCidr(v);
    if (r) ranges.push(r);
  }
  if (ranges.length === 0) return NEVER;
  return (ctx) => {
    const raw = read(ctx);
    if (raw === undefined) return false;
    const ip = parseIp(raw);
    if (!ip) return false;
    for (let i = 0; i < ranges.length; i++) if (rangeContains(ranges[i], ip)) return true;
    return false;
  };
}

function compileOperator(c: Constraint, options: ConstraintOptions): Predicate | null {
  switch (c.operator) {
    case 'IN':
    case 'NOT_IN':
      return compileIn(c, options);
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
    case 'STR_CONTAINS':
      return compileString(c);
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE':
      return compileNumber(c);
    case 'DATE_AFTER':
    case 'DATE_BEFORE':
      return compileDate(c, options);
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_GTE':
    case 'SEMVER_LT':
    case 'SEMVER_LTE':
      return compileSemver(c);
    case 'REGEX':
      return compileRegexConstraint(c, options);
    case 'IN_CIDR':
      return compileCidr(c);
    default:
      return null;
  }
}

/** A constraint as a predicate. An operator this version does not know never matches, inverted or not. */
export function compileConstraint(c: Constraint, options: ConstraintOptions): Predicate {
  const p = compileOperator(c, options);
  if (!p) return NEVER;
  if (c.inverted === true) return (ctx) => !p(ctx);
  return p;
}

/** All predicates must hold; specialised for the common short lists. */
export function allOf(predicates: Predicate[]): Predicate | null {
  if (predicates.length === 0) return null;
  if (predicates.length === 1) return predicates[0];
  if (predicates.length === 2) {
    const [a, b] = predicates;
    return (ctx) => a(ctx) && b(ctx);
  }
  // A copy of the exact length: the list was built by push, which reserves 17 slots.
  const all = predicates.slice();
  return (ctx) => {
    for (let i = 0; i < all.length; i++) if (!all[i](ctx)) return false;
    return true;
  };
}
