/**
 * What omnilab's own write routes refuse in targeting, because it could never be served as the
 * author meant: constraint values their operator cannot read, built-in strategy parameters out of
 * range, variant payloads their type cannot carry, duplicate variant names and weights that give
 * some variant no share. Each rule answers problems with a path relative to what it checks.
 *
 * Imports of Unleash documents do not apply these rules: the Unleash server and SDKs serve such
 * values as they are (a value that cannot be read never matches, here as there), and the client
 * specification itself carries them (IN_CIDR "127.invalid", SEMVER_EQ "v2.0.0", IPs "192.invalid").
 * Evaluation stays permissive for the same reason.
 */
import { parseCidr } from '../evaluation/ip';
import { parseSemver } from '../evaluation/semver';
import { VARIANT_WEIGHT_TOTAL } from './flag';
import { parseRfc3339 } from './rfc3339';

export interface TargetingProblem {
  path: (string | number)[];
  message: string;
}

/** A decimal number as every SDK reads one (no hex, no blanks, no `Infinity`), and finite. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function isFiniteDecimal(value: string): boolean {
  return DECIMAL.test(value) && Number.isFinite(Number(value));
}

const NUM_OPERATORS = new Set(['NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE']);
const DATE_OPERATORS = new Set(['DATE_AFTER', 'DATE_BEFORE']);
const SEMVER_OPERATORS = new Set(['SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE']);

const quoted = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/** Constraint values their operator cannot read (REGEX is checked on its own, see regexRefusal). */
export function constraintValueProblems(c: {
  operator: string;
  value?: string;
  values?: string[];
}): TargetingProblem[] {
  const problems: TargetingProblem[] = [];
  const v = c.value;
  if (NUM_OPERATORS.has(c.operator) && v !== undefined && !isFiniteDecimal(v))
    problems.push({
      path: ['value'],
      message: `${quoted(v)} is not a finite number, so ${c.operator} never matches`,
    });
  if (DATE_OPERATORS.has(c.operator) && v !== undefined && parseRfc3339(v) === null)
    problems.push({
      path: ['value'],
      message: `${quoted(v)} is not an RFC 3339 time with a zone (e.g. 2026-12-01T09:00:00Z), so ${c.operator} never matches`,
    });
  if (SEMVER_OPERATORS.has(c.operator) && v !== undefined && (v !== v.trim() || parseSemver(v) === null))
    problems.push({
      path: ['value'],
      message: `${quoted(v)} is not a semantic version (e.g. 1.2.3 or 2.0.0-rc.1, no leading v), so ${c.operator} never matches`,
    });
  if (c.operator === 'IN_CIDR')
    (c.values ?? []).forEach((x, i) => {
      if (x !== x.trim() || parseCidr(x) === null)
        problems.push({
          path: ['values', i],
          message: `${quoted(x)} is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, 2001:db8::/32)`,
        });
    });
  return problems;
}

type Parameters = Record<string, string | number> | undefined;

/** 0..100 as an integer, written as digits or as a number (Unleash stores it as a string). */
function percentProblem(value: string | number | undefined, name: string): string | undefined {
  if (value === undefined)
    return `is required: the share of ${name === 'rollout' ? 'customers' : 'ids'} (0 to 100) that get the flag`;
  const ok = typeof value === 'number' ? Number.isInteger(value) : /^\d{1,3}$/.test(value);
  if (!ok || Number(value) < 0 || Number(value) > 100)
    return `${typeof value === 'string' ? quoted(value) : value} is not a whole percentage from 0 to 100`;
  return undefined;
}

const ROLLOUT_PARAMETER: Record<string, string> = {
  flexibleRollout: 'rollout',
  gradualRolloutUserId: 'percentage',
  gradualRolloutSessionId: 'percentage',
  gradualRolloutRandom: 'percentage',
};

/** Parameters of the built-in strategies that are text in every SDK. */
const TEXT_PARAMETERS: Record<string, string[]> = {
  flexibleRollout: ['groupId', 'stickiness'],
  gradualRolloutUserId: ['groupId'],
  gradualRolloutSessionId: ['groupId'],
  userWithId: ['userIds'],
  remoteAddress: ['IPs'],
  applicationHostname: ['hostNames'],
};

