/**
 * The constraint operators: IN and NOT_IN, string, numeric, date and semver operators, REGEX,
 * IN_CIDR, and inverted and unknown operators.
 */
import { describe, expect, it } from 'vitest';
import { type Constraint, type Context, compile, evaluate } from '../../shared';

const NOW = Date.parse('2026-06-01T12:00:00Z');

function matches(constraint: Constraint, context: Context): boolean {
  const config = compile(
    {
      version: 2,
      features: [{ name: 'f', enabled: true, strategies: [{ name: 'default', constraints: [constraint] }] }],
    },
    { now: () => NOW },
  );
  return evaluate(config, 'f', context).enabled;
}

const on = (contextName: string, operator: string, rest: Partial<Constraint>): Constraint => ({
  contextName,
  operator,
  ...rest,
});

describe('IN and NOT_IN', () => {
  it('compares exactly, trimming configured values', () => {
    expect(matches(on('userId', 'IN', { values: [' 42 ', 'x'] }), { userId: '42' })).toBe(true);
    expect(matches(on('userId', 'IN', { values: ['abc'] }), { userId: 'ABC' })).toBe(false);
  });
  it('treats a missing value as not in the list', () => {
    expect(matches(on('tier', 'IN', { values: ['gold'] }), {})).toBe(false);
    expect(matches(on('tier', 'NOT_IN', { values: ['gold'] }), {})).toBe(true);
  });
  it('handles empty value lists', () => {
    expect(matches(on('tier', 'IN', { values: [] }), { properties: { tier: 'gold' } })).toBe(false);
    expect(matches(on('tier', 'NOT_IN', { values: [] }), { properties: { tier: 'gold' } })).toBe(true);
  });
  it('uses a set for long lists with the same answers', () => {
    const values = Array.from({ length: 50 }, (_, i) => `branch-${i}`);
    expect(matches(on('branch', 'IN', { values }), { properties: { branch: 'branch-49' } })).toBe(true);
    expect(matches(on('branch', 'IN', { values }), { properties: { branch: 'branch-50' } })).toBe(false);
  });
  it('stringifies numeric and boolean property values', () => {
    expect(matches(on('age', 'IN', { values: ['30'] }), { properties: { age: 30 } })).toBe(true);
    expect(matches(on('vip', 'IN', { values: ['true'] }), { properties: { vip: true } })).toBe(true);
  });
});

describe('string operators', () => {
  it('match any value, case-sensitively by default', () => {
    expect(
      matches(on('email', 'STR_ENDS_WITH', { values: ['@bank.cn'] }), { properties: { email: 'a@bank.cn' } }),
    ).toBe(true);
    expect(
      matches(on('email', 'STR_ENDS_WITH', { values: ['@BANK.CN'] }), { properties: { email: 'a@bank.cn' } }),
    ).toBe(false);
  });
  it('fold case when caseInsensitive', () => {
    const c = on('email', 'STR_STARTS_WITH', { values: ['VIP'], caseInsensitive: true });
    expect(matches(c, { properties: { email: 'vip.wang@bank.cn' } })).toBe(true);
    expect(
      matches(on('city', 'STR_CONTAINS', { values: ['SHANG'], caseInsensitive: true }), {
        properties: { city: 'Shanghai' },
      }),
    ).toBe(true);
  });
  it('never match an empty list or a missing value, and invert to true', () => {
    expect(matches(on('city', 'STR_CONTAINS', { values: [] }), { properties: { city: 'x' } })).toBe(false);
    expect(matches(on('city', 'STR_CONTAINS', { values: ['x'] }), {})).toBe(false);
    expect(matches(on('city', 'STR_CONTAINS', { values: ['x'], inverted: true }), {})).toBe(true);
  });
});

