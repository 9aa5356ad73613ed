/**
 * The strategy registry: each built-in Unleash strategy (`default`, `userWithId`, the rollouts,
 * `remoteAddress`, `applicationHostname`) as a predicate, with how a match came about. A strategy
 * this evaluator does not implement is off, as in the Unleash SDKs.
 */
import type { Context, Strategy } from '../model/client-features';
import type { CompileEnv } from './compile-env';
import { contextReader } from './context-value';
import { parseCidr, parseIp, rangeContains } from './ip';
import { hashPrefix, hashWithPrefix } from './murmur3';
import type { EnabledReason } from './results';

const STRATEGY_SEED = 0;

/** A strategy's own test. */
export type Predicate = (ctx: Context) => boolean;

export const NEVER: Predicate = () => false;
export const ALWAYS: Predicate = () => true;

function percentage(value: unknown): number {
  const n = Number(value);
  return Number.isNaN(n) ? 0 : n;
}

export function param(s: Strategy, name: string): string | undefined {
  const v = s.parameters?.[name];
  return v === undefined || v === null ? undefined : String(v);
}

function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A rollout predicate: the bucket of the sticky id within `groupId` is at most the percentage. */
function rollout(groupId: string, pct: number, id: (ctx: Context) => string | undefined): Predicate {
  if (pct <= 0) return NEVER;
  const prefix = hashPrefix(`${groupId}:`, STRATEGY_SEED);
  return (ctx) => {
    const v = id(ctx);
    if (!v) return false;
    return (hashWithPrefix(prefix, v) % 100) + 1 <= pct;
  };
}

function randomId(random: () => number): string {
  return String(Math.round(random() * 10000) + 1);
}

const userIdOf = contextReader('userId');
const sessionIdOf = contextReader('sessionId');
const remoteAddressOf = contextReader('remoteAddress');

/** The sticky id of `stickiness: default`: userId, else sessionId, else a random one. */
export function defaultStickyId(random: () => number): (ctx: Context) => string {
  return (ctx) => userIdOf(ctx) || sessionIdOf(ctx) || randomId(random);
}

/** The strategy's own test, and the OpenFeature reason of a match (TARGETING_MATCH too when constrained). */
export function strategyPredicate(
  s: Strategy,
  featureName: string,
  env: CompileEnv,
): { test: Predicate; reason: EnabledReason } {
  switch (s.name) {
    case 'default':
      return { test: ALWAYS, reason: 'STATIC' };
    case 'userWithId': {
      // A Set: a user list can hold thousands of customers (or their hashes).
      const ids = new Set(splitList(param(s, 'userIds')));
      const read = (env.hidden_ ?? contextReader)('userId');
      return {
        test: (ctx) => {
          const id = read(ctx);
          return id !== undefined && ids.has(id);
        },
        reason: 'TARGETING_MATCH',
      };
    }
    case 'flexibleRollout': {
      const pct = percentage(param(s, 'rollout'));
      const groupId = param(s, 'groupId') || featureName;
      const stickiness = param(s, 'stickiness') || 'default';
      let id: (ctx: Context) => string | undefined;
      if (stickiness === 'default') id = env.stickyId_;
      else if (stickiness === 'random') id = () => randomId(env.random);
      else id = contextReader(stickiness);
      return { test: rollout(groupId, pct, id), reason: pct < 100 ? 'SPLIT' : 'STATIC' };
    }
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId': {
      const pct = percentage(param(s, 'percentage'));
      return {
        test: rollout(
          param(s, 'groupId') ?? '',
          pct,
          s.name === 'gradualRolloutUserId' ? userIdOf : sessionIdOf,
        ),
        reason: pct < 100 ? 'SPLIT' : 'STATIC',
      };
    }
    case 'gradualRolloutRandom': {
      const pct = percentage(param(s, 'percentage'));
      if (pct <= 0) return { test: NEVER, reason: 'STATIC' };
      return {
        test: () => Math.floor(env.random() * 100) + 1 <= pct,
        reason: pct < 100 ? 'SPLIT' : 'STATIC',
      };
    }
    case 'remoteAddress': {
      const entries = splitList(param(s, 'IPs'));
      const ranges = entries.map(parseCidr).filter((r) => r !== null);
      return {
        test: (ctx) => {
          const addr = remoteAddressOf(ctx);
          if (!addr) return false;
          if (entries.includes(addr)) return true;
          const ip = parseIp(addr);
          return ip !== null && ranges.some((r) => rangeContains(r, ip));
        },
        reason: 'TARGETING_MATCH',
      };
    }
    case 'applicationHostname': {
      const hosts = splitList(param(s, 'hostNames')).map((h) => h.toLowerCase());
      const hostnameOf = contextReader('hostname');
      return {
        test: (ctx) => {
          const host = hostnameOf(ctx) ?? env.hostname_;
          return host !== undefined && hosts.includes(host.toLowerCase());
        },
        reason: 'TARGETING_MATCH',
      };
    }
    default:
      // A custom strategy this evaluator does not implement is off, as in the Unleash SDKs.
      return { test: NEVER, reason: 'STATIC' };
  }
}