/** The built-in strategies' parameters that no SDK could serve as written. */
export function strategyParameterProblems(s: { name: string; parameters?: Parameters }): TargetingProblem[] {
  const problems: TargetingProblem[] = [];
  const params = s.parameters ?? {};
  const rollout = ROLLOUT_PARAMETER[s.name];
  if (rollout) {
    const problem = percentProblem(params[rollout], rollout);
    if (problem) problems.push({ path: ['parameters', rollout], message: problem });
  }
  for (const name of TEXT_PARAMETERS[s.name] ?? []) {
    const v = params[name];
    if (v !== undefined && typeof v !== 'string')
      problems.push({ path: ['parameters', name], message: `must be a string (SDKs read ${name} as text)` });
  }
  const stickiness = params.stickiness;
  if (s.name === 'flexibleRollout' && typeof stickiness === 'string' && stickiness.length > 100)
    problems.push({
      path: ['parameters', 'stickiness'],
      message: 'is longer than 100 characters (a context field name)',
    });
  const ips = params.IPs;
  if (s.name === 'remoteAddress' && typeof ips === 'string') {
    for (const entry of ips.split(',').map((x) => x.trim())) {
      if (entry !== '' && parseCidr(entry) === null) {
        problems.push({
          path: ['parameters', 'IPs'],
          message: `${quoted(entry)} is not an IPv4 or IPv6 address or CIDR range`,
        });
        break;
      }
    }
  }
  return problems;
}

/** A payload its type cannot carry: `json` must parse as JSON, `number` must be a finite number. */
export function payloadProblems(p: { type: string; value: string }): TargetingProblem[] {
  if (p.type === 'json') {
    try {
      JSON.parse(p.value);
    } catch {
      return [
        { path: ['value'], message: 'is not valid JSON, and its type is json: SDKs would fail to parse it' },
      ];
    }
  }
  if (p.type === 'number' && !isFiniteDecimal(p.value))
    return [
      { path: ['value'], message: `${quoted(p.value)} is not a finite number, and its type is number` },
    ];
  return [];
}

interface WeightedVariant {
  name: string;
  weight: number;
  weightType?: 'variable' | 'fix';
}

function duplicateNames(variants: readonly WeightedVariant[]): TargetingProblem[] {
  const seen = new Set<string>();
  const problems: TargetingProblem[] = [];
  variants.forEach((v, i) => {
    if (seen.has(v.name))
      problems.push({
        path: [i, 'name'],
        message: `${quoted(v.name)} is already the name of another variant in this list`,
      });
    seen.add(v.name);
  });
  return problems;
}

/**
 * A flag's variants, whose weights are shared out when stored (as Unleash does): `fix` weights are
 * per mille and stay, `variable` ones share what is left of 1000 (their weight as sent does not
 * count, so all-zero variable weights are legal and become equal shares). Refused: fixed weights
 * over 1000; fixed weights that leave less than one per mille to each variable variant; only fixed variants that do
 * not add up to 1000 (SDKs would scale them, so no variant would get its stated share).
 */
export function flagVariantProblems(variants: readonly WeightedVariant[]): TargetingProblem[] {
  const problems = duplicateNames(variants);
  if (variants.length === 0) return problems;
  const fixed = variants.filter((v) => v.weightType === 'fix').reduce((sum, v) => sum + v.weight, 0);
  const variable = variants.filter((v) => v.weightType !== 'fix').length;
  const total = VARIANT_WEIGHT_TOTAL;
  if (fixed > total)
    problems.push({ path: [], message: `fixed weights add up to ${fixed}, more than ${total}` });
  else if (variable > total - fixed)
    problems.push({
      path: [],
      message: `fixed weights add up to ${fixed}, leaving ${total - fixed} of ${total} for ${variable} variable variant(s): some would get no share`,
    });
  else if (variable === 0 && fixed !== total)
    problems.push({
      path: [],
      message: `fixed weights add up to ${fixed}; with no variable variant they must add up to ${total}`,
    });
  return problems;
}

/**
 * A strategy's variants, served with the weights as written (a variant's share is its weight over
 * their sum): refused when no variant could ever be picked (every weight 0).
 */
export function strategyVariantProblems(variants: readonly WeightedVariant[]): TargetingProblem[] {
  const problems = duplicateNames(variants);
  if (variants.length > 0 && variants.every((v) => v.weight === 0))
    problems.push({ path: [], message: 'all weights are 0, so no variant would ever be served' });
  return problems;
}