describe('numeric operators', () => {
  it('compare numbers', () => {
    expect(matches(on('age', 'NUM_GTE', { value: '18' }), { properties: { age: '18' } })).toBe(true);
    expect(matches(on('age', 'NUM_GT', { value: '18' }), { properties: { age: '18' } })).toBe(false);
    expect(matches(on('age', 'NUM_LT', { value: '18.5' }), { properties: { age: '18.4' } })).toBe(true);
    expect(matches(on('age', 'NUM_LTE', { value: '-1' }), { properties: { age: '-1' } })).toBe(true);
    expect(matches(on('age', 'NUM_EQ', { value: '1e3' }), { properties: { age: '1000' } })).toBe(true);
  });
  it('never match a non-number on either side', () => {
    expect(matches(on('age', 'NUM_EQ', { value: 'abc' }), { properties: { age: 'abc' } })).toBe(false);
    expect(matches(on('age', 'NUM_EQ', { value: '5' }), { properties: { age: 'five' } })).toBe(false);
    // An empty value is not a non-number: unleash-client reads it as Number('') = 0 (issue 18).
    expect(matches(on('age', 'NUM_EQ', { value: '0' }), { properties: { age: '' } })).toBe(true);
    expect(
      matches(on('age', 'NUM_EQ', { value: '5', inverted: true }), { properties: { age: 'five' } }),
    ).toBe(true);
  });
});

describe('date operators', () => {
  it('compare the context time, or the injected clock without one', () => {
    expect(matches(on('currentTime', 'DATE_AFTER', { value: '2026-01-01T00:00:00Z' }), {})).toBe(true);
    expect(matches(on('currentTime', 'DATE_BEFORE', { value: '2026-01-01T00:00:00Z' }), {})).toBe(false);
    expect(
      matches(on('currentTime', 'DATE_BEFORE', { value: '2026-01-01T00:00:00Z' }), {
        currentTime: '2025-12-31T23:59:59Z',
      }),
    ).toBe(true);
    expect(
      matches(on('currentTime', 'DATE_AFTER', { value: '2026-01-01T00:00:00Z' }), {
        currentTime: new Date(0),
      }),
    ).toBe(false);
  });
  it('never match a bad date on either side', () => {
    expect(matches(on('currentTime', 'DATE_AFTER', { value: 'not a date' }), {})).toBe(false);
    expect(
      matches(on('currentTime', 'DATE_AFTER', { value: '2020-01-01T00:00:00Z' }), { currentTime: 'soon' }),
    ).toBe(false);
  });
});

describe('semver operators', () => {
  const v = (version: string): Context => ({ properties: { appVersion: version } });
  it('order prereleases below the release, by identifier', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 1; i < order.length; i++) {
      expect(matches(on('appVersion', 'SEMVER_GT', { value: order[i - 1] }), v(order[i]))).toBe(true);
      expect(matches(on('appVersion', 'SEMVER_LT', { value: order[i] }), v(order[i - 1]))).toBe(true);
    }
  });
  it('ignore build metadata and compare numerically', () => {
    expect(matches(on('appVersion', 'SEMVER_EQ', { value: '2.10.0' }), v('2.10.0+build.7'))).toBe(true);
    expect(matches(on('appVersion', 'SEMVER_GT', { value: '2.9.0' }), v('2.10.0'))).toBe(true);
    expect(matches(on('appVersion', 'SEMVER_GTE', { value: '2.10.0' }), v('2.10.0'))).toBe(true);
    expect(matches(on('appVersion', 'SEMVER_LTE', { value: '2.10.0' }), v('2.10.1'))).toBe(false);
  });
  it('never match an invalid version on either side', () => {
    expect(matches(on('appVersion', 'SEMVER_EQ', { value: '1.2' }), v('1.2'))).toBe(false);
    expect(matches(on('appVersion', 'SEMVER_EQ', { value: '1.2.3' }), v('v1.2.3'))).toBe(false);
    expect(matches(on('appVersion', 'SEMVER_GT', { value: '1.0.0' }), v('01.2.3'))).toBe(false);
    expect(matches(on('appVersion', 'SEMVER_GT', { value: '1.0.0' }), {})).toBe(false);
  });
  it('re-parses when the context version changes', () => {
    const config = compile({
      version: 2,
      features: [
        {
          name: 'f',
          enabled: true,
          strategies: [
            { name: 'default', constraints: [on('appVersion', 'SEMVER_GTE', { value: '5.0.0' })] },
          ],
        },
      ],
    });
    expect(evaluate(config, 'f', v('5.0.0')).enabled).toBe(true);
    expect(evaluate(config, 'f', v('4.9.9')).enabled).toBe(false);
    expect(evaluate(config, 'f', v('5.0.1')).enabled).toBe(true);
  });
});

describe('REGEX', () => {
  it('supports Rust-style inline flags and POSIX classes', () => {
    expect(matches(on('userId', 'REGEX', { value: '(?i)^vip-[[:digit:]]+$' }), { userId: 'VIP-007' })).toBe(
      true,
    );
    expect(matches(on('userId', 'REGEX', { value: '^[[:upper:]]{2}$' }), { userId: 'ab' })).toBe(false);
  });
  it('never matches an invalid pattern, look-around or back-reference', () => {
    expect(matches(on('userId', 'REGEX', { value: '([' }), { userId: '([' })).toBe(false);
    expect(matches(on('userId', 'REGEX', { value: 'a(?!b)' }), { userId: 'ac' })).toBe(false);
    expect(matches(on('userId', 'REGEX', { value: '(a)\\1' }), { userId: 'aa' })).toBe(false);
  });
});

describe('IN_CIDR', () => {
  it('matches IPv4 and IPv6 ranges, ignoring bad entries', () => {
    const c = on('remoteAddress', 'IN_CIDR', { values: ['nonsense', '10.1.0.0/16', 'fd00::/8'] });
    expect(matches(c, { remoteAddress: '10.1.255.3' })).toBe(true);
    expect(matches(c, { remoteAddress: '10.2.0.1' })).toBe(false);
    expect(matches(c, { remoteAddress: 'fd12:3456::1' })).toBe(true);
    expect(matches(c, { remoteAddress: 'fe80::1' })).toBe(false);
    expect(matches(c, { remoteAddress: 'not an ip' })).toBe(false);
  });
  it('handles /0, /32, embedded IPv4 and zone ids', () => {
    expect(
      matches(on('remoteAddress', 'IN_CIDR', { values: ['0.0.0.0/0'] }), { remoteAddress: '8.8.8.8' }),
    ).toBe(true);
    expect(
      matches(on('remoteAddress', 'IN_CIDR', { values: ['8.8.8.8/32'] }), { remoteAddress: '8.8.8.9' }),
    ).toBe(false);
    expect(
      matches(on('remoteAddress', 'IN_CIDR', { values: ['::ffff:0:0/96'] }), {
        remoteAddress: '::ffff:1.2.3.4',
      }),
    ).toBe(true);
    expect(
      matches(on('remoteAddress', 'IN_CIDR', { values: ['fe80::/10'] }), { remoteAddress: 'fe80::1%eth0' }),
    ).toBe(true);
    expect(
      matches(on('remoteAddress', 'IN_CIDR', { values: ['1.2.3.4/33'] }), { remoteAddress: '1.2.3.4' }),
    ).toBe(false);
  });
});

describe('inverted and unknown operators', () => {
  it('inverts every known operator', () => {
    expect(matches(on('userId', 'IN', { values: ['1'], inverted: true }), { userId: '1' })).toBe(false);
    expect(matches(on('userId', 'REGEX', { value: '^1$', inverted: true }), { userId: '2' })).toBe(true);
    expect(
      matches(on('remoteAddress', 'IN_CIDR', { values: ['1.0.0.0/8'], inverted: true }), {
        remoteAddress: '2.2.2.2',
      }),
    ).toBe(true);
  });
  it('never matches an unknown operator, inverted or not', () => {
    expect(matches(on('userId', 'LIKE', { values: ['1'] }), { userId: '1' })).toBe(false);
    expect(matches(on('userId', 'LIKE', { values: ['1'], inverted: true }), { userId: '1' })).toBe(false);
  });
});
